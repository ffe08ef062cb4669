"""Safe writes: a change set is validated against the shapes, then committed atomically.

Writes are serialized by the store's write lock. Validation is incremental: only the nodes a
change touches, the nodes pointing at them and their possible duplicates are validated, on an
extract of the store (their surroundings two hops out, plus the ontology) with the change
applied. Because the store conforms before every write, this finds the same violations as
validating everything (``tests/test_authoring.py`` checks it against a full validation).
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from graph.entity import RDF_TYPE, describe, iri_list
from graph.errors import ValidationFailedError
from graph.namespaces import EV, PREFIXES, PROV, graph_iri
from graph.report import ValidationReport
from graph.store import Store
from graph.validation import validate_store


@dataclass
class ChangeSet:
    """Quads to delete and quads to insert, applied together or not at all."""

    deletes: list[ox.Quad] = field(default_factory=list)
    inserts: list[ox.Quad] = field(default_factory=list)

    def touched(self) -> set[str]:
        """IRIs of the subjects the change writes about."""
        return {
            q.subject.value for q in (*self.deletes, *self.inserts) if isinstance(q.subject, ox.NamedNode)
        }


#: Links along which a node's shape reads the linked node's triples (SPARQL constraints).
_READ_THROUGH = {str(EV.evidence), str(EV.figure)}

#: Links to nodes that belong to the node linking to them (a reference's author list): an extract
#: holding the node holds them too, since the constraints on each read the other.
_CARRIED = {PREFIXES["bibo"] + "authorList"}

_NEIGHBOURS = """SELECT DISTINCT ?n ?via ?p WHERE {
  VALUES ?via { %s }
  ?n ?p ?via . FILTER(isIRI(?n))
}"""

#: What the duplicate-claim constraint compares two claims on, besides their kind, drug and source.
_TARGET_PREDICATES = {
    str(EV[p])
    for p in ("condition", "coMedication", "interactant", "phenotype", "gene", "monitoredParameter")
}
_KEY_PREDICATES = {RDF_TYPE, str(EV.drug), str(PROV) + "wasDerivedFrom"}

_SURROUNDINGS = """SELECT DISTINCT ?s WHERE {
  VALUES ?root { %s }
  { ?root ?p1 ?s . FILTER(isIRI(?s)) }
  UNION { ?root ?p1 ?x . FILTER(isIRI(?x)) ?x ?p2 ?s . FILTER(isIRI(?s)) }
}"""


def focus_nodes(store: Store, change: ChangeSet) -> set[str]:
    """The nodes whose validation a change can affect."""
    touched = change.touched()
    if not touched:
        return set()
    # A node that points at a touched node is affected when the touched node loses triples (its
    # type, say), or when it is a claim whose constraints read its evidence items' triples
    # (citation consistency).
    shrinking = {q.subject.value for q in change.deletes if isinstance(q.subject, ox.NamedNode)}
    rows = store.select(_NEIGHBOURS % iri_list(touched))
    found = touched | {
        r["n"].value  # type: ignore[union-attr]
        for r in rows
        if r["via"].value in shrinking or r["p"].value in _READ_THROUGH  # type: ignore[union-attr]
    }
    return found | _duplicate_partners(store, change, touched)


def _duplicate_partners(store: Store, change: ChangeSet, touched: set[str]) -> set[str]:
    """Claims that a touched claim could duplicate once the change is applied.

    The duplicate constraint compares claims of the same kind, drug and source that share a
    target, so those are looked up from each touched claim's state after the change.
    """
    before = describe(store, sorted(touched))
    written: dict[str, tuple[list[ox.Quad], list[ox.Quad]]] = {}  # subject -> its deletes, inserts
    for at, quads in enumerate((change.deletes, change.inserts)):
        for quad in quads:
            written.setdefault(quad.subject.value, ([], []))[at].append(quad)  # type: ignore[union-attr]
    found: set[str] = set()
    for iri in touched:
        state = {p: set(values) for p, values in before[iri].properties.items()} if iri in before else {}
        deletes, inserts = written.get(iri, ([], []))
        for quad in deletes:
            state.get(quad.predicate.value, set()).discard(quad.object)
        for quad in inserts:
            state.setdefault(quad.predicate.value, set()).add(quad.object)
        keys = {p: state.get(p, set()) for p in _KEY_PREDICATES}
        targets = [(p, v) for p in _TARGET_PREDICATES for v in state.get(p, set())]
        if not (all(keys.values()) and targets):
            continue
        pairs = " ".join(f"({ox.NamedNode(p)} {v})" for p, v in targets)
        # Walk from the shared targets (a few claims each) and test the other keys with IN: with
        # VALUES blocks for them, Oxigraph would start from every claim of the drug.
        rows = store.select(
            f"""SELECT DISTINCT ?n WHERE {{
                  VALUES (?target ?value) {{ {pairs} }}
                  ?n ?target ?value ; a ?kind ; ev:drug ?drug ; prov:wasDerivedFrom ?source .
                  FILTER(?kind IN ({", ".join(map(str, keys[RDF_TYPE]))})
                         && ?drug IN ({", ".join(map(str, keys[str(EV.drug)]))})
                         && ?source IN ({", ".join(map(str, keys[str(PROV) + "wasDerivedFrom"]))})) }}"""
        )
        found |= {r["n"].value for r in rows if isinstance(r["n"], ox.NamedNode)}
    return found


#: Per store: the ontology graphs' versions and their quads, moved to the default graph.
_ONTOLOGY: weakref.WeakKeyDictionary[Store, tuple[object, list[ox.Quad]]] = weakref.WeakKeyDictionary()


def ontology_quads(store: Store) -> list[ox.Quad]:
    """The quads of the store's ontology graphs, in the default graph (for a validation extract).

    Kept between writes while the ontology graphs are unchanged (``Store.graph_version``): every
    write's extract holds the ontology, and rebuilding its quads for each write would cost more
    than the rest of a small write's validation.
    """
    prefix = graph_iri("ontology/")
    graphs = [g for g in store.graphs() if g.value.startswith(prefix)]
    versions = tuple((g.value, store.graph_version(g)) for g in graphs)
    kept = all(v is not None for _, v in versions)  # a store that cannot tell reads them each time
    known = _ONTOLOGY.get(store) if kept else None
    if known is not None and known[0] == versions:
        return known[1]
    quads = [ox.Quad(q.subject, q.predicate, q.object) for g in graphs for q in store.quads(g)]
    if kept:
        _ONTOLOGY[store] = (versions, quads)
    return quads


def candidate_extract(store: Store, change: ChangeSet, nodes: Iterable[str]) -> ox.Store:
    """An in-memory store: the nodes' surroundings and the ontology, with the change applied."""
    candidate = ox.Store()
    candidate.extend(ontology_quads(store))
    # the inserted links count too: a new claim's values are not linked from it in the store yet
    roots = set(nodes) | {q.object.value for q in change.inserts if isinstance(q.object, ox.NamedNode)}
    rows = store.select(_SURROUNDINGS % iri_list(sorted(roots))) if roots else []
    around = roots | {
        r["s"].value
        for r in rows
        if isinstance(r["s"], ox.NamedNode) and not r["s"].value.startswith(str(EV))
    }
    described = describe(store, sorted(around))
    carried = {
        o.value
        for entity in described.values()
        for p in _CARRIED
        for o in entity.properties.get(p, ())
        if isinstance(o, ox.NamedNode) and o.value not in described
    }
    described |= describe(store, sorted(carried))
    for entity in described.values():
        subject = ox.NamedNode(entity.iri)
        candidate.extend(
            ox.Quad(subject, ox.NamedNode(p), o) for p, values in entity.properties.items() for o in values
        )
    for quad in change.deletes:
        candidate.remove(ox.Quad(quad.subject, quad.predicate, quad.object))
    candidate.extend(ox.Quad(q.subject, q.predicate, q.object) for q in change.inserts)
    return candidate


def validate_change(store: Store, change: ChangeSet) -> ValidationReport:
    """Validate what a change affects (see the module docstring).

    Every node of the extract is validated; Violations anywhere stop the write, and the
    Warnings and Infos reported are those about the nodes the change writes.
    """
    nodes = focus_nodes(store, change)
    if not nodes:
        return ValidationReport()
    report = validate_store(candidate_extract(store, change, nodes))
    touched = change.touched()
    return ValidationReport(
        results=[r for r in report.results if r.severity == "Violation" or r.focus_node in touched]
    )


def commit(store: Store, change: ChangeSet) -> ValidationReport:
    """Validate and apply a change under the store's write lock.

    Raises :class:`ValidationFailedError` (nothing written) on any Violation; returns the
    report, whose warnings the caller passes on.
    """
    with store.write_lock:
        report = validate_change(store, change)
        if not report.conforms:
            raise ValidationFailedError(report)
        store.apply(change.deletes, change.inserts)
    return report
