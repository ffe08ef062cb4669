"""A claim as a row of a page's table: its label, its kind's properties, grade, source and passages.

Rows are made from claims read by graph.linked_claims (nothing here queries the store). A kind's
columns are its properties in the kinds table (graph.kinds), headed by the ontology's label of
each predicate, so a new kind of claim gets its columns without a change here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import pyoxigraph as ox
from rdflib import RDFS, URIRef

from api.pages.iris import Iris
from graph.entity import Entity
from graph.kinds import COMMON, KINDS, ClaimProperty, Kind
from graph.linked_claims import ReadClaims
from graph.namespaces import EV, PREFIXES, PROV
from graph.shapes import ontology_graph
from graph.store import text

RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
_CONDITIONS = next(p for p in COMMON if p.name == "conditions")
WAS_DERIVED_FROM = str(PROV.wasDerivedFrom)


class _Terms(dict[str, str]):
    """``ev:`` IRIs by local name, made once each (an rdflib Namespace makes a term at every access)."""

    def __missing__(self, name: str) -> str:
        iri = self[name] = str(EV[name])
        return iri


#: ``EV_IRI["evidence"]`` is ``str(EV.evidence)``, as a dictionary read.
EV_IRI = _Terms()


@dataclass(frozen=True)
class Link:
    """Something a page links to: where, and the words shown."""

    href: str
    text: str


#: A cell shows links and plain strings.
Value = Link | str


@dataclass(frozen=True)
class Passage:
    """An evidence item as a row shows it: the passage as printed (or the record) and its references."""

    link: Link
    text: str | None
    record_id: str | None
    record_values: tuple[str, ...]
    see_also: Link | None
    markers: str | None
    references: tuple[Link, ...]
    designs: tuple[str, ...]
    figures: tuple[str, ...]


@dataclass(frozen=True)
class ClaimRow:
    """One claim in a table: the claim, its cells (one per column of the table), grade, source, passages."""

    claim: Link
    negated: bool
    cells: dict[str, tuple[Value, ...]]
    grade: Link | None
    source: Link | None
    passages: tuple[Passage, ...]


@dataclass
class Table:
    """A table of claims of one kind (or of mixed kinds, with a kind column)."""

    caption: str
    columns: list[str]
    rows: list[ClaimRow] = field(default_factory=list)
    #: Whether any row has a grade (a table without one has no grade column).
    graded: bool = False


def name(entity: Entity | None, iri: str) -> str:
    """What a page calls a node: its label, preferred label, title or notation, else its IRI's end.

    >>> name(None, "https://w3id.org/evidence-graph/id/drug/azathioprine")
    'azathioprine'
    """
    if entity is not None:
        for predicate in (RDFS_LABEL, SKOS + "prefLabel", DCTERMS + "title", SKOS + "notation"):
            value = entity.string(predicate)
            if value:
                return value
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1] or iri


@cache
def term_label(predicate: str) -> str:
    """The ontology's label of a term, capitalized, as a heading (``"Licensing jurisdiction"``)."""
    label = ontology_graph().value(URIRef(predicate), RDFS.label)
    words = str(label) if label is not None else predicate.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return words[:1].upper() + words[1:]


def kind_of(types: frozenset[str]) -> Kind | None:
    """The kind of a claim of these types (the first of the kinds table that fits)."""
    return next((k for k in KINDS if k.iri in types), None)


def kind_title(kind: Kind) -> str:
    """A kind's list as a heading: ``"Practice points"``."""
    words = kind.list_name.replace("_", " ")
    return words[:1].upper() + words[1:]


def columns(kind: Kind | None) -> list[ClaimProperty]:
    """The properties shown as columns for claims of ``kind``: its own, and conditions if it has none."""
    if kind is None:
        return []
    own = list(kind.properties)
    if not any(p.predicate == _CONDITIONS.predicate for p in own):
        own.append(_CONDITIONS)
    return own


class RowMaker:
    """Makes rows from claims read together, linking nodes through ``iris``."""

    def __init__(self, read: ReadClaims, iris: Iris) -> None:
        self.read = read
        self.iris = iris

    def link(self, iri: str) -> Link:
        """A link to a node, named as :func:`name` names it."""
        return Link(self.iris.link(iri), name(self.read.node(iri), iri))

    def values(self, entity: Entity, prop: ClaimProperty) -> tuple[Value, ...]:
        """The values of one property of a claim, as a cell shows them."""
        if prop.value == "flag":
            return ("yes",) if entity.flag(prop.predicate) else ()
        if prop.is_iri:
            iris = entity.iris(prop.predicate)
            return tuple(sorted((self.link(i) for i in iris), key=lambda link: link.text.lower()))
        return tuple(entity.strings(prop.predicate))

    def grade(self, entity: Entity) -> Link | None:
        """The claim's grade of evidence (else its strength of recommendation): notation and label."""
        iri = entity.iri_of(EV_IRI["evidenceGrade"]) or entity.iri_of(EV_IRI["recommendationStrength"])
        if iri is None:
            return None
        grade = self.read.node(iri)
        notation = grade.string(SKOS + "notation") if grade else None
        label = name(grade, iri)
        shown = f"{notation}: {label}" if notation and notation != label else label
        return Link(self.iris.link(iri), shown)

    def reference(self, iri: str) -> Link:
        """A reference by its title, or by its number when the source does not name it."""
        entity = self.read.node(iri)
        title = entity.string(DCTERMS + "title") if entity else None
        if title:
            return Link(self.iris.link(iri), title)
        number = entity.string(EV_IRI["citationNumber"]) if entity else None
        shown = f"Reference {number} (not named in the source)" if number else name(entity, iri)
        return Link(self.iris.link(iri), shown)

    def passage(self, iri: str) -> Passage:
        """An evidence item as printed, with its markers, references, study designs and figures."""
        item = self.read.node(iri) or Entity(iri)
        see_also = item.iri_of(PREFIXES["rdfs"] + "seeAlso")
        figures = []
        for figure_iri in item.iris(EV_IRI["figure"]):
            figure = self.read.node(figure_iri)
            printed = figure.string(EV_IRI["printedValue"]) if figure else None
            figures.append(f"{printed}: {name(figure, figure_iri)}" if printed else name(figure, figure_iri))
        return Passage(
            link=Link(self.iris.link(iri), name(item, iri)),
            text=item.string(EV_IRI["text"]),
            record_id=item.string(EV_IRI["recordId"]),
            record_values=tuple(item.strings(EV_IRI["recordValue"])),
            see_also=Link(see_also, see_also) if see_also else None,
            markers=item.string(EV_IRI["citationMarkers"]),
            references=tuple(
                self.reference(r) for r in _by_number(self.read, item.iris(EV_IRI["citesAsEvidence"]))
            ),
            designs=tuple(sorted(name(self.read.node(d), d) for d in item.iris(EV_IRI["studyDesign"]))),
            figures=tuple(figures),
        )

    def row(self, iri: str, shown: Sequence[ClaimProperty]) -> ClaimRow:
        """A claim as a row with the cells of ``shown``."""
        entity = self.read.node(iri) or Entity(iri)
        source = entity.iri_of(WAS_DERIVED_FROM)
        return ClaimRow(
            claim=Link(self.iris.link(iri), name(entity, iri)),
            negated=entity.flag(EV_IRI["negated"]),
            cells={term_label(p.predicate): self.values(entity, p) for p in shown},
            grade=self.grade(entity),
            source=self.link(source) if source else None,
            passages=tuple(self.passage(e) for e in entity.iris(EV_IRI["evidence"])),
        )

    def table(
        self,
        caption: str,
        iris: Sequence[str],
        kind: Kind | None,
        extra: Sequence[ClaimProperty] = (),
        grouped_by: str | None = None,
    ) -> Table:
        """A table of claims: a column per property of ``kind`` (and ``extra``) that some row has a value of.

        ``grouped_by``: the predicate the table's rows all share a value of (no column for it).
        """
        shown = [p for p in (*extra, *columns(kind)) if p.predicate != grouped_by]
        rows = [self.row(iri, shown) for iri in iris]
        headings = [term_label(p.predicate) for p in shown]
        kept = [h for h in dict.fromkeys(headings) if any(row.cells.get(h) for row in rows)]
        return Table(caption, kept, rows, graded=any(row.grade is not None for row in rows))


def _by_number(read: ReadClaims, iris: list[str]) -> list[str]:
    """References in the order of their citation numbers (unnumbered last, by IRI)."""

    def key(iri: str) -> tuple[int, str]:
        entity = read.node(iri)
        number = entity.one(EV_IRI["citationNumber"]) if entity else None
        return (
            int(text(number)) if isinstance(number, ox.Literal) and text(number).isdigit() else 1 << 30,
            iri,
        )

    return sorted(iris, key=key)
