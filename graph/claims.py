"""Finding claims: filters compiled to one SPARQL query, values serialized by pyoxigraph, never pasted.

``find_claims`` returns one page of claim IRIs, ordered by label, with the number of claims
that match: both come from the same query, so totals and pages always agree.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from graph.entity import iri_list, solutions
from graph.lookup import as_iri
from graph.names import NAME_PATH, NameIndex, name_union
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
    (case-insensitive). ``condition`` also matches the conditions narrower than the one named
    (skos:broader, at any depth), unless ``condition_exact``. ``grade`` is a notation ("A") or a
    label ("Level 2+"), optionally within ``grade_scheme`` (a scheme IRI or its name, e.g.
    "dr-oracle-evidence"). ``min_certainty`` is a GRADE certainty rank (4 high ... 1 very low)
    reached directly or through a crosswalk.
    """

    kinds: tuple[str, ...] = ()
    drug: str | None = None
    condition: str | None = None
    condition_exact: bool = False
    licensed: bool | None = None
    jurisdiction: str | None = None
    grade: str | None = None
    grade_scheme: str | None = None
    min_certainty: int | None = None
    study_design: str | None = None
    source: str | None = None
    negated: bool | None = None
    text: str | None = None
    severity: str | None = None
    gene: str | None = None
    interactant: str | None = None
    include_retracted: bool = False


def names_match(var: str, key: str) -> str:
    """A filter: ?var is the IRI ``key``, or an IRI node with ``key`` as a label, synonym or identifier.

    ``key`` is a SPARQL expression: a bound variable (``"?drugKey"``) or a literal serialized by
    pyoxigraph. What stores without a name index run; :func:`link_named` uses the index.
    """
    return (
        f"FILTER(isIRI(?{var}) && (STR(?{var}) = {key} || EXISTS {{ ?{var} {NAME_PATH} ?{var}Name "
        f"FILTER(LCASE(STR(?{var}Name)) = LCASE({key})) }}))"
    )


#: Above this many nodes for one name, a filter compares names in SPARQL rather than list them.
MAX_NAMED = 32


def named(store: Store, key: str) -> list[str] | None:
    """The IRIs :func:`names_match` accepts for ``key``, from the store's name index, in IRI order.

    None when the store has no index, or when more than :data:`MAX_NAMED` nodes carry the name
    (then the names are compared in SPARQL).
    """
    index = store.index(NameIndex)
    if index is None:
        return None
    iris = set(index.nodes(key))
    if as_iri(key) is not None:
        iris.add(key)
    return sorted(iris) if len(iris) <= MAX_NAMED else None


def link_named(predicate: str, var: str, key: str, iris: Sequence[str] | None) -> list[str]:
    """Patterns: ``?s predicate ?var``, ?var named by ``key`` (``iris``: what :func:`named` found).

    Given the IRIs, the link is written with them as constants, which Oxigraph reads from its
    index instead of comparing every node's names. ``predicate`` may be a property path.
    """
    if iris is None:
        return [_linked(predicate, var), names_match(var, _literal(key))]
    if not iris:
        return ["FILTER(false)"]
    return ["{ " + " } UNION { ".join(f"?s {predicate} {ox.NamedNode(i)}" for i in iris) + " }"]


#: A claim's conditions and everything broader than them: what a condition filter follows.
CONDITION_OR_NARROWER = "ev:condition/skos:broader*"


def _linked(predicate: str, var: str) -> str:
    """``?s predicate ?var``; a path ending in ``*`` as a union of zero steps and one or more.

    The same answers; Virtuoso 7.2 cannot compile ``p/q* ?var`` beside OPTIONAL or FILTER NOT
    EXISTS when neither end is a constant.
    """
    if predicate.endswith("*") and "/" in predicate:
        first, _, rest = predicate.rpartition("/")
        return f"{{ ?s {first} ?{var} }} UNION {{ ?s {first}/{rest[:-1]}+ ?{var} }}"
    return f"?s {predicate} ?{var} ."


def _literal(value: str | int | bool) -> str:
    """A user value as SPARQL text, serialized (quotes, newlines and braces escaped) by pyoxigraph."""
    return str(ox.Literal(value))


@lru_cache(maxsize=256)  # a pure function of a frozen filter: apps ask the same ones again and again
def _compile(claim_filter: ClaimFilter, names: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> str:  # noqa: PLR0912
    # one branch per filter field: flat and readable, each adding its patterns
    """The WHERE body for a filter.

    Values are written into the text as terms serialized by pyoxigraph, so a user string cannot
    change the query; as constants (rather than a bound VALUES block) they let Oxigraph plan
    around them, and so does a single kind written as a constant class. ``names`` (key, IRIs) pairs, from
    :func:`named`, give the IRIs of the drug, condition, source, gene and interactant keys; the links
    to them then come first, as constants, and several kinds are an ``IN`` filter rather than a
    ``VALUES`` block, which Oxigraph would start from. Keys without IRIs are compared in SPARQL.
    """
    f = claim_filter
    given = dict(names)
    anchors: list[str] = []
    lines: list[str] = []
    for key, predicate, var in (
        (f.drug, "ev:drug", "drug"),
        (f.condition, "ev:condition" if f.condition_exact else CONDITION_OR_NARROWER, "condition"),
        (f.source, "prov:wasDerivedFrom", "source"),
        (f.gene, "ev:gene", "gene"),
        (f.interactant, "ev:interactant", "interactant"),
    ):
        if key is not None:
            iris = given.get(key)
            (lines if iris is None else anchors).extend(link_named(predicate, var, key, iris))
    kinds = f.kinds or tuple(str(k) for k in CLAIM_KINDS)
    if len(kinds) == 1:
        anchors.append(f"?s a {ox.NamedNode(kinds[0])} .")
    elif anchors:
        anchors += ["?s a ?kind .", f"FILTER(?kind IN ({', '.join(str(ox.NamedNode(k)) for k in kinds)}))"]
    else:
        anchors = [f"VALUES ?kind {{ {iri_list(kinds)} }}", "?s a ?kind ."]
    lines = anchors + lines
    if f.licensed is not None:
        lines.append(
            f"?s ev:licensingStatus {ox.NamedNode(str(EV.Licensed if f.licensed else EV.Unlicensed))} ."
        )
    if f.jurisdiction is not None:
        lines.append(f"?s ev:licensingJurisdiction {ox.NamedNode(f.jurisdiction)} .")
    if f.grade is not None:
        lines += [
            "?s ev:evidenceGrade|ev:recommendationStrength ?grade .",
            "?grade skos:notation|skos:prefLabel ?gradeName .",
            f"FILTER(LCASE(STR(?gradeName)) = LCASE({_literal(f.grade)}))",
        ]
    if f.grade_scheme is not None:
        scheme = _literal(f.grade_scheme)
        lines += [
            "?s ev:evidenceGrade|ev:recommendationStrength ?schemeGrade .",
            "?schemeGrade skos:inScheme ?scheme .",
            f"FILTER(STR(?scheme) = {scheme} || STR(?scheme) = CONCAT(STR(grade:), {scheme}))",
        ]
        if f.grade is not None:
            lines.append("FILTER(?schemeGrade = ?grade)")
    if f.min_certainty is not None:
        # the grade itself when it is a GRADE certainty level, else its crosswalk to one
        lines += [
            "?s ev:evidenceGrade/(skos:closeMatch|skos:broadMatch)? ?certainty .",
            "?certainty skos:inScheme grade:grade-certainty ; ev:rank ?certaintyRank .",
            f"FILTER(?certaintyRank >= {_literal(f.min_certainty)})",
        ]
    if f.study_design is not None:
        lines.append(f"?s ev:evidence/ev:studyDesign/skos:broader* {ox.NamedNode(f.study_design)} .")
    if f.negated is not None:
        lines += [
            "OPTIONAL { ?s ev:negated ?negatedValue }",
            f"FILTER(COALESCE(?negatedValue, false) = {_literal(f.negated)})",
        ]
    if f.text is not None and not any(c.isalnum() for c in f.text):
        lines.append("FILTER(false)")  # punctuation alone would match everything
    elif f.text is not None:
        # a constant regex: Oxigraph compiles it once, a bound one for every row
        pattern = _literal(search_pattern(f.text))
        lines.append(
            f"FILTER EXISTS {{ ?s rdfs:label|(ev:evidence/ev:text) ?claimText "
            f'FILTER(REGEX({_TEXT % "claimText"}, {pattern}, "i")) }}'
        )
    if f.severity is not None:
        lines.append(f"?s ev:severity {ox.NamedNode(f.severity)} .")
    if not f.include_retracted:
        lines.append("FILTER NOT EXISTS { ?s prov:invalidatedAtTime ?retractedAt }")
    return "\n  ".join(lines)


@dataclass(frozen=True)
class ClaimPage:
    """One page of claim IRIs and how many claims match in all."""

    iris: list[str]
    total: int


def by_label(store: Store, class_iri: str) -> list[str]:
    """Every instance of ``class_iri``, ordered by label (rdfs:label or dcterms:title), then IRI."""
    rows = solutions(
        store,
        f"""SELECT ?s ?label WHERE {{
             ?s a {ox.NamedNode(class_iri)} . OPTIONAL {{ ?s rdfs:label|dcterms:title ?label }}
           }}""",
        ("s", "label"),
    )
    return label_order(rows)


def label_order(rows: Iterable[tuple[Term | None, ...]], ranks: Mapping[str, int] | None = None) -> list[str]:
    """The IRIs of ``(subject, label)`` rows, ordered by label (ignoring case), then by IRI.

    The order SPARQL gives with ``GROUP BY ?s ORDER BY MIN(LCASE(STR(?label))) ?s``: a subject's
    key is the smallest of its lower-cased labels, subjects without a label (``None``) come first,
    ties go by IRI. With ``ranks`` (IRI -> rank; 0 where absent), the rank sorts first, as
    ``ORDER BY ?rank MIN(LCASE(STR(?label))) ?s`` would. Subjects that are not IRIs are left out
    (the API cannot name them). Worked out here rather than by the store: Oxigraph's ORDER BY
    looks up both strings at every comparison.
    """
    labels: dict[str, str | None] = {}
    for subject, label in rows:
        if not isinstance(subject, ox.NamedNode):
            continue
        iri = subject.value
        key = None if label is None else text(label).lower()
        if iri not in labels or (key is not None and ((old := labels[iri]) is None or key < old)):
            labels[iri] = key
    if ranks:
        return sorted(
            labels, key=lambda iri: (ranks.get(iri, 0), labels[iri] is not None, labels[iri] or "", iri)
        )
    return sorted(labels, key=lambda iri: (labels[iri] is not None, labels[iri] or "", iri))


def _names(store: Store, claim_filter: ClaimFilter) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The IRIs the filter's named keys (drug, condition, ...) name (none without a name index)."""
    f = claim_filter
    pairs = []
    for key in (f.drug, f.condition, f.source, f.gene, f.interactant):
        if key is not None and (iris := named(store, key)) is not None:
            pairs.append((key, tuple(iris)))
    return tuple(pairs)


def matching_claims(store: Store, claim_filter: ClaimFilter) -> list[str]:
    """Every matching claim IRI, ordered by label then IRI (a stable order).

    One query reads every match with its labels; :func:`label_order` sorts them. Reading all the
    matches costs less than having the store sort them and count them again, so every page knows
    its total, and a page can be taken from either end.
    """
    rows = solutions(
        store,
        f"SELECT ?s ?label WHERE {{\n  {_compile(claim_filter, _names(store, claim_filter))}\n"
        "  OPTIONAL { ?s rdfs:label ?label }\n}",
        ("s", "label"),
    )
    return label_order(rows)


def find_claims(store: Store, claim_filter: ClaimFilter, limit: int, offset: int = 0) -> ClaimPage:
    """One page of :func:`matching_claims`, and the total."""
    order = matching_claims(store, claim_filter)
    start = max(int(offset), 0)
    return ClaimPage(order[start : start + max(int(limit), 0)], total=len(order))


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

#: The string a search's REGEX reads: ``SUBSTR(STR(?x), 1)`` is ``STR(?x)`` itself, but Virtuoso
#: matches the string of a stored literal byte by byte (a pattern for "behcet" misses "Behçet")
#: unless a string function has made it a copy of its characters.
_TEXT = "SUBSTR(STR(?%s), 1)"

# what both searches do with a name and its node once found
_SEARCH_REST = f"""BIND(IF(REGEX({_TEXT % "name"}, %(exact)s, "i"), 0, 1) AS ?rank)
  OPTIONAL {{ ?s rdfs:label|dcterms:title ?label }}
  FILTER NOT EXISTS {{ ?s prov:invalidatedAtTime ?retractedAt }}
}}"""

_SEARCH = f"""SELECT ?s ?label ?rank WHERE {{
  VALUES ?type {{ %(types)s }}
  ?s a ?type .
  ?s {NAME_PATH} ?name .
  FILTER(REGEX({_TEXT % "name"}, %(pattern)s, "i"))
  {_SEARCH_REST}"""

# The same search starting from the names that match (a pattern per name predicate, see
# graph.names.name_union), the kinds checked on the matches only.
_SEARCH_NAMES = f"""SELECT ?s ?label ?rank WHERE {{
  {name_union("s", "name")}
  FILTER(REGEX({_TEXT % "name"}, %(pattern)s, "i"))
  FILTER EXISTS {{ ?s a ?type FILTER(?type IN (%(kinds)s)) }}
  {_SEARCH_REST}"""

#: From this many distinct names in the store (its name index), search starts from the names.
SEARCH_FROM_NAMES = 500


def search(store: Store, value: str, *, from_names: bool | None = None) -> list[str]:
    """IRIs of nodes whose label, synonym, identifier or title contains ``value``.

    Case and accents are ignored; exact matches come first, then the rest by label.

    Two queries give the same answer. One starts from the nodes of the searchable kinds and
    reads their names; the other starts from every name that matches and keeps the nodes of
    those kinds. The second is faster once the store holds many names and slower on a small
    graph (bench/README.md), so it is used from :data:`SEARCH_FROM_NAMES` distinct names in the
    store's name index, and on stores without an index (remote ones, of unknown size).
    ``from_names`` forces one or the other.
    """
    if not any(c.isalnum() for c in value):
        return []  # punctuation alone would match everything
    if from_names is None:
        index = store.index(NameIndex)
        from_names = index is None or len(index) >= SEARCH_FROM_NAMES
    pattern = search_pattern(value)
    # constant patterns, serialized by pyoxigraph: see the text filter in _compile
    terms = {
        "pattern": str(ox.Literal(pattern)),
        "exact": str(ox.Literal(f"^{pattern}$")),
        "types": iri_list(str(t) for t in SEARCHABLE),
        "kinds": ", ".join(str(ox.NamedNode(str(t))) for t in SEARCHABLE),
    }
    query = (_SEARCH_NAMES if from_names else _SEARCH) % terms
    rows = solutions(store, query, ("s", "label", "rank"))
    ranks: dict[str, int] = {}  # 0 for an exact match of one of the node's names, else 1
    for s, _, rank in rows:
        if s is not None and rank is not None:
            iri, level = text(s), int(text(rank))
            ranks[iri] = min(level, ranks.get(iri, level))
    return label_order(((s, label) for s, label, _ in rows), ranks)


def grade_schemes(store: Store) -> list[str]:
    """IRIs of every grading scheme, in IRI order."""
    rows = solutions(store, "SELECT DISTINCT ?s WHERE { ?s a ev:GradingScheme } ORDER BY ?s", ("s",))
    return [text(s) for (s,) in rows if s is not None]
