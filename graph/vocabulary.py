"""The store's vocabulary in memory: whole descriptions of the nodes claims link to.

Claims are many and each is read a few times; the drugs, conditions, genes, grades and other
concepts they link to for their ``drug``, ``condition`` or ``evidenceGrade`` are few and read by
nearly every claim query. Describing them again for every page of claims would be most of a
page's describe query.

:class:`graph.store.EvidenceStore` keeps one :class:`Vocabulary`: every IRI node whose
``rdf:type`` (in any graph) is one of :data:`VOCABULARY_CLASSES`, described exactly as
:func:`graph.entity.describe` describes it (every outgoing property in every graph), built on
first use, kept current by ``apply`` (the nodes a write describes or types are described again)
and rebuilt after any other write, as the name index is (graph.names). Its entities are complete
and shared by every request: nothing may change them.

The API's look-ahead reads the nodes a page links to through :data:`LINK_PREDICATES` from here
(api.graphql.context): a page's query then describes the claims alone. A link to a node that is
not here (a drug that is not typed ``ev:Drug``, say: invalid, but the API answers for any store) is
described by a query as before, so the answers do not depend on the store being valid.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from graph.entity import RDF_TYPE, Entity, describe, iri_list
from graph.namespaces import EV, PREFIXES
from graph.store import QueryResult

SKOS = PREFIXES["skos"]

#: The classes of the vocabulary: things claims are about or graded with, not claims, evidence
#: or references. Subclasses are listed too (a node typed ``ev:DrugClass`` alone is one).
VOCABULARY_CLASSES: frozenset[str] = frozenset(
    str(EV[name])
    for name in (
        "Substance",
        "Drug",
        "DrugClass",
        "Condition",
        "PatientState",
        "Gene",
        "Phenotype",
        "GradingScheme",
        "Grade",
        "GradingAxis",
        "LicensingStatus",
        "Jurisdiction",
        "SourceType",
        "ContraindicationSeverity",
        "StudyDesign",
        "TherapyRole",
        "PharmacogenomicAction",
        "QuantityKind",
    )
) | {SKOS + "Concept", SKOS + "ConceptScheme"}

#: The ontology's object properties whose range is a vocabulary class: the links whose targets
#: the look-ahead takes from the vocabulary (tests/test_vocabulary.py checks the list against
#: ontology/evidence.ttl).
LINK_PREDICATES: frozenset[str] = frozenset(
    str(EV[name])
    for name in (
        "drug",
        "evidenceGrade",
        "recommendationStrength",
        "condition",
        "licensingStatus",
        "licensingJurisdiction",
        "sourceType",
        "therapyRole",
        "severity",
        "coMedication",
        "interactant",
        "gene",
        "phenotype",
        "pgxAction",
        "risk",
        "relatedDrug",
        "metabolite",
        "enzyme",
        "studyDesign",
        "comparator",
        "combinedWith",
        "quantityKind",
        "axis",
    )
)

_MEMBERS = f"""SELECT DISTINCT ?s WHERE {{
  VALUES ?class {{ {iri_list(sorted(VOCABULARY_CLASSES))} }} ?s a ?class FILTER(isIRI(?s))
}}"""


class Vocabulary:
    """IRI -> the whole :class:`~graph.entity.Entity` of every vocabulary node of a store."""

    def __init__(self, entities: dict[str, Entity] | None = None) -> None:
        #: Read by the API's look-ahead; replaced entries only, never changed in place.
        self.entities: dict[str, Entity] = entities if entities is not None else {}

    @classmethod
    def build(cls, store: ox.Store) -> Vocabulary:
        """Every vocabulary node of ``store`` (all graphs), described (two queries)."""
        reader = _Reader(store)
        members = reader.query(_MEMBERS)
        assert isinstance(members, ox.QuerySolutions)
        return cls(describe(reader, [row[0].value for row in members]))

    def refresh(self, store: ox.Store, quads: Iterable[ox.Quad]) -> None:
        """Describe again the nodes ``quads`` (a write's deletes and inserts) may have changed.

        Those are the IRI subjects of the quads that are vocabulary nodes now, or that a quad
        types with a vocabulary class (inserted: it joins; deleted: it may leave).
        """
        subjects = set()
        for quad in quads:
            subject = quad.subject
            if type(subject) is not ox.NamedNode:
                continue
            iri = subject.value
            if iri in self.entities or (
                quad.predicate.value == RDF_TYPE
                and type(quad.object) is ox.NamedNode
                and quad.object.value in VOCABULARY_CLASSES
            ):
                subjects.add(iri)
        if not subjects:
            return
        found = describe(_Reader(store), sorted(subjects))
        for iri in subjects:
            entity = found.get(iri)
            if entity is not None and entity.types & VOCABULARY_CLASSES:
                self.entities[iri] = entity
            else:
                self.entities.pop(iri, None)

    def __len__(self) -> int:
        """How many nodes the vocabulary holds."""
        return len(self.entities)

    def __eq__(self, other: object) -> bool:
        """Whether two vocabularies hold the same nodes with the same descriptions."""
        if not isinstance(other, Vocabulary):
            return NotImplemented
        return self.entities == other.entities

    __hash__ = None  # type: ignore[assignment]  # mutable


class _Reader:
    """The one method of graph.store.Store that describe() calls, on a bare Oxigraph store.

    The vocabulary's own queries are the store's housekeeping, not a request's round trips, so
    they are not counted in ``EvidenceStore.query_count`` (as the name index's reads are not).
    """

    def __init__(self, store: ox.Store) -> None:
        self._store = store

    def query(self, sparql: str) -> QueryResult:
        return self._store.query(sparql, prefixes=PREFIXES, use_default_graph_as_union=True)
