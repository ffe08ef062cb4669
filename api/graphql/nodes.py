"""The schema's node types, all in one place: what answers for each ``rdf:type``.

The types live in modules of their own (node_types, claim_types, evidence_types, reference_types,
vocabulary_types); this module puts them in the order the API chooses a type for a node (most
specific class first; the kinds of claims in the order of the kinds table) and records them in
api.graphql.registry, which the look-ahead reads. ``tests/test_graphql_contract.py`` checks every
shape property has its field.
"""

from __future__ import annotations

from api.graphql.claim_types import CLAIM_TYPES, Claim
from api.graphql.evidence_types import EvidenceItem, Figure
from api.graphql.fields import ev
from api.graphql.node_types import Identified, Node, Resource
from api.graphql.reading import load_one
from api.graphql.reference_types import Reference, SourceDocument
from api.graphql.registry import NODE_TYPES, TYPE_FOR_CLASS, register
from api.graphql.vocabulary_types import (
    Condition,
    Drug,
    DrugClass,
    Gene,
    Grade,
    GradingScheme,
    Phenotype,
    Substance,
)
from graph.kinds import KINDS

register(
    [
        *((kind.iri, CLAIM_TYPES[kind.class_name]) for kind in KINDS),
        (ev.EvidenceItem, EvidenceItem),
        (ev.Figure, Figure),
        (ev.Reference, Reference),
        (ev.SourceDocument, SourceDocument),
        (ev.DrugClass, DrugClass),
        (ev.Drug, Drug),
        (ev.Substance, Substance),
        (ev.PatientState, Condition),
        (ev.Condition, Condition),
        (ev.Phenotype, Phenotype),
        (ev.Gene, Gene),
        (ev.Grade, Grade),
        (ev.GradingScheme, GradingScheme),
    ],
    Resource,
    [Node, Identified, Claim],
)

__all__ = [
    "CLAIM_TYPES",
    "NODE_TYPES",
    "TYPE_FOR_CLASS",
    "Claim",
    "Condition",
    "Drug",
    "GradingScheme",
    "Node",
    "Reference",
    "SourceDocument",
    "load_one",
]
