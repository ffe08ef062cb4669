"""The evidence graph as FHIR R5: a Bundle of ClinicalUseDefinitions and the resources they name.

Each live claim of a kind that the ontology matches to a FHIR clinical-use-definition-type code
(``skos:closeMatch`` or ``skos:broadMatch`` on the kind's class) becomes a ClinicalUseDefinition;
its drugs and interactants are Medications, its references Citations, its grades an
ArtifactAssessment. The resources are plain JSON (docs/fhir.md gives the mapping). Reading the
graph takes two SPARQL queries whatever the number of claims: one finds the claims, one describes
them with every node they link to.

>>> from graph.load import bundled_files, load_sources
>>> from graph.store import EvidenceStore
>>> store = EvidenceStore()
>>> _ = load_sources(store, bundled_files())
>>> bundle = fhir_bundle(store, drug="azathioprine")
>>> bundle["type"], bundle["entry"][0]["resource"]["resourceType"]
('collection', 'ClinicalUseDefinition')
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from graph.claims import ClaimFilter, find_claims, matching_claims
from graph.entity import describe
from graph.fhir_codes import JSON, Nodes, iri_of_id, urn_uuid
from graph.fhir_evidence import certainty, citation
from graph.fhir_resources import EXPORTED_TYPES, clinical_use, links, medication
from graph.kinds import KINDS, Kind
from graph.namespaces import EV
from graph.shapes import ontology_graph
from graph.store import Store

#: The namespace of FHIR's clinical-use-definition-type codes, as the ontology writes them.
FHIR_TYPE = "http://hl7.org/fhir/clinical-use-definition-type#"
_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


@dataclass(frozen=True)
class ExportedKind:
    """A kind of claim, the FHIR type code the ontology matches it to, and the class's label."""

    kind: Kind
    fhir_type: str
    label: str


def exported_kinds() -> dict[str, ExportedKind]:
    """Kind class IRI -> its export, for each kind whose class the ontology matches to a FHIR type.

    A close match is taken before a broad one. Kinds without a match (mechanisms, practice
    patterns) are not exported.
    """
    ontology = ontology_graph()
    found = {}
    for kind in KINDS:
        cls = URIRef(kind.iri)
        for relation in ("closeMatch", "broadMatch"):
            codes = sorted(
                str(o).removeprefix(FHIR_TYPE)
                for o in ontology.objects(cls, URIRef(_SKOS + relation))
                if str(o).startswith(FHIR_TYPE) and str(o).removeprefix(FHIR_TYPE) in EXPORTED_TYPES
            )
            if codes:
                label = ontology.value(cls, _RDFS_LABEL)
                found[kind.iri] = ExportedKind(kind, codes[0], str(label) if label else kind.class_name)
                break
    return found


def drug_key(subject: str) -> str:
    """A search's drug as a claim filter names it: ``Medication/<id>`` becomes the drug's IRI.

    Any other value (a name, an identifier, an IRI) is kept; an id that is no drug's names nothing.

    >>> drug_key("Medication/drug.azathioprine")
    'https://w3id.org/evidence-graph/id/drug/azathioprine'
    """
    resource_type, slash, resource_id = subject.partition("/")
    if resource_type != "Medication" or not slash:
        return subject
    return iri_of_id(resource_id) or subject


def fhir_bundle(store: Store, drug: str | None = None, source: str | None = None) -> JSON:
    """A FHIR ``collection`` Bundle of the live claims, or those of one drug or one source.

    ``drug`` and ``source`` name a node as the GraphQL filters do (a label, synonym, identifier
    or IRI); a name that names nothing gives an empty Bundle.
    """
    kinds = exported_kinds()
    claims = matching_claims(store, ClaimFilter(kinds=tuple(kinds), drug=drug, source=source))
    return {"resourceType": "Bundle", "type": "collection", "entry": _entries(store, claims, kinds, None)}


def clinical_use_search(
    store: Store, *, drug: str | None, fhir_type: str | None, count: int, offset: int = 0
) -> JSON:
    """A FHIR ``searchset`` Bundle: one page of ClinicalUseDefinitions, with what they name.

    ``fhir_type`` is a clinical-use-definition-type code (None: every exported type); the page
    holds at most ``count`` matches from ``offset``, in the claims' label order, and ``total``
    counts every match. The Medications, Citations and ArtifactAssessments they name are
    ``include`` entries.
    """
    kinds = {iri: k for iri, k in exported_kinds().items() if fhir_type in (None, k.fhir_type)}
    if not kinds:
        return {"resourceType": "Bundle", "type": "searchset", "total": 0, "entry": []}
    page = find_claims(store, ClaimFilter(kinds=tuple(kinds), drug=drug), limit=count, offset=offset)
    entries = _entries(store, page.iris, kinds, "match")
    return {"resourceType": "Bundle", "type": "searchset", "total": page.total, "entry": entries}


def _entries(store: Store, claims: list[str], kinds: dict[str, ExportedKind], mode: str | None) -> list[JSON]:
    """The Bundle entries of ``claims`` (in that order), then of the nodes they name."""
    nodes = Nodes(describe(store, claims, links(k.kind for k in kinds.values())))
    uses, assessments = [], []
    drugs: set[str] = set()
    references: set[str] = set()
    for iri in claims:
        claim = nodes.get(iri)
        exported = next((kinds[t] for t in sorted(claim.types) if t in kinds), None) if claim else None
        if claim is None or exported is None:
            continue
        uses.append(
            _entry(iri, clinical_use(claim, exported.kind, exported.fhir_type, nodes, exported.label))
        )
        assessment = certainty(claim, nodes)
        if assessment is not None:
            assessments.append(_entry(urn_uuid(iri, "certainty"), assessment))
        for predicate in ("drug", "interactant", "coMedication"):
            drugs.update(claim.iris(str(EV[predicate])))
        references.update(claim.iris(str(EV.citesAsEvidence)))
    named = [_entry(d, medication(d, nodes)) for d in sorted(drugs)]
    named += [_entry(r, citation(r, nodes)) for r in sorted(references)]
    if mode is not None:
        for entry in uses:
            entry["search"] = {"mode": mode}
        for entry in assessments + named:
            entry["search"] = {"mode": "include"}
    return uses + assessments + named


def _entry(full_url: str, resource: JSON) -> JSON:
    return {"fullUrl": full_url, "resource": resource}
