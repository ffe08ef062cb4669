"""What a page says about a node: each of its properties as a heading and its values.

Ontology terms are headed by the ontology's own label (graph.shapes.ontology_graph); the standard
terms the project reuses by the words in :data:`HEADINGS`, in that order, before the others.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import pyoxigraph as ox

from api.pages.claim_rows import EV_IRI, Link, Value, name, term_label
from api.pages.iris import Iris
from graph.entity import Entity
from graph.namespaces import BIBO, PREFIXES, PROV, shorten
from graph.store import text

_RDFS = PREFIXES["rdfs"]
_SKOS = PREFIXES["skos"]
_DCTERMS = PREFIXES["dcterms"]
_PAV = "http://purl.org/pav/"
RDF_TYPE = PREFIXES["rdf"] + "type"

#: Headings of the standard predicates, in the order a page lists them: these first, then the
#: ontology's own predicates by label, then :data:`TRAILING`.
HEADINGS: dict[str, str] = {
    _RDFS + "label": "Name",
    _SKOS + "prefLabel": "Name",
    _DCTERMS + "title": "Title",
    _SKOS + "notation": "Notation",
    _SKOS + "altLabel": "Also called",
    _SKOS + "definition": "Definition",
    _RDFS + "comment": "Comment",
    _DCTERMS + "description": "Description",
    _SKOS + "inScheme": "Grading scheme",
    _SKOS + "broader": "Broader",
    _SKOS + "exactMatch": "Same as",
    _SKOS + "closeMatch": "Close match",
    _SKOS + "broadMatch": "Broader match",
    _SKOS + "narrowMatch": "Narrower match",
    _SKOS + "relatedMatch": "Related match",
    _DCTERMS + "creator": "Author",
    _DCTERMS + "issued": "Issued",
    str(BIBO.volume): "Volume",
    str(BIBO.issue): "Issue",
    str(BIBO.pageStart): "First page",
    str(BIBO.pageEnd): "Last page",
    str(BIBO.pmid): "PMID",
    str(BIBO.doi): "DOI",
    _DCTERMS + "publisher": "Publisher",
    _PAV + "version": "Version",
    _DCTERMS + "license": "Licence",
    _PAV + "retrievedFrom": "Retrieved from",
    _PAV + "retrievedOn": "Retrieved on",
    _DCTERMS + "isPartOf": "Part of",
    _DCTERMS + "hasPart": "Parts",
    _DCTERMS + "source": "Source",
    _DCTERMS + "bibliographicCitation": "Citation",
    _SKOS + "hasTopConcept": "Grades",
    _SKOS + "topConceptOf": "Top grade of",
}
#: Where a node comes from and notes on it: listed last.
TRAILING: dict[str, str] = {
    str(PROV.wasDerivedFrom): "Source",
    str(PROV.wasAttributedTo): "Curated by",
    _DCTERMS + "created": "Created",
    _DCTERMS + "modified": "Last updated",
    str(PROV.invalidatedAtTime): "Retracted on",
    _SKOS + "editorialNote": "Curators' note",
    EV_IRI["curationNote"]: "Curation note",
    _RDFS + "seeAlso": "See also",
    _RDFS + "isDefinedBy": "Defined by",
}


@dataclass(frozen=True)
class Fact:
    """One property of a node: its heading and values."""

    heading: str
    values: tuple[Value, ...]


def heading(predicate: str) -> str:
    """A predicate's heading: :data:`HEADINGS`, else the ontology's label."""
    return HEADINGS.get(predicate) or TRAILING.get(predicate) or term_label(predicate)


def values(entity: Entity, predicate: str, names: Mapping[str, Entity], iris: Iris) -> tuple[Value, ...]:
    """The values of ``predicate``: IRIs as links named from ``names``, literals as written."""
    shown: list[Value] = []
    for value in entity.all(predicate):
        if isinstance(value, ox.NamedNode):
            iri = value.value
            named = names.get(iri)
            shown.append(
                Link(iris.link(iri), name(named, iri) if named or iris.served(iri) else _written(iri))
            )
        elif isinstance(value, ox.Literal) and value.datatype.value.endswith("#boolean"):
            shown.append("yes" if value.value in ("true", "1") else "no")
        elif isinstance(value, ox.Literal):
            shown.append(text(value))
    links = sorted((v for v in shown if isinstance(v, Link)), key=lambda link: link.text.lower())
    return (*sorted(v for v in shown if isinstance(v, str)), *links)


def _written(iri: str) -> str:
    """An IRI nothing names, as a CURIE where a prefix covers it, else whole."""
    short = shorten(iri)
    return iri if short.startswith("<") else short


def facts(
    entity: Entity,
    names: Mapping[str, Entity],
    iris: Iris,
    skip: Collection[str] = (),
    first: Sequence[str] = (),
) -> list[Fact]:
    """Every property of ``entity`` but its types and ``skip``, one heading each.

    In the order of ``first``, :data:`HEADINGS`, the others by heading, then :data:`TRAILING`.
    """
    order = {p: i for i, p in enumerate([*first, *HEADINGS])}
    trailing = {p: i for i, p in enumerate(TRAILING)}

    def key(predicate: str) -> tuple[int, int, str]:
        if predicate in order:
            return (0, order[predicate], "")
        if predicate in trailing:
            return (2, trailing[predicate], "")
        return (1, 0, heading(predicate).lower())

    predicates = sorted((p for p in entity.properties if p != RDF_TYPE and p not in skip), key=key)
    found: dict[str, list[Value]] = {}
    for predicate in predicates:
        found.setdefault(heading(predicate), []).extend(values(entity, predicate, names, iris))
    return [Fact(h, tuple(v)) for h, v in found.items() if v]


def type_names(entity: Entity, names: Mapping[str, Entity]) -> str:
    """What kind of node it is, from its classes' labels (``"drug"``, ``"indication statement"``)."""
    labels = sorted(
        name(names.get(t), t) for t in entity.iris(RDF_TYPE) if not t.startswith("http://schema.org/")
    )
    return ", ".join(labels)
