"""Experiment: the page of 100 as one hand-compiled SELECT that keeps the API's meaning.

The hand-written baseline of ``page_100`` (bench.queries.page_sparql) reads one row per claim and
no more than it needs on valid data: it does not read the linked nodes' ``rdf:type`` (the API
returns a ``drug`` only if it is a ``Drug``), nor the label fallbacks (``label`` falls back to
``skos:prefLabel``, then ``dcterms:title``), and takes whatever value comes first. The shapes make
those cases impossible in a valid store, so its answer is the API's there; the API answers for
any store. This module asks the page's question with the API's meaning in one SELECT (a column
per value a field reads, the linked nodes' types included) and builds the response from its rows
with the resolvers' rules, to measure what that meaning costs without GraphQL:

    .venv/bin/python -m bench.compiled_page 10k 400     # tier, samples

It prints the p50 of GraphQL in process, of this compiled page and of the hand-written baseline,
sampled alternately, after checking that the compiled page equals GraphQL's answer. Not a product
path and not part of ``make bench``: bench/README.md (section 3) has what it measured.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from typing import Any

import pyoxigraph as ox

from api.graphql import nodes
from api.graphql.context import Context
from api.graphql.schema import schema
from bench.queries import CASES, PAGE
from bench.run import load_quads, tier_files
from graph import claims
from graph.entity import iri_list
from graph.namespaces import EV
from graph.store import Store, Term


def _labels(node: str) -> str:
    return " ".join(
        f"OPTIONAL {{ ?{node} {p} ?{node}_l{i} }}"
        for i, p in enumerate(("rdfs:label", "skos:prefLabel", "dcterms:title"), 1)
    )


SELECT = (
    "SELECT * WHERE { VALUES ?s { %s } OPTIONAL { ?s a ?s_t } "
    + _labels("s")
    + " OPTIONAL { ?s ev:licensingStatus ?st }"
    + " OPTIONAL { ?s ev:drug ?d OPTIONAL { ?d a ?d_t } "
    + _labels("d")
    + " } OPTIONAL { ?s ev:condition ?c OPTIONAL { ?c a ?c_t } "
    + _labels("c")
    + " } OPTIONAL { ?s ev:evidenceGrade ?g OPTIONAL { ?g a ?g_t } OPTIONAL { ?g skos:notation ?g_n } } }"
)
COLUMNS = ["s_t", "s_l1", "s_l2", "s_l3", "st", "d", "d_t", "d_l1", "d_l2", "d_l3"]
COLUMNS += ["c", "c_t", "c_l1", "c_l2", "c_l3", "g", "g_t", "g_n"]


def compiled_page(store: Store) -> dict[str, Any]:
    """The ``page_100`` response, from the page query and one SELECT, with the resolvers' rules."""
    found = claims.find_claims(
        store, claims.ClaimFilter(kinds=(str(EV.IndicationStatement),), min_certainty=3), PAGE
    )
    result = store.query(SELECT % iri_list(found.iris))
    assert isinstance(result, ox.QuerySolutions)
    names = [v.value for v in result.variables]
    subject, at = names.index("s"), [names.index(c) for c in COLUMNS]
    values: dict[str, dict[str, list[Term]]] = {}
    for row in result:
        s = row[subject]
        assert s is not None
        columns = values.setdefault(s.value, {c: [] for c in COLUMNS})
        for column, i in zip(COLUMNS, at, strict=True):
            value = row[i]
            if value is not None and value not in columns[column]:
                columns[column].append(value)

    def first(terms: list[Term]) -> str | None:
        return terms[0].value if terms else None

    def label(of: dict[str, list[Term]], node: str) -> str | None:  # Node.label's fallback
        return first(of[f"{node}_l1"]) or first(of[f"{node}_l2"]) or first(of[f"{node}_l3"])

    def linked(of: dict[str, list[Term]], node: str, kind: type[nodes.Node]) -> bool:
        """Whether the first linked IRI (in IRI order) is a node of ``kind`` (as linked_one says)."""
        iris = sorted(v.value for v in of[node] if isinstance(v, ox.NamedNode))
        if len(iris) > 1:
            raise NotImplementedError("one linked node per claim only")  # never on valid data
        types = frozenset(v.value for v in of[f"{node}_t"] if isinstance(v, ox.NamedNode))
        return bool(iris) and issubclass(nodes._node_type(types), kind)

    page = []
    for iri in found.iris:
        of = values[iri]
        status = sorted(v.value for v in of["st"] if isinstance(v, ox.NamedNode))
        page.append(
            {
                "iri": iri,
                "label": label(of, "s"),
                "licensed": None if not status else status[0] == str(EV.Licensed),
                "drug": {"label": label(of, "d")} if linked(of, "d", nodes.Drug) else None,
                "condition": {"label": label(of, "c")} if linked(of, "c", nodes.Condition) else None,
                "grade": {"notation": first(of["g_n"])} if linked(of, "g", nodes.Grade) else None,
            }
        )
    return {"indications": {"totalCount": found.total, "nodes": page}}


async def compare(store: Store, samples: int) -> dict[str, float]:
    """p50s in ms of GraphQL in process, the compiled page and the hand-written baseline."""
    case = next(c for c in CASES if c.name == "page_100")
    answer = (await schema.execute(case.graphql, context_value=Context(store, 600.0))).data
    if compiled_page(store) != answer:
        raise AssertionError("the compiled page does not give GraphQL's answer")
    times: dict[str, list[float]] = {"graphql": [], "compiled": [], "hand-written": []}
    for _ in range(samples):
        start = time.perf_counter()
        await schema.execute(case.graphql, context_value=Context(store, 600.0))
        graphql = time.perf_counter()
        compiled_page(store)
        compiled = time.perf_counter()
        case.sparql(store)
        done = time.perf_counter()
        times["graphql"].append(graphql - start)
        times["compiled"].append(compiled - graphql)
        times["hand-written"].append(done - compiled)
    return {way: statistics.median(spent) * 1000 for way, spent in times.items()}


def main(argv: list[str]) -> None:
    """Print the three p50s and their ratios to the hand-written baseline for one tier."""
    tier = argv[0] if argv else "10k"
    samples = int(argv[1]) if len(argv) > 1 else 400
    p50 = asyncio.run(compare(load_quads(tier_files(tier)), samples))
    hand = p50["hand-written"]
    print(tier, ", ".join(f"{way} {ms:.3f} ms ({ms / hand:.2f}x)" for way, ms in p50.items()))


if __name__ == "__main__":
    main(sys.argv[1:])
