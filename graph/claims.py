"""Finding claims: filters compiled to one SPARQL query, values bound, never pasted.

``find_claims`` returns one ordered page of claim IRIs and ``count_claims`` the total; both take
the same :class:`ClaimFilter`, so totals and pages always agree.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import pyoxigraph as ox

from graph.entity import iri_list
from graph.namespaces import EV
from graph.store import Store, Term, text

#: The claim kinds, most specific classes of ev:ClinicalStatement.
CLAIM_KINDS = (
    EV.IndicationStatement,
    EV.ContraindicationStatement,
    EV.InteractionStatement,
    EV.PharmacogenomicStatement,
    EV.MonitoringStatement,
    EV.PracticePointStatement,
    EV.MechanismStatement,
    EV.PracticePatternStatement,
)

_ACCENTS = {
    "a": "aàáâãäåāăą",
    "c": "cçćĉċč",
    "d": "dďđ",
    "e": "eèéêëēĕėęě",
    "g": "gĝğġģ",
    "i": "iìíîïĩīĭįı",  # noqa: RUF001 - the dotless i is one of the letters to match
    "l": "lĺļľł",
    "n": "nñńņň",
    "o": "oòóôõöøōŏő",
    "r": "rŕŗř",
    "s": "sśŝşšß",
    "t": "tţť",
    "u": "uùúûüũūŭůűų",
    "y": "yýÿŷ",
    "z": "zźżž",
}
_REGEX_SPECIAL = set("\\|.?*+{}()[]^$-")


def fold(value: str) -> str:
    """Lower case without accents: how search compares text.

    >>> fold("Behçet's")
    "behcet's"
    """
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def search_pattern(value: str) -> str:
    r"""An XPath regular expression for SPARQL REGEX matching ``value`` in any case and accents.

    Apostrophes are optional and every regex character is escaped.

    >>> search_pattern("Behcet")
    'b[eèéêëēĕėęě]h[cçćĉċč][eèéêëēĕėęě][tţť]'
    >>> search_pattern("a.b")
    '[aàáâãäåāăą]\\.b'
    """
    parts = []
    for char in fold(value.strip()):
        if char in _ACCENTS:
            parts.append(f"[{_ACCENTS[char]}]")
        elif char in "'\u2019":  # typewriter or typographic apostrophe
            parts.append("['\u2019]?")
        elif char in _REGEX_SPECIAL:
            parts.append("\\" + char)
        elif char.isspace():
            parts.append("\\s+")
        else:
            parts.append(char)
    return "".join(parts)


@dataclass(frozen=True)
class ClaimFilter:
    """What a claim must match; every field is optional and they combine with AND.

    ``drug``, ``condition`` and ``source`` match an IRI, a label, a synonym or an identifier
    (case-insensitive). ``grade`` is a notation ("A"), optionally within ``grade_scheme`` (a
    scheme IRI or its name, e.g. "dr-oracle-evidence"). ``min_certainty`` is a GRADE certainty
    rank (4 high ... 1 very low) reached directly or through a grade's crosswalk.
    """

    kinds: tuple[str, ...] = ()
    drug: str | None = None
    condition: str | None = None
    licensed: bool | None = None
    grade: str | None = None
    grade_scheme: str | None = None
    min_certainty: int | None = None
    study_design: str | None = None
    source: str | None = None
    negated: bool | None = None
    text: str | None = None
    severity: str | None = None
    gene: str | None = None
    include_retracted: bool = False


def names_match(var: str, key: str) -> str:
    """A filter: ?var is the IRI ?key, or has ?key as a label, synonym or identifier."""
    return (
        f"FILTER(STR(?{var}) = ?{key} || EXISTS {{ ?{var} rdfs:label|skos:altLabel|skos:prefLabel"
        f"|ev:identifier|dcterms:title ?{var}Name FILTER(LCASE(STR(?{var}Name)) = LCASE(?{key})) }})"
    )


def _compile(claim_filter: ClaimFilter) -> tuple[str, dict[str, Term | None]]:  # noqa: PLR0912
    # one branch per filter field: flat and readable, each adding its patterns and bindings
    """The WHERE body and its bindings for a filter."""
    f = claim_filter
    kinds = f.kinds or tuple(str(k) for k in CLAIM_KINDS)
    lines = [f"VALUES ?kind {{ {iri_list(kinds)} }}", "?s a ?kind ."]
    bindings: dict[str, Term | None] = {}
    if f.drug is not None:
        lines += ["?s ev:drug ?drug .", names_match("drug", "drugKey")]
        bindings["drugKey"] = ox.Literal(f.drug)
    if f.condition is not None:
        lines += ["?s ev:condition ?condition .", names_match("condition", "conditionKey")]
        bindings["conditionKey"] = ox.Literal(f.condition)
    if f.licensed is not None:
        lines.append("?s ev:licensingStatus ?licensing .")
        bindings["licensing"] = ox.NamedNode(str(EV.Licensed if f.licensed else EV.Unlicensed))
    if f.grade is not None:
        lines += [
            "?s ev:evidenceGrade|ev:recommendationStrength ?grade .",
            "?grade skos:notation ?gradeNotation .",
            "FILTER(LCASE(STR(?gradeNotation)) = LCASE(?gradeKey))",
        ]
        bindings["gradeKey"] = ox.Literal(f.grade)
    if f.grade_scheme is not None:
        lines += [
            "?s ev:evidenceGrade|ev:recommendationStrength ?schemeGrade .",
            "?schemeGrade skos:inScheme ?scheme .",
            "FILTER(STR(?scheme) = ?schemeKey || STR(?scheme) = CONCAT(STR(grade:), ?schemeKey))",
        ]
        if f.grade is not None:
            lines.append("FILTER(?schemeGrade = ?grade)")
        bindings["schemeKey"] = ox.Literal(f.grade_scheme)
    if f.min_certainty is not None:
        # the grade itself when it is a GRADE certainty level, else its crosswalk to one
        lines += [
            "?s ev:evidenceGrade/(skos:closeMatch|skos:broadMatch)? ?certainty .",
            "?certainty skos:inScheme grade:grade-certainty ; ev:rank ?certaintyRank .",
            "FILTER(?certaintyRank >= ?minRank)",
        ]
        bindings["minRank"] = ox.Literal(f.min_certainty)
    if f.study_design is not None:
        lines.append("?s ev:evidence/ev:studyDesign/skos:broader* ?design .")
        bindings["design"] = ox.NamedNode(f.study_design)
    if f.source is not None:
        lines += ["?s prov:wasDerivedFrom ?source .", names_match("source", "sourceKey")]
        bindings["sourceKey"] = ox.Literal(f.source)
    if f.negated is not None:
        lines += [
            "OPTIONAL { ?s ev:negated ?negatedValue }",
            "FILTER(COALESCE(?negatedValue, false) = ?negated)",
        ]
        bindings["negated"] = ox.Literal(f.negated)
    if f.text is not None and not any(c.isalnum() for c in f.text):
        lines.append("FILTER(false)")  # punctuation alone would match everything
    elif f.text is not None:
        # The pattern is written into the query, serialized by pyoxigraph (so escaped like any
        # bound value): Oxigraph compiles a constant regex once, a bound one for every row.
        pattern = str(ox.Literal(search_pattern(f.text)))
        lines.append(
            f"FILTER EXISTS {{ ?s rdfs:label|(ev:evidence/ev:text) ?claimText "
            f'FILTER(REGEX(STR(?claimText), {pattern}, "i")) }}'
        )
    if f.severity is not None:
        lines.append("?s ev:severity ?severity .")
        bindings["severity"] = ox.NamedNode(f.severity)
    if f.gene is not None:
        lines += ["?s ev:gene ?gene .", names_match("gene", "geneKey")]
        bindings["geneKey"] = ox.Literal(f.gene)
    if not f.include_retracted:
        lines.append("FILTER NOT EXISTS { ?s prov:invalidatedAtTime ?retractedAt }")
    return "\n  ".join(lines), bindings


def find_claims(store: Store, claim_filter: ClaimFilter, limit: int, offset: int = 0) -> list[str]:
    """One page of matching claim IRIs, ordered by label then IRI (a stable order)."""
    body, bindings = _compile(claim_filter)
    rows = store.select(
        f"""SELECT ?s (MIN(LCASE(STR(?label))) AS ?sortKey) WHERE {{
  {body}
  OPTIONAL {{ ?s rdfs:label ?label }}
}} GROUP BY ?s ORDER BY ?sortKey ?s LIMIT {int(limit)} OFFSET {int(offset)}""",
        bindings,
    )
    return [text(r["s"]) for r in rows]


def count_claims(store: Store, claim_filter: ClaimFilter) -> int:
    """How many claims match."""
    body, bindings = _compile(claim_filter)
    rows = store.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{\n  {body}\n}}", bindings)
    return int(text(rows[0]["n"])) if rows else 0


#: The classes that ``search`` returns: everything with a GraphQL type of its own.
SEARCHABLE = (
    *CLAIM_KINDS,
    EV.Drug,
    EV.DrugClass,
    EV.Substance,
    EV.Condition,
    EV.PatientState,
    EV.Gene,
    EV.Phenotype,
    EV.Reference,
    EV.SourceDocument,
)

_SEARCH = """SELECT ?s (MIN(?rank) AS ?best) (MIN(LCASE(STR(?label))) AS ?sortKey) WHERE {
  VALUES ?type { %s }
  ?s a ?type .
  ?s rdfs:label|skos:altLabel|skos:prefLabel|ev:identifier|dcterms:title ?name .
  FILTER(REGEX(STR(?name), %s, "i"))
  BIND(IF(REGEX(STR(?name), %s, "i"), 0, 1) AS ?rank)
  OPTIONAL { ?s rdfs:label|dcterms:title ?label }
  FILTER NOT EXISTS { ?s prov:invalidatedAtTime ?retractedAt }
} GROUP BY ?s ORDER BY ?best ?sortKey ?s"""


def search(store: Store, value: str) -> list[str]:
    """IRIs of nodes whose label, synonym, identifier or title contains ``value``.

    Case and accents are ignored; exact matches come first, then the rest by label.
    """
    if not any(c.isalnum() for c in value):
        return []  # punctuation alone would match everything
    pattern = search_pattern(value)
    # constant patterns, serialized by pyoxigraph: see the text filter in _compile
    query = _SEARCH % (
        iri_list(str(t) for t in SEARCHABLE),
        ox.Literal(pattern),
        ox.Literal(f"^{pattern}$"),
    )
    rows = store.select(query)
    return [text(r["s"]) for r in rows]


def grade_schemes(store: Store) -> list[str]:
    """IRIs of every grading scheme, in IRI order."""
    rows = store.select("SELECT DISTINCT ?s WHERE { ?s a ev:GradingScheme } ORDER BY ?s")
    return [text(r["s"]) for r in rows]
