"""The claim kinds: one table, from which everything that differs between kinds is derived.

Each kind of claim (an indication, a contraindication, an interaction, ...) is a subclass of
``ev:ClinicalStatement`` in the ontology and has a node shape in the shapes. This table says, per
kind, what the code needs beyond that: its GraphQL enum value, type and list names, and its own
properties, with their cardinality as the shapes state it, how GraphQL shows them, whether an
author sets them (``createClaim``/``updateClaim``) and whether the nodes they link to are
vocabulary (graph.vocabulary keeps those in memory).

The GraphQL types, the ``ClaimKind`` enum, the root and ``Drug`` lists, the authoring inputs, the
vocabulary's links and the claim filters are made from it; tests/test_kinds.py checks it against
the ontology and the shapes (class, property, cardinality), so the three cannot drift apart.
docs/contributing.md walks through adding a kind.

Properties every claim has (label, drug, evidence, references, grades, ...) are
:data:`COMMON`; they are the ``Claim`` interface.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from graph.namespaces import EV, PROV
from graph.paths import ADDED_ONTOLOGY, ADDED_SHAPES

#: How a property's values are shown and set. ``text``/``texts``: strings; ``flag``: a boolean;
#: ``concept``/``concepts``: members of a fixed value set (a GraphQL enum named by ``target``);
#: ``link``/``links``: nodes of the GraphQL type ``target``. A ``link`` with an unbounded
#: cardinality in the shapes answers its first value (``first``).
Value = Literal["text", "texts", "flag", "concept", "concepts", "link", "first", "links"]


@dataclass(frozen=True)
class ClaimProperty:
    """One property of a kind of claim.

    ``name`` is the GraphQL field (snake case; GraphQL shows it camel-cased) and, unless
    ``input`` says otherwise, the authoring input. ``target`` names the GraphQL type of linked
    nodes, or the enum of concepts. ``min_count``/``max_count`` are the shapes' cardinality
    (``max_count`` None: unbounded). ``input`` None: not set by authors. ``vocabulary``: the
    linked nodes are vocabulary (drugs, conditions, genes, concepts), kept in memory.
    ``description`` replaces the ontology's definition of the predicate in the schema.
    ``custom_field``: the API writes this GraphQL field by hand (it shows the value otherwise).
    """

    name: str
    predicate: str
    value: Value
    target: str = ""
    min_count: int = 0
    max_count: int | None = 1
    input: str | None = ""
    vocabulary: bool = False
    description: str | None = None
    custom_field: bool = False

    @property
    def input_name(self) -> str | None:
        """The authoring input's name (None: authors do not set it)."""
        if self.input is None:
            return None
        return self.input or self.name

    @property
    def many(self) -> bool:
        """Whether the property holds a list."""
        return self.value in ("texts", "concepts", "links")

    @property
    def is_iri(self) -> bool:
        """Whether its values are IRIs (links and concepts)."""
        return self.value in ("concept", "concepts", "link", "first", "links")


@dataclass(frozen=True)
class Kind:
    """One kind of claim: its class and names, its own properties, and its lists' descriptions."""

    enum: str
    class_name: str
    list_name: str
    description: str
    drug_list: str
    properties: tuple[ClaimProperty, ...] = ()
    #: Lists of claims of this kind on the nodes they link to, besides the drug's: (GraphQL type,
    #: predicate, field name, description), e.g. a condition's indications.
    listed_on: tuple[tuple[str, str, str, str], ...] = ()

    @property
    def iri(self) -> str:
        """The kind's class IRI."""
        return str(EV[self.class_name])


def _ev(name: str) -> str:
    return str(EV[name])


def _p(name: str, local: str, value: Value, target: str = "", **more: object) -> ClaimProperty:
    """A property of an ``ev:`` predicate (local name ``local``)."""
    return ClaimProperty(name, _ev(local), value, target, **more)  # type: ignore[arg-type]


CONDITION = _p("condition", "condition", "first", "Condition", vocabulary=True, input=None)
RISKS = _p("risks", "risk", "links", "Condition", max_count=None, vocabulary=True)

#: The kinds, in the order of the ``ClaimKind`` enum (a claim's ``kind`` is the first that fits).
#: A list, so that :func:`add_kind` reaches every module that imported it.
KINDS: list[Kind] = [
    Kind(
        "INDICATION",
        "IndicationStatement",
        "indications",
        "Indications, licensed or not, with grades and references.",
        "Indications of this drug.",
        (
            replace(CONDITION, min_count=1),
            _p("licensing_status", "licensingStatus", "concept", "LicensingStatus", vocabulary=True),
            _p(
                "jurisdiction",
                "licensingJurisdiction",
                "concept",
                "Jurisdiction",
                vocabulary=True,
                description="The regulator or jurisdiction the licensing status applies to; NOT_STATED when "
                "the source does not say which; null when the source states no licensing status.",
            ),
            _p("therapy_roles", "therapyRole", "concepts", "TherapyRole", max_count=None, vocabulary=True),
        ),
        (
            (
                "Condition",
                _ev("condition"),
                "indications",
                "Indications for this condition (inverse of condition).",
            ),
        ),
    ),
    Kind(
        "CONTRAINDICATION",
        "ContraindicationStatement",
        "contraindications",
        "Contraindications.",
        "Contraindications of this drug.",
        (
            _p("severity", "severity", "concept", "Severity", min_count=1, vocabulary=True),
            CONDITION,
            _p("co_medication", "coMedication", "first", "Drug", vocabulary=True),
            _p("exceptions", "exception", "texts", max_count=None),
        ),
        (("Condition", _ev("condition"), "contraindications", "Contraindications naming this condition."),),
    ),
    Kind(
        "INTERACTION",
        "InteractionStatement",
        "interactions",
        "Interactions, and documented absences of interaction (negated).",
        "Interactions (and documented absences of interaction) of this drug.",
        (
            _p("interactant", "interactant", "first", "Drug", min_count=1, vocabulary=True),
            _p("effect", "effect", "text"),
            _p("mechanism", "mechanismText", "text"),
        ),
    ),
    Kind(
        "PHARMACOGENOMIC",
        "PharmacogenomicStatement",
        "pharmacogenomics",
        "Pharmacogenomic rules (e.g. TPMT and NUDT15).",
        "Pharmacogenomic rules for this drug.",
        (
            _p("gene", "gene", "link", "Gene", min_count=1, vocabulary=True),
            _p("phenotypes", "phenotype", "links", "Phenotype", max_count=None, vocabulary=True),
            _p(
                "actions",
                "pgxAction",
                "concepts",
                "PharmacogenomicAction",
                min_count=1,
                max_count=None,
                vocabulary=True,
            ),
            RISKS,
        ),
        (("Gene", _ev("gene"), "pharmacogenomics", "Pharmacogenomic rules about this gene."),),
    ),
    Kind(
        "MONITORING",
        "MonitoringStatement",
        "monitoring",
        "Monitoring requirements.",
        "Monitoring requirements for this drug.",
        (
            _p("monitored_parameter", "monitoredParameter", "text", min_count=1),
            _p("timing", "monitoringTiming", "text", input="monitoring_timing"),
        ),
    ),
    Kind(
        "PRACTICE_POINT",
        "PracticePointStatement",
        "practice_points",
        "Practice points and pitfalls.",
        "Practice points and pitfalls for this drug.",
        (_p("related_drugs", "relatedDrug", "links", "Drug", max_count=None, vocabulary=True),),
    ),
    Kind(
        "MECHANISM",
        "MechanismStatement",
        "mechanisms",
        "Mechanism of action and metabolism statements.",
        "Mechanism and metabolism statements for this drug.",
        (
            _p("metabolites", "metabolite", "links", "Substance", max_count=None, vocabulary=True),
            _p("enzymes", "enzyme", "links", "Gene", max_count=None, vocabulary=True),
            RISKS,
        ),
    ),
    Kind(
        "PRACTICE_PATTERN",
        "PracticePatternStatement",
        "practice_patterns",
        "Practice-pattern and survey findings.",
        "Practice-pattern and survey findings for this drug.",
    ),
]

#: What every claim has, whatever its kind: the ``Claim`` interface (and the shape of
#: ``ev:ClinicalStatement``). ``input`` None: set otherwise (the drug, source and grades are
#: named or graded in their own input fields) or never by authors.
COMMON: tuple[ClaimProperty, ...] = (
    ClaimProperty("label", "http://www.w3.org/2000/01/rdf-schema#label", "text", min_count=1),
    _p("drug", "drug", "link", "Drug", min_count=1, vocabulary=True),
    _p("evidence", "evidence", "links", "EvidenceItem", min_count=1, max_count=None, input=None),
    _p("references", "citesAsEvidence", "links", "Reference", max_count=None, input=None),
    ClaimProperty("source", str(PROV) + "wasDerivedFrom", "link", "SourceDocument", min_count=1),
    _p("section", "section", "text"),
    _p("negated", "negated", "flag"),
    _p("grade", "evidenceGrade", "link", "Grade", input="evidence_grade", vocabulary=True),
    _p("recommendation_strength", "recommendationStrength", "link", "Grade", vocabulary=True),
    _p("printed_grade", "printedGrade", "text"),
    _p("grade_inferred", "gradeInferred", "flag"),
    _p("curation_notes", "curationNote", "texts", max_count=None),
    _p("population", "population", "text"),
    _p("conditions", "condition", "links", "Condition", max_count=None, vocabulary=True),
)


def kind_properties(kinds: Sequence[Kind] = KINDS) -> dict[str, ClaimProperty]:
    """Every kind-specific property by name; one name is one property, whichever kinds have it.

    Only whether it is required (``min_count``) may differ between kinds.

    >>> sorted(kind_properties())[:3]
    ['actions', 'co_medication', 'condition']
    """
    found: dict[str, ClaimProperty] = {}
    for kind in kinds:
        for prop in kind.properties:
            if replace(found.setdefault(prop.name, prop), min_count=0) != replace(prop, min_count=0):
                raise ValueError(f"{prop.name!r} means two different things in the kinds table")
    return found


def vocabulary_links(kinds: Sequence[Kind] = KINDS) -> frozenset[str]:
    """The predicates of claims whose targets are vocabulary nodes."""
    return frozenset(p.predicate for p in (*COMMON, *kind_properties(kinds).values()) if p.vocabulary)


_in_use = False


def in_use() -> list[Kind]:
    """The kinds, for a module that makes something of them once (the GraphQL types, say).

    After the first call the table is fixed: :func:`add_kind` refuses to add to it.
    """
    global _in_use  # noqa: PLW0603 - the table is fixed once anything is made from it
    _in_use = True
    return KINDS


def add_kind(kind: Kind, *, ontology: Path, shapes: Path) -> None:
    """Add a kind of claim: its row, and the files that describe it in the ontology and the shapes.

    ``ontology`` declares its class and properties (with their ``rdfs:domain``); ``shapes``
    constrains them. Call it at start-up, before the API is imported: the GraphQL schema is made
    from the table once. The class must be a direct subclass of ``ev:ClinicalStatement``;
    docs/contributing.md walks through an example.
    """
    if _in_use:
        raise RuntimeError(
            f"cannot add the kind {kind.enum}: the kinds are in use already "
            "(add kinds before the API is imported)"
        )
    if any(k.enum == kind.enum or k.iri == kind.iri for k in KINDS):
        raise ValueError(f"a kind {kind.enum} or of class {kind.class_name} is in the table already")
    kind_properties([*KINDS, kind])  # one name, one property, across all kinds
    for path in (ontology, shapes):
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
    KINDS.append(kind)
    ADDED_ONTOLOGY.append(ontology)
    ADDED_SHAPES.append(shapes)
