"""The history of a claim: a version recorded with every write (who, when, what, why, a snapshot)."""

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from graph.drafts import RDF_TYPE, ev, named, typed
from graph.namespaces import BASE, PROV, graph_iri
from graph.store import Store

HISTORY_GRAPH = ox.NamedNode(graph_iri("history"))


def version_quads(
    store: Store,
    claim: ox.NamedNode,
    *,
    state: Sequence[ox.Quad],
    action: str,
    agent: ox.NamedNode,
    when: ox.Literal,
    reason: str | None,
) -> list[ox.Quad]:
    """Quads recording the claim's next version: ``state`` as it stands after the write."""
    rows = store.select("SELECT (COUNT(?v) AS ?n) WHERE { ?v ev:versionOf ?claim }", {"claim": claim})
    number = int(rows[0]["n"].value) + 1 if rows else 1  # type: ignore[union-attr]
    version = ox.NamedNode(f"{BASE}id/version/{claim.value.rsplit('/', 1)[-1]}-v{number}")
    snapshot = ox.serialize(sorted((q.triple for q in state), key=str), format=ox.RdfFormat.N_TRIPLES)
    g = HISTORY_GRAPH
    quads = [
        ox.Quad(version, RDF_TYPE, ev("Version"), g),
        ox.Quad(version, ev("versionOf"), claim, g),
        ox.Quad(version, ev("versionNumber"), typed(number), g),
        ox.Quad(version, ev("action"), ox.Literal(action), g),
        ox.Quad(version, ox.NamedNode(str(PROV) + "generatedAtTime"), when, g),
        ox.Quad(version, ox.NamedNode(str(PROV) + "wasAttributedTo"), agent, g),
        ox.Quad(version, ev("snapshot"), ox.Literal((snapshot or b"").decode("utf-8")), g),
    ]
    if reason:
        quads.append(ox.Quad(version, ev("reason"), ox.Literal(reason), g))
    return quads


@dataclass(frozen=True)
class Version:
    """One recorded version of a claim."""

    number: int
    action: str
    author: str | None
    at: str
    reason: str | None
    snapshot: str


def history(store: Store, iri: str) -> list[Version]:
    """A claim's versions, oldest first; a claim loaded from a source starts with version 0."""
    rows = store.select(
        """SELECT ?n ?action ?author ?at ?reason ?snapshot WHERE {
             ?v ev:versionOf ?claim ; ev:versionNumber ?n ; ev:action ?action ;
                prov:generatedAtTime ?at ; ev:snapshot ?snapshot .
             OPTIONAL { ?v prov:wasAttributedTo/rdfs:label ?author }
             OPTIONAL { ?v ev:reason ?reason }
           } ORDER BY ?n""",
        {"claim": named(iri)},
    )
    versions = [
        Version(
            number=int(r["n"].value),  # type: ignore[union-attr]
            action=r["action"].value,  # type: ignore[union-attr]
            author=r["author"].value if "author" in r else None,  # type: ignore[union-attr]
            at=r["at"].value,  # type: ignore[union-attr]
            reason=r["reason"].value if "reason" in r else None,  # type: ignore[union-attr]
            snapshot=r["snapshot"].value,  # type: ignore[union-attr]
        )
        for r in rows
    ]
    if not any(v.action == "created" for v in versions):
        loaded = store.select(
            """SELECT ?at ?author ?g WHERE { GRAPH ?g { ?claim a ?kind }
                 OPTIONAL { ?claim dcterms:created ?at }
                 OPTIONAL { ?claim prov:wasAttributedTo/rdfs:label ?author }
               } LIMIT 1""",
            {"claim": named(iri)},
        )
        if loaded:
            row = loaded[0]
            versions.insert(
                0,
                Version(
                    number=0,
                    action="loaded",
                    author=row["author"].value if "author" in row else None,  # type: ignore[union-attr]
                    at=row["at"].value if "at" in row else "",  # type: ignore[union-attr]
                    reason=f"loaded from <{row['g'].value}>",  # type: ignore[union-attr]
                    snapshot="",
                ),
            )
    return versions
