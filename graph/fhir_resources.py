"""FHIR R5 ClinicalUseDefinitions and Medications made from described claims and drugs.

Each function takes entities read by graph.fhir (a claim and the nodes it links to) and returns
the resource as plain JSON; docs/fhir.md says which property goes where and what is left out.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from graph.entity import Entity
from graph.fhir_codes import (
    EXTENSION_BASE,
    JSON,
    ONTOLOGY_SYSTEM,
    SKOS,
    Nodes,
    codeable_concept,
    concept_coding,
    fhir_id,
    iri_identifier,
    urn_uuid,
)
from graph.fhir_evidence import reference_title
from graph.kinds import COMMON, ClaimProperty, Kind
from graph.namespaces import BIBO, EV, PREFIXES
from graph.store import text

DCTERMS = PREFIXES["dcterms"]
RELATED_ARTIFACT = "http://hl7.org/fhir/StructureDefinition/artifact-relatedArtifact"
ACTIVE = {"coding": [{"system": "http://hl7.org/fhir/publication-status", "code": "active"}]}
CONTRAINDICATED_ONLY_WITH = {
    "coding": [
        {
            "system": "http://hl7.org/fhir/therapy-relationship-type",
            "code": "contraindicated-only-with",
            "display": "Only contraindicated if the other therapy is given",
        }
    ]
}


def _ev(name: str) -> str:
    return str(EV[name])


def facts(claim: Entity, kind: Kind, nodes: Nodes) -> list[str]:
    """The claim's own properties in words, one per line, from the kinds table.

    What a ClinicalUseDefinition has no element for (a population, therapy roles, exceptions,
    a gene and its phenotypes) reads here; warnings and narratives show it.
    """
    lines = []
    for prop in shown_properties(kind):
        values = claim.all(prop.predicate)
        if values:
            words = sorted(nodes.named(text(v)) if prop.is_iri else text(v) for v in values)
            lines.append(f"{prop.name.replace('_', ' ')}: {'; '.join(words)}")
    return lines


def shown_properties(kind: Kind) -> tuple[ClaimProperty, ...]:
    """A kind's own properties, then the population and conditions every claim may have."""
    own = {p.predicate for p in kind.properties}
    common = (p for p in COMMON if p.name in ("population", "conditions") and p.predicate not in own)
    return (*kind.properties, *common)


def narrative(lines: Iterable[str]) -> JSON:
    """A generated XHTML narrative: the first line as a paragraph, the others as a list."""
    first, *rest = [escape(line) for line in lines]
    items = "".join(f"<li>{line}</li>" for line in rest)
    body = f"<p>{first}</p>" + (f"<ul>{items}</ul>" if items else "")
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def clinical_use(claim: Entity, kind: Kind, fhir_type: str, nodes: Nodes, kind_label: str) -> JSON:
    """The ClinicalUseDefinition of one claim (``fhir_type``: its clinical-use-definition-type code)."""
    label = nodes.label(claim.iri)
    resource: JSON = {"resourceType": "ClinicalUseDefinition", "id": fhir_id(claim.iri)}
    if claim.flag(_ev("negated")):
        resource["modifierExtension"] = [{"url": EXTENSION_BASE + "negated", "valueBoolean": True}]
    lines = [label] + (
        ["negated: the source states that this does not hold"] if claim.flag(_ev("negated")) else []
    )
    lines += facts(claim, kind, nodes) + [f"curator's note: {n}" for n in claim.strings(_ev("curationNote"))]
    resource["text"] = narrative(lines)
    extensions = []
    if claim.iri_of(_ev("evidenceGrade")) or claim.iri_of(_ev("recommendationStrength")):
        assessment = {"reference": urn_uuid(claim.iri, "certainty"), "type": "ArtifactAssessment"}
        extensions.append({"url": EXTENSION_BASE + "certainty-of-evidence", "valueReference": assessment})
    extensions += [_cites(iri, nodes) for iri in _by_number(claim.iris(_ev("citesAsEvidence")), nodes)]
    if extensions:
        resource["extension"] = extensions
    resource |= {
        "identifier": iri_identifier(claim.iri),
        "type": fhir_type,
        "category": [
            {"coding": [{"system": ONTOLOGY_SYSTEM, "code": kind.class_name, "display": kind_label}]}
        ],
        "status": ACTIVE,
    }
    drugs = claim.iris(_ev("drug"))
    if drugs:
        resource["subject"] = [nodes.reference(d, "Medication") for d in drugs]
    part = _PARTS[fhir_type](claim, nodes, lines)
    if part:  # FHIR JSON has no empty objects
        resource[fhir_type] = part
    return resource


def _cites(reference: str, nodes: Nodes) -> JSON:
    node = nodes.get(reference)
    target = {"reference": reference, "type": "Citation", "display": reference_title(reference, nodes)}
    artifact: JSON = {"type": "citation", "resourceReference": target}
    number = node.string(_ev("citationNumber")) if node is not None else None
    if number is not None:
        artifact["label"] = number  # the marker the source prints for it
    return {"url": RELATED_ARTIFACT, "valueRelatedArtifact": artifact}


def _by_number(references: Iterable[str], nodes: Nodes) -> list[str]:
    def number(iri: str) -> tuple[int, str]:
        node = nodes.get(iri)
        value = node.string(_ev("citationNumber")) if node is not None else None
        return (int(value) if value is not None and value.isdigit() else 1 << 30, iri)

    return sorted(references, key=number)


def _condition(claim: Entity, nodes: Nodes) -> JSON | None:
    iri = claim.iri_of(_ev("condition"))
    return None if iri is None else {"concept": codeable_concept(nodes.get(iri), nodes.label(iri))}


def _concept(iri: str, nodes: Nodes) -> JSON:
    return {"coding": [concept_coding(iri, nodes.get(iri))], "text": nodes.label(iri)}


def _indication(claim: Entity, nodes: Nodes, _: list[str]) -> JSON:
    part: JSON = {}
    licensing = [
        {"url": name, "valueCodeableConcept": _concept(iri, nodes)}
        for name, iri in (
            ("status", claim.iri_of(_ev("licensingStatus"))),
            ("jurisdiction", claim.iri_of(_ev("licensingJurisdiction"))),
        )
        if iri is not None
    ]
    if licensing:  # a source that does not speak of licensing states none
        part["extension"] = [{"url": EXTENSION_BASE + "licensing", "extension": licensing}]
    condition = _condition(claim, nodes)
    if condition is not None:
        part["diseaseSymptomProcedure"] = condition
    return part


def _contraindication(claim: Entity, nodes: Nodes, _: list[str]) -> JSON:
    part: JSON = {}
    severity = claim.iri_of(_ev("severity"))
    if severity is not None:
        part["extension"] = [
            {
                "url": EXTENSION_BASE + "contraindication-severity",
                "valueCodeableConcept": _concept(severity, nodes),
            }
        ]
    condition = _condition(claim, nodes)
    if condition is not None:
        part["diseaseSymptomProcedure"] = condition
    others = claim.iris(_ev("coMedication"))
    if others:
        part["otherTherapy"] = [
            {
                "relationshipType": CONTRAINDICATED_ONLY_WITH,
                "treatment": {"reference": nodes.reference(d, "Medication")},
            }
            for d in others
        ]
    return part


def _interaction(claim: Entity, nodes: Nodes, _: list[str]) -> JSON:
    part: JSON = {}
    interactants = claim.iris(_ev("interactant"))
    if interactants:
        part["interactant"] = [{"itemReference": nodes.reference(d, "Medication")} for d in interactants]
    effect = claim.string(_ev("effect"))
    if effect:
        part["effect"] = {"concept": {"text": effect}}
    return part


def _warning(_: Entity, __: Nodes, lines: list[str]) -> JSON:
    return {"description": "\n\n".join(lines)}


_PARTS = {
    "indication": _indication,
    "contraindication": _contraindication,
    "interaction": _interaction,
    "warning": _warning,
}
#: The clinical-use-definition-type codes this export can fill in.
EXPORTED_TYPES = tuple(_PARTS)


def medication(iri: str, nodes: Nodes) -> JSON:
    """A Medication for a drug or drug class: its identifiers as codings and its name."""
    return {
        "resourceType": "Medication",
        "id": fhir_id(iri),
        "identifier": iri_identifier(iri),
        "code": codeable_concept(nodes.get(iri), nodes.label(iri)),
    }


def links(kinds: Iterable[Kind]) -> list[list[str]]:
    """The predicate paths from a claim to every node its resources and narrative name."""
    first = {p.predicate for kind in kinds for p in shown_properties(kind) if p.is_iri}
    first |= {_ev(p) for p in ("drug", "citesAsEvidence", "evidenceGrade", "recommendationStrength")}
    paths = [[p] for p in sorted(first)]
    return [
        *paths,
        [_ev("citesAsEvidence"), str(BIBO.authorList)],
        [_ev("citesAsEvidence"), DCTERMS + "isPartOf"],
        [_ev("evidenceGrade"), SKOS + "inScheme"],
        [_ev("recommendationStrength"), SKOS + "inScheme"],
    ]
