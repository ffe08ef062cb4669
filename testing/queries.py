"""The fixed query set, each answered three ways: GraphQL, hand-written SPARQL, naive rdflib.

Every way returns the same canonical *answer* (plain tuples), so the runner can check that the
three agree before it compares their speed.

- GraphQL: the API's schema, one ``schema.execute`` with a fresh per-request ``Context``.
- SPARQL: what a person fluent in SPARQL would write against the store: the page and its fields in
  one query (plus a COUNT where the GraphQL query asks for ``totalCount``), results grouped in Python.
- naive: the straightforward build with the same packages: an rdflib in-memory ``Graph`` and one
  SPARQL query per field of each node (the "N+1" resolver a first GraphQL server usually has).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rdflib import Graph, URIRef

from api.graphql.enums import ClaimKind
from graph.claims import CLAIM_KINDS, SEARCHABLE, search_pattern
from graph.namespaces import PREFIXES
from graph.store import EvidenceStore, Row

DRUG = "azathioprine"
SEARCH_TEXT = "dermatitis"
PAGE = 100
NESTED_PAGE = 50  # the API's default page size, which nested connections use

Answer = Any
PROLOGUE = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
KIND_VALUES = " ".join(f"<{k}>" for k in CLAIM_KINDS)
LIVE = "FILTER NOT EXISTS { ?s prov:invalidatedAtTime ?retractedAt }"


@dataclass(frozen=True)
class Case:
    """One query of the fixed set, with its three implementations."""

    name: str
    what: str
    graphql: str
    from_graphql: Callable[[dict[str, Any]], Answer]
    sparql: Callable[[EvidenceStore], Answer]
    naive: Callable[[Graph], Answer]
    is_list: bool


def _v(row: Row, name: str) -> str | None:
    term = row.get(name)
    return None if term is None else term.value  # type: ignore[union-attr]


# --- 1. Grade A unlicensed indications, with condition, grade and references ----------------------

GRADE_A_GRAPHQL = """{ indications(filter: {licensed: false, grade: "A"}) { totalCount
  nodes { iri condition { label } grade { notation } references { iri title } } } }"""

GRADE_A_WHERE = (
    """?s a ev:IndicationStatement ; ev:licensingStatus ev:Unlicensed ;
     ev:evidenceGrade|ev:recommendationStrength ?g .
  ?g skos:notation ?n . FILTER(LCASE(STR(?n)) = "a") """
    + LIVE
)


def grade_a_from_graphql(data: dict[str, Any]) -> Answer:
    c = data["indications"]
    return c["totalCount"], [
        (
            n["iri"],
            n["condition"] and n["condition"]["label"],
            n["grade"] and n["grade"]["notation"],
            tuple(sorted((r["iri"], r["title"]) for r in n["references"])),
        )
        for n in c["nodes"]
    ]


def grade_a_sparql(store: EvidenceStore) -> Answer:
    rows = store.select(f"""SELECT ?s ?conditionLabel ?notation ?ref ?refTitle WHERE {{
  {{ SELECT ?s (MIN(LCASE(STR(?label))) AS ?sortKey) WHERE {{
      {GRADE_A_WHERE} OPTIONAL {{ ?s rdfs:label ?label }}
    }} GROUP BY ?s ORDER BY ?sortKey ?s LIMIT {NESTED_PAGE} }}
  OPTIONAL {{ ?s ev:condition/rdfs:label ?conditionLabel }}
  OPTIONAL {{ ?s ev:evidenceGrade/skos:notation ?notation }}
  OPTIONAL {{ ?s ev:citesAsEvidence ?ref OPTIONAL {{ ?ref dcterms:title ?refTitle }} }}
}} ORDER BY ?sortKey ?s""")
    count = store.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {GRADE_A_WHERE} }}")
    nodes: dict[str, tuple[str | None, str | None, set[tuple[str, str | None]]]] = {}
    for r in rows:
        s = _v(r, "s") or ""
        entry = nodes.setdefault(s, (_v(r, "conditionLabel"), _v(r, "notation"), set()))
        if "ref" in r:
            entry[2].add((_v(r, "ref") or "", _v(r, "refTitle")))
    return int(_v(count[0], "n") or 0), [(s, c, n, tuple(sorted(refs))) for s, (c, n, refs) in nodes.items()]


# --- the naive resolver: one rdflib query per field ------------------------------------------------


def _q(graph: Graph, body: str, **bindings: str) -> list[Any]:
    """One rdflib SPARQL query, parsed each time as a straightforward resolver would."""
    return list(graph.query(PROLOGUE + body, initBindings={k: URIRef(v) for k, v in bindings.items()}))


def _one(graph: Graph, subject: str, path: str) -> str | None:
    rows = _q(graph, f"SELECT ?v WHERE {{ ?s {path} ?v }} ORDER BY ?v LIMIT 1", s=subject)
    return str(rows[0][0]) if rows else None


def _all(graph: Graph, subject: str, path: str) -> list[str]:
    return sorted(str(r[0]) for r in _q(graph, f"SELECT ?v WHERE {{ ?s {path} ?v }}", s=subject))


def _page(graph: Graph, where: str, limit: int) -> tuple[int, list[str]]:
    rows = _q(
        graph,
        f"""SELECT ?s (MIN(LCASE(STR(?label))) AS ?sortKey)
            WHERE {{ {where} OPTIONAL {{ ?s rdfs:label ?label }} }}
            GROUP BY ?s ORDER BY ?sortKey ?s LIMIT {limit}""",
    )
    count = _q(graph, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}")
    return int(count[0][0]), [str(r[0]) for r in rows]


def grade_a_naive(graph: Graph) -> Answer:
    total, iris = _page(graph, GRADE_A_WHERE, NESTED_PAGE)
    nodes = []
    for s in iris:
        condition = _one(graph, s, "ev:condition")
        grade = _one(graph, s, "ev:evidenceGrade")
        refs = _all(graph, s, "ev:citesAsEvidence")
        nodes.append(
            (
                s,
                condition and _one(graph, condition, "rdfs:label"),
                grade and _one(graph, grade, "skos:notation"),
                tuple(sorted((r, _one(graph, r, "dcterms:title")) for r in refs)),
            )
        )
    return total, nodes


# --- 2. Point lookup of a drug ----------------------------------------------------------------------

DRUG_GRAPHQL = '{ drug(key: "' + DRUG + '") { iri label altLabels identifiers drugClasses exactMatches } }'

#: The API's lookup by key, as documented for ``drug(key:)``: a drug or drug class whose IRI, label,
#: synonym, preferred label, identifier or title is the key, ignoring case; the first by IRI.
#: (Until 2026-11-26 this baseline matched labels, synonyms and identifiers of drugs only: the same
#: answer here, for a narrower question.)
DRUG_LOOKUP = f"""SELECT ?s WHERE {{ VALUES ?kind {{ ev:Drug ev:DrugClass }} ?s a ?kind .
    FILTER(STR(?s) = "{DRUG}" || EXISTS {{
      ?s rdfs:label|skos:altLabel|skos:prefLabel|ev:identifier|dcterms:title ?name
      FILTER(LCASE(STR(?name)) = "{DRUG}") }})
  }} ORDER BY ?s LIMIT 1"""
DRUG_FIELDS = {
    "label": PREFIXES["rdfs"] + "label",
    "altLabels": PREFIXES["skos"] + "altLabel",
    "identifiers": PREFIXES["ev"] + "identifier",
    "drugClasses": PREFIXES["ev"] + "drugClassLabel",
    "exactMatches": PREFIXES["skos"] + "exactMatch",
}


def drug_from_graphql(data: dict[str, Any]) -> Answer:
    d = data["drug"]
    return d["iri"], d["label"], tuple(tuple(sorted(d[f])) for f in list(DRUG_FIELDS)[1:])


def _drug_answer(iri: str, values: dict[str, list[str]]) -> Answer:
    label = sorted(values.get(DRUG_FIELDS["label"], []))
    return (
        iri,
        label[0] if label else None,
        tuple(tuple(sorted(values.get(p, []))) for p in list(DRUG_FIELDS.values())[1:]),
    )


def drug_sparql(store: EvidenceStore) -> Answer:
    rows = store.select(f"SELECT ?s ?p ?o WHERE {{ {{ {DRUG_LOOKUP} }} ?s ?p ?o }}")
    values: dict[str, list[str]] = {}
    for r in rows:
        values.setdefault(_v(r, "p") or "", []).append(_v(r, "o") or "")
    return _drug_answer(_v(rows[0], "s") or "", values)


def drug_naive(graph: Graph) -> Answer:
    iri = str(_q(graph, DRUG_LOOKUP)[0][0])
    return _drug_answer(iri, {p: _all(graph, iri, f"<{p}>") for p in DRUG_FIELDS.values()})


# --- 3. Deep: drug -> indications -> references -> what cites them ---------------------------------

DEEP_GRAPHQL = (
    '{ drug(key: "' + DRUG + '") { iri indications { totalCount nodes { iri label '
    "references { iri title claims { totalCount nodes { iri label kind } } } } } } }"
)


def deep_from_graphql(data: dict[str, Any]) -> Answer:
    d = data["drug"]
    return (
        d["iri"],
        d["indications"]["totalCount"],
        [
            (
                i["iri"],
                i["label"],
                tuple(
                    (
                        r["iri"],
                        r["title"],
                        r["claims"]["totalCount"],
                        tuple((c["iri"], (c["label"], c["kind"])) for c in r["claims"]["nodes"]),
                    )
                    for r in sorted(i["references"], key=lambda r: r["iri"])
                ),
            )
            for i in d["indications"]["nodes"]
        ],
    )


def _deep_answer(
    drug: str,
    indications: dict[str, str | None],
    refs: dict[str, dict[str, Any]],
    cites: dict[str, list[str]],
) -> Answer:
    """Indications in IRI order, each reference with what cites it (first page of 50, by IRI)."""
    order = sorted(indications)
    return (
        drug,
        len(order),
        [
            (
                i,
                indications[i],
                tuple(
                    (
                        r,
                        refs[r]["title"],
                        len(refs[r]["citers"]),
                        tuple(
                            (c, (label_kind[0], KIND_NAMES[label_kind[1]]))
                            for c, label_kind in sorted(refs[r]["citers"].items())[:NESTED_PAGE]
                        ),
                    )
                    for r in sorted(cites.get(i, []))
                ),
            )
            for i in order[:NESTED_PAGE]
        ],
    )


#: Claim kinds in the API's order (``Claim.kind`` answers the first the node has) and their names.
KIND_ORDER = [k.iri for k in ClaimKind]
KIND_NAMES = {k.iri: k.name for k in ClaimKind}


def _kind(iri: str | None) -> str:
    return iri or ""


def _naive_kind(graph: Graph, iri: str) -> str:
    types = set(_all(graph, iri, "rdf:type"))
    return next(k for k in KIND_ORDER if k in types)


def deep_sparql(store: EvidenceStore) -> Answer:
    # Reference.claims: the live claims (not evidence items) citing the reference, with their kind.
    rows = store.select(f"""SELECT ?d ?i ?iLabel ?r ?rTitle ?c ?cLabel ?cKind WHERE {{
  {{ {DRUG_LOOKUP.replace("?s", "?d")} }}
  ?i ev:drug ?d ; a ev:IndicationStatement . FILTER NOT EXISTS {{ ?i prov:invalidatedAtTime ?x1 }}
  OPTIONAL {{ ?i rdfs:label ?iLabel }}
  OPTIONAL {{ ?i ev:citesAsEvidence ?r . OPTIONAL {{ ?r dcterms:title ?rTitle }}
    OPTIONAL {{ ?c ev:citesAsEvidence ?r ; a ?cKind . VALUES ?cKind {{ {KIND_VALUES} }}
               FILTER NOT EXISTS {{ ?c prov:invalidatedAtTime ?x2 }}
               OPTIONAL {{ ?c rdfs:label ?cLabel }} }} }}
}}""")
    indications: dict[str, str | None] = {}
    refs: dict[str, dict[str, Any]] = {}
    cites: dict[str, set[str]] = {}
    drug = ""
    for row in rows:
        drug = _v(row, "d") or ""
        i = _v(row, "i") or ""
        indications[i] = _v(row, "iLabel")
        r = _v(row, "r")
        if r is None:
            continue
        cites.setdefault(i, set()).add(r)
        ref = refs.setdefault(r, {"title": _v(row, "rTitle"), "citers": {}})
        if (c := _v(row, "c")) is not None:
            kind = _kind(_v(row, "cKind"))
            known = ref["citers"].get(c)
            if known is None or KIND_ORDER.index(kind) < KIND_ORDER.index(known[1]):
                ref["citers"][c] = (_v(row, "cLabel"), kind)
    return _deep_answer(drug, indications, refs, {i: list(v) for i, v in cites.items()})


def deep_naive(graph: Graph) -> Answer:
    drug = str(_q(graph, DRUG_LOOKUP)[0][0])
    found = _q(
        graph,
        f"SELECT ?s WHERE {{ ?s ev:drug ?d ; a ev:IndicationStatement . {LIVE} }} ORDER BY ?s",
        d=drug,
    )
    indications: dict[str, str | None] = {str(r[0]): None for r in found}
    refs: dict[str, dict[str, Any]] = {}
    cites: dict[str, list[str]] = {}
    for i in list(indications)[:NESTED_PAGE]:
        indications[i] = _one(graph, i, "rdfs:label")
        cites[i] = _all(graph, i, "ev:citesAsEvidence")
        for r in cites[i]:
            if r in refs:
                continue
            citers = _q(
                graph,
                "SELECT DISTINCT ?s WHERE { ?s ev:citesAsEvidence ?r ; a ?k . "
                f"VALUES ?k {{ {KIND_VALUES} }} {LIVE} }} ORDER BY ?s",
                r=r,
            )
            listed = [str(c[0]) for c in citers]
            refs[r] = {
                "title": _one(graph, r, "dcterms:title"),
                "citers": {
                    c: (_one(graph, c, "rdfs:label"), _naive_kind(graph, c)) for c in listed[:NESTED_PAGE]
                }
                | dict.fromkeys(listed[NESTED_PAGE:]),
            }
    return _deep_answer(drug, indications, refs, cites)


# --- 4. Search ----------------------------------------------------------------------------------------

SEARCH_GRAPHQL = '{ search(text: "' + SEARCH_TEXT + '", first: 20) { totalCount nodes { iri label } } }'
SEARCH_PAGE = 20
SEARCH_TYPES = " ".join(f"<{t}>" for t in SEARCHABLE)
SEARCH_WHERE = f"""VALUES ?type {{ {SEARCH_TYPES} }} ?s a ?type .
  ?s rdfs:label|skos:altLabel|skos:prefLabel|ev:identifier|dcterms:title ?name .
  FILTER(REGEX(STR(?name), "{search_pattern(SEARCH_TEXT)}", "i"))
  BIND(IF(REGEX(STR(?name), "^{search_pattern(SEARCH_TEXT)}$", "i"), 0, 1) AS ?rank)
  OPTIONAL {{ ?s rdfs:label|dcterms:title ?label }} {LIVE}"""


def search_from_graphql(data: dict[str, Any]) -> Answer:
    c = data["search"]
    return c["totalCount"], [(n["iri"], n["label"]) for n in c["nodes"]]


def search_sparql(store: EvidenceStore) -> Answer:
    rows = store.select(f"""SELECT ?s (MIN(?rank) AS ?best) (MIN(LCASE(STR(?label))) AS ?sortKey)
  (MIN(?label) AS ?shown) WHERE {{ {SEARCH_WHERE} }} GROUP BY ?s ORDER BY ?best ?sortKey ?s""")
    return len(rows), [(_v(r, "s"), _v(r, "shown")) for r in rows[:SEARCH_PAGE]]


def search_naive(graph: Graph) -> Answer:
    rows = _q(
        graph,
        f"""SELECT ?s (MIN(?rank) AS ?best) (MIN(LCASE(STR(?label))) AS ?sortKey) WHERE {{ {SEARCH_WHERE} }}
            GROUP BY ?s ORDER BY ?best ?sortKey ?s""",
    )
    iris = [str(r[0]) for r in rows]
    label = "rdfs:label|skos:prefLabel|dcterms:title"
    return len(iris), [(s, _one(graph, s, label)) for s in iris[:SEARCH_PAGE]]


# --- 5. A filtered page of 100 ----------------------------------------------------------------------

PAGE_GRAPHQL = (
    f"{{ indications(filter: {{minCertainty: MODERATE}}, first: {PAGE}) {{ totalCount "
    "nodes { iri label licensed drug { label } condition { label } grade { notation } } } }"
)

# The naive baseline's filter: the crosswalk as FILTER || EXISTS, which matches the same claims as
# the zero-or-one path the API compiles (graph/claims.py) and the hand-written query use.
PAGE_WHERE = (
    """?s a ev:IndicationStatement ; ev:evidenceGrade ?qualityGrade .
  ?certainty skos:inScheme grade:grade-certainty ; ev:rank ?certaintyRank .
  FILTER(?qualityGrade = ?certainty || EXISTS { ?qualityGrade skos:closeMatch|skos:broadMatch ?certainty })
  FILTER(?certaintyRank >= 3) """
    + LIVE
)
# What a person writing SPARQL by hand would write: a zero-or-one path instead of FILTER || EXISTS.
PAGE_WHERE_HAND = (
    """?s a ev:IndicationStatement ; ev:evidenceGrade/(skos:closeMatch|skos:broadMatch)? ?certainty .
  ?certainty skos:inScheme grade:grade-certainty ; ev:rank ?certaintyRank . FILTER(?certaintyRank >= 3) """
    + LIVE
)


def page_from_graphql(data: dict[str, Any]) -> Answer:
    c = data["indications"]
    return c["totalCount"], [
        (
            n["iri"],
            n["label"],
            n["licensed"],
            n["drug"] and n["drug"]["label"],
            n["condition"] and n["condition"]["label"],
            n["grade"] and n["grade"]["notation"],
        )
        for n in c["nodes"]
    ]


def page_sparql(store: EvidenceStore) -> Answer:
    rows = store.select(f"""SELECT ?s ?label ?status ?drugLabel ?conditionLabel ?notation WHERE {{
  {{ SELECT ?s (MIN(LCASE(STR(?l))) AS ?sortKey) WHERE {{
      {PAGE_WHERE_HAND} OPTIONAL {{ ?s rdfs:label ?l }}
    }} GROUP BY ?s ORDER BY ?sortKey ?s LIMIT {PAGE} }}
  OPTIONAL {{ ?s rdfs:label ?label }} OPTIONAL {{ ?s ev:licensingStatus ?status }}
  OPTIONAL {{ ?s ev:drug/rdfs:label ?drugLabel }} OPTIONAL {{ ?s ev:condition/rdfs:label ?conditionLabel }}
  OPTIONAL {{ ?s ev:evidenceGrade/skos:notation ?notation }}
}} ORDER BY ?sortKey ?s""")
    count = store.select(f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {PAGE_WHERE_HAND} }}")
    nodes: dict[str, tuple[Any, ...]] = {}
    for r in rows:
        status = _v(r, "status")
        licensed = None if status is None else status == PREFIXES["ev"] + "Licensed"
        nodes.setdefault(
            _v(r, "s") or "",
            (_v(r, "label"), licensed, _v(r, "drugLabel"), _v(r, "conditionLabel"), _v(r, "notation")),
        )
    return int(_v(count[0], "n") or 0), [(s, *rest) for s, rest in nodes.items()]


def page_naive(graph: Graph) -> Answer:
    total, iris = _page(graph, PAGE_WHERE, PAGE)
    nodes = []
    for s in iris:
        status = _one(graph, s, "ev:licensingStatus")
        drug = _one(graph, s, "ev:drug")
        condition = _one(graph, s, "ev:condition")
        grade = _one(graph, s, "ev:evidenceGrade")
        nodes.append(
            (
                s,
                _one(graph, s, "rdfs:label"),
                None if status is None else status == PREFIXES["ev"] + "Licensed",
                drug and _one(graph, drug, "rdfs:label"),
                condition and _one(graph, condition, "rdfs:label"),
                grade and _one(graph, grade, "skos:notation"),
            )
        )
    return total, nodes


CASES = [
    Case(
        "grade_a_unlicensed",
        "Grade A unlicensed indications with condition, grade and references",
        GRADE_A_GRAPHQL,
        grade_a_from_graphql,
        grade_a_sparql,
        grade_a_naive,
        is_list=True,
    ),
    Case(
        "drug_lookup",
        f"point lookup of a drug by label ({DRUG})",
        DRUG_GRAPHQL,
        drug_from_graphql,
        drug_sparql,
        drug_naive,
        is_list=False,
    ),
    Case(
        "deep",
        "drug -> indications -> references -> what cites each reference",
        DEEP_GRAPHQL,
        deep_from_graphql,
        deep_sparql,
        deep_naive,
        is_list=False,
    ),
    Case(
        "search",
        f'search(text: "{SEARCH_TEXT}"), first 20, accent- and case-insensitive',
        SEARCH_GRAPHQL,
        search_from_graphql,
        search_sparql,
        search_naive,
        is_list=True,
    ),
    Case(
        "page_100",
        "indications with GRADE certainty >= moderate (via crosswalks), page of 100",
        PAGE_GRAPHQL,
        page_from_graphql,
        page_sparql,
        page_naive,
        is_list=True,
    ),
]
