"""What an author writes, as plain data (claims, evidence, figures, references), and its quads.

graph.authoring turns these into validated, attributed writes; the GraphQL mutation inputs are
converted to them (api.graphql.conversion). The fields common to every claim are listed in
:data:`CLAIM_FIELDS`; each kind's own properties come from graph.kinds.
"""

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pyoxigraph as ox

from graph.kinds import kind_properties
from graph.namespaces import BASE, EV, PREFIXES, PROV

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
DCTERMS = PREFIXES["dcterms"]
XSD = PREFIXES["xsd"]


def named(value: str) -> ox.NamedNode:
    """An IRI as a pyoxigraph node."""
    return ox.NamedNode(value)


def ev(name: str) -> ox.NamedNode:
    """An ``ev:`` term as a pyoxigraph node."""
    return ox.NamedNode(str(EV[name]))


def typed(value: object) -> ox.Literal:
    """A Python value as a literal: booleans, integers and decimals typed, anything else a string."""
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(XSD + "decimal"))
    return ox.Literal(str(value))


def _decimal(value: float | None) -> float | None:
    return None if value is None else float(value)


def now() -> ox.Literal:
    """The current time as an xsd:dateTime literal (UTC, seconds)."""
    stamp = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return ox.Literal(stamp, datatype=ox.NamedNode(XSD + "dateTime"))


def slug(text: str) -> str:
    """A short IRI-safe name from a label.

    >>> slug("Azathioprine for Behçet's disease")
    'azathioprine-for-beh-et-s-disease'
    """
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-")[:60] or "node"


def mint(kind: str, label: str) -> ox.NamedNode:
    """A new IRI under ``id/<kind>/``: readable from the label, unique by a random suffix."""
    return ox.NamedNode(f"{BASE}id/{kind}/{slug(label)}-{uuid.uuid4().hex[:8]}")


# --- input data ---------------------------------------------------------------------------------


@dataclass
class FigureData:
    """A printed figure: as printed, and parsed."""

    label: str
    printed_value: str
    quantity_kind: str
    value: float | None = None
    min_value: float | None = None
    max_value: float | None = None
    numerator: int | None = None
    denominator: int | None = None
    approximate: bool | None = None


@dataclass
class EvidenceData:
    """A printed passage with its citation markers and what it reports."""

    text: str
    citation_markers: str | None = None
    references: list[str] = field(default_factory=list)
    study_designs: list[str] = field(default_factory=list)
    figures: list[FigureData] = field(default_factory=list)
    comparators: list[str] = field(default_factory=list)
    combined_with: list[str] = field(default_factory=list)
    population: str | None = None
    duration: str | None = None
    finding: str | None = None


@dataclass
class ClaimData:
    """A claim's fields; on update, None means "leave as it is" and a list replaces all values."""

    kind: str | None = None
    label: str | None = None
    drug: str | None = None
    source: str | None = None
    section: str | None = None
    evidence: list[EvidenceData] | None = None
    evidence_grade: str | None = None
    recommendation_strength: str | None = None
    printed_grade: str | None = None
    grade_inferred: bool | None = None
    negated: bool | None = None
    population: str | None = None
    curation_notes: list[str] | None = None
    conditions: list[str] | None = None
    #: The kind's own properties (graph.kinds), by name: IRIs for links and concepts.
    properties: dict[str, object] = field(default_factory=dict)


@dataclass
class ReferenceData:
    """A reference's fields; on update, None means "leave as it is"."""

    source: str | None = None
    citation_number: int | None = None
    title: str | None = None
    reference_type: str | None = None
    container_title: str | None = None
    year: str | None = None
    creators: list[str] | None = None
    volume: str | None = None
    issue: str | None = None
    page_start: str | None = None
    page_end: str | None = None
    pmid: str | None = None
    doi: str | None = None
    unresolved: bool | None = None
    curation_notes: list[str] | None = None


BIBO = PREFIXES["bibo"]

#: ClaimData field -> (predicate, True when the values are IRIs): what every claim has (``kind`` and
#: ``evidence`` aside); the kinds' own properties come from graph.kinds.
CLAIM_FIELDS: dict[str, tuple[str, bool]] = {
    "label": (RDFS_LABEL.value, False),
    "drug": (str(EV.drug), True),
    "source": (str(PROV) + "wasDerivedFrom", True),
    "section": (str(EV.section), False),
    "evidence_grade": (str(EV.evidenceGrade), True),
    "recommendation_strength": (str(EV.recommendationStrength), True),
    "printed_grade": (str(EV.printedGrade), False),
    "grade_inferred": (str(EV.gradeInferred), False),
    "negated": (str(EV.negated), False),
    "population": (str(EV.population), False),
    "curation_notes": (str(EV.curationNote), False),
    "conditions": (str(EV.condition), True),
}

REFERENCE_FIELDS: dict[str, tuple[str, bool]] = {
    "source": (DCTERMS + "isPartOf", True),
    "citation_number": (str(EV.citationNumber), False),
    "title": (DCTERMS + "title", False),
    "reference_type": (str(EV.referenceType), False),
    "container_title": (str(EV.containerTitle), False),
    "year": (DCTERMS + "issued", False),
    "creators": (DCTERMS + "creator", False),
    "volume": (BIBO + "volume", False),
    "issue": (BIBO + "issue", False),
    "page_start": (BIBO + "pageStart", False),
    "page_end": (BIBO + "pageEnd", False),
    "pmid": (BIBO + "pmid", False),
    "doi": (BIBO + "doi", False),
    "unresolved": (str(EV.unresolved), False),
    "curation_notes": (str(EV.curationNote), False),
}


def _values(value: object, is_iri: bool, predicate: str) -> list[ox.NamedNode | ox.Literal]:
    items = value if isinstance(value, list) else [value]
    if is_iri:
        return [named(str(v)) for v in items]
    if predicate == DCTERMS + "issued":
        return [ox.Literal(str(v), datatype=ox.NamedNode(XSD + "gYear")) for v in items]
    return [typed(v) for v in items]


def field_quads(
    subject: ox.NamedNode, data: object, table: dict[str, tuple[str, bool]], graph: ox.NamedNode
) -> tuple[list[ox.NamedNode], list[ox.Quad]]:
    """Quads for every field of ``data`` that is set, and the predicates they replace."""
    predicates, quads = [], []
    for name, (predicate, is_iri) in table.items():
        value = getattr(data, name)
        if value is None:
            continue
        predicates.append(ox.NamedNode(predicate))
        quads += [
            ox.Quad(subject, ox.NamedNode(predicate), v, graph) for v in _values(value, is_iri, predicate)
        ]
    return predicates, quads


AUTHOR_LIST = BIBO + "authorList"


def author_list_quads(reference: ox.NamedNode, creators: Sequence[str], graph: ox.NamedNode) -> list[ox.Quad]:
    """A reference's author list in printed order: an rdf:Seq at ``<reference>/authors``.

    ``dcterms:creator`` (from :data:`REFERENCE_FIELDS`) keeps the same names, unordered.
    """
    if not creators:
        return []
    authors = author_list(reference)
    return [
        ox.Quad(reference, ox.NamedNode(AUTHOR_LIST), authors, graph),
        ox.Quad(authors, RDF_TYPE, ox.NamedNode(PREFIXES["rdf"] + "Seq"), graph),
        *(
            ox.Quad(authors, ox.NamedNode(f"{PREFIXES['rdf']}_{n}"), ox.Literal(name), graph)
            for n, name in enumerate(creators, start=1)
        ),
    ]


def author_list(reference: ox.NamedNode) -> ox.NamedNode:
    """The IRI of a reference's author list."""
    return ox.NamedNode(reference.value + "/authors")


def claim_quads(
    claim: ox.NamedNode, data: ClaimData, graph: ox.NamedNode
) -> tuple[list[ox.NamedNode], list[ox.Quad]]:
    """Quads for every field of a claim that ``data`` sets (its kind's properties too).

    Also the predicates they replace.
    """
    predicates, quads = field_quads(claim, data, CLAIM_FIELDS, graph)
    known = kind_properties()
    for name, value in data.properties.items():
        if name not in known:
            raise ValueError(f"{name!r} is not a property of any kind of claim")
        prop = known[name]
        predicates.append(ox.NamedNode(prop.predicate))
        quads += [
            ox.Quad(claim, ox.NamedNode(prop.predicate), v, graph)
            for v in _values(value, prop.is_iri, prop.predicate)
        ]
    return predicates, quads


def evidence_quads(
    claim: ox.NamedNode, label: str, items: Sequence[EvidenceData], graph: ox.NamedNode
) -> tuple[list[ox.Quad], set[str]]:
    """Quads for a claim's new evidence items (and their figures), and the references they cite."""
    quads: list[ox.Quad] = []
    references: set[str] = set()
    for item in items:
        node = mint("evidence", label)
        quads += [
            ox.Quad(claim, ev("evidence"), node, graph),
            ox.Quad(node, RDF_TYPE, ev("EvidenceItem"), graph),
            ox.Quad(node, ev("text"), ox.Literal(item.text), graph),
        ]
        scalar = {
            "citationMarkers": item.citation_markers,
            "population": item.population,
            "duration": item.duration,
            "finding": item.finding,
        }
        quads += [ox.Quad(node, ev(p), ox.Literal(v), graph) for p, v in scalar.items() if v is not None]
        links = {
            "citesAsEvidence": item.references,
            "studyDesign": item.study_designs,
            "comparator": item.comparators,
            "combinedWith": item.combined_with,
        }
        quads += [ox.Quad(node, ev(p), named(v), graph) for p, vs in links.items() for v in vs]
        references |= set(item.references)
        for figure in item.figures:
            figure_node = mint("figure", figure.label)
            quads += [
                ox.Quad(node, ev("figure"), figure_node, graph),
                ox.Quad(figure_node, RDF_TYPE, ev("Figure"), graph),
                ox.Quad(figure_node, RDFS_LABEL, ox.Literal(figure.label), graph),
                ox.Quad(figure_node, ev("printedValue"), ox.Literal(figure.printed_value), graph),
                ox.Quad(figure_node, ev("quantityKind"), named(figure.quantity_kind), graph),
            ]
            # the shapes want xsd:decimal values: 40 from Python is a decimal 40.0 here
            numbers: dict[str, float | int | bool | None] = {
                "value": _decimal(figure.value),
                "minValue": _decimal(figure.min_value),
                "maxValue": _decimal(figure.max_value),
                "numerator": figure.numerator,
                "denominator": figure.denominator,
                "approximate": figure.approximate,
            }
            quads += [
                ox.Quad(figure_node, ev(p), typed(v), graph) for p, v in numbers.items() if v is not None
            ]
    quads += [ox.Quad(claim, ev("citesAsEvidence"), named(r), graph) for r in sorted(references)]
    return quads, references
