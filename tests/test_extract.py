"""The ontology part of a write's validation extract, kept between writes that leave it unchanged."""

from __future__ import annotations

import pyoxigraph as ox

from graph.changes import ontology_quads
from graph.namespaces import EV, graph_iri
from graph.remote import RemoteStore
from graph.store import Store

ONTOLOGY = ox.NamedNode(graph_iri("ontology/evidence"))
CONTENT = ox.NamedNode(graph_iri("scratch"))
NOTE = ox.Quad(
    ox.NamedNode(str(EV.Drug)),
    ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"),
    ox.Literal("a note"),
)


def default(quads: list[ox.Quad]) -> set[str]:
    return {str(q) for q in quads}


def expected(store: Store) -> set[str]:
    prefix = graph_iri("ontology/")
    return {
        str(ox.Quad(q.subject, q.predicate, q.object))
        for g in store.graphs()
        if g.value.startswith(prefix)
        for q in store.quads(g)
    }


def test_the_ontology_is_read_again_only_when_it_may_have_changed(fresh_store: Store) -> None:
    first = ontology_quads(fresh_store)
    assert len(first) > 1000
    assert all(q.graph_name == ox.DefaultGraph() for q in first)
    assert default(first) == expected(fresh_store)
    remote = isinstance(fresh_store, RemoteStore)

    # a write to another graph: the same list (a remote store may be written unseen: read again)
    fresh_store.apply(
        [], [ox.Quad(ox.NamedNode("https://example.org/x"), NOTE.predicate, ox.Literal("y"), CONTENT)]
    )
    second = ontology_quads(fresh_store)
    assert (second is not first) if remote else (second is first)

    # a write to the ontology: read again, with the change
    fresh_store.apply([], [ox.Quad(NOTE.subject, NOTE.predicate, NOTE.object, ONTOLOGY)])
    third = ontology_quads(fresh_store)
    assert third is not second
    assert str(NOTE) in default(third)
    assert default(third) == expected(fresh_store)

    # any write that does not say which graphs it changes: read again
    fresh_store.replace_graphs(
        [ONTOLOGY], [q for q in fresh_store.quads(ONTOLOGY) if q.object != NOTE.object]
    )
    fourth = ontology_quads(fresh_store)
    assert fourth is not third
    assert str(NOTE) not in default(fourth)
    assert default(fourth) == expected(fresh_store)
    assert len(fourth) == len(first)  # the same quads again (blank nodes renamed by the update)
