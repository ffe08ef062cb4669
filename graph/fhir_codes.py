"""FHIR codings and resource ids for the graph's nodes: which identifier goes to which code system.

Drugs, conditions and genes carry their standard identifiers as CURIEs (``ev:identifier
"RXNORM:1256"``); :data:`IDENTIFIER_SYSTEMS` is the one table that turns a prefix into a FHIR
code system. Concepts of the graph's own value sets (licensing statuses, severities, grades) are
coded in their SKOS scheme: the scheme's IRI is the system, the concept's ``skos:notation`` the
code.

>>> identifier_coding("RXNORM:1256")
{'system': 'http://www.nlm.nih.gov/research/umls/rxnorm', 'code': '1256'}
>>> fhir_id("https://w3id.org/evidence-graph/id/drug/azathioprine")
'drug.azathioprine'
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from typing import Any

from graph.entity import Entity
from graph.namespaces import BASE, EV, GRADE, ID, PREFIXES

#: A FHIR JSON object.
JSON = dict[str, Any]

#: The code system of the ontology's own terms (claim kinds, as a ClinicalUseDefinition's category).
ONTOLOGY_SYSTEM = BASE + "ontology"
#: Where this export's own extensions are defined (docs/fhir.md describes each).
EXTENSION_BASE = BASE + "fhir/StructureDefinition/"
#: FHIR's clinical-use-definition-type codes (a required binding of ClinicalUseDefinition.type).
CLINICAL_USE_TYPES = ("indication", "contraindication", "interaction", "undesirable-effect", "warning")
#: The system of an identifier whose value is a node's IRI.
IRI_SYSTEM = "urn:ietf:rfc:3986"

#: CURIE prefix (upper case) -> (FHIR code system, whether the code keeps the prefix). MONDO, DOID
#: and HGNC codes are written with their prefix, as those vocabularies write their ids.
#: Identifiers with other prefixes (CAS, PubChem, ChEBI, KEGG, NCBI Gene) have no code system
#: here and are left out of codings.
IDENTIFIER_SYSTEMS: dict[str, tuple[str, bool]] = {
    "RXNORM": ("http://www.nlm.nih.gov/research/umls/rxnorm", False),
    "ATC": ("http://www.whocc.no/atc", False),
    "DRUGBANK": ("https://go.drugbank.com/drugs", False),
    "UNII": ("http://fdasis.nlm.nih.gov", False),
    "SNOMEDCT": ("http://snomed.info/sct", False),
    "MONDO": ("http://purl.obolibrary.org/obo/mondo.owl", True),
    "DOID": ("http://purl.obolibrary.org/obo/doid.owl", True),
    "ICD10": ("http://hl7.org/fhir/sid/icd-10", False),
    "ICD10CM": ("http://hl7.org/fhir/sid/icd-10-cm", False),
    "UMLS": ("http://www.nlm.nih.gov/research/umls", False),
    "HGNC": ("http://www.genenames.org/geneId", True),
}
_SYSTEM_ORDER = {prefix: i for i, prefix in enumerate(IDENTIFIER_SYSTEMS)}

#: GRADE certainty levels of grade:grade-certainty -> (FHIR certainty-rating code, its display).
CERTAINTY_RATING_SYSTEM = "http://terminology.hl7.org/CodeSystem/certainty-rating"
CERTAINTY_RATINGS: dict[str, tuple[str, str]] = {
    str(GRADE["grade-certainty-high"]): ("high", "High quality"),
    str(GRADE["grade-certainty-moderate"]): ("moderate", "Moderate quality"),
    str(GRADE["grade-certainty-low"]): ("low", "Low quality"),
    str(GRADE["grade-certainty-very-low"]): ("very-low", "Very low quality"),
}
OVERALL_CERTAINTY: JSON = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/certainty-type",
            "code": "Overall",
            "display": "Overall certainty",
        }
    ]
}

RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS = PREFIXES["skos"]
EV_IDENTIFIER = str(EV["identifier"])

_ID_SEGMENT = re.compile(r"[A-Za-z0-9-]+")
_MAX_ID = 64


def fhir_id(iri: str) -> str:
    """A FHIR resource id ([A-Za-z0-9-.], at most 64 characters) for a node IRI, the same every time.

    A node under ``id/`` whose path segments are letters, digits and hyphens is its path with
    dots for slashes (``claim.azathioprine-...``); any other IRI, or a longer id, is ``sha256-``
    and 40 hex digits of its hash. Readable ids always hold a dot and hashed ones never do, so two
    IRIs never share an id.

    >>> fhir_id("https://w3id.org/evidence-graph/id/claim/x")
    'claim.x'
    >>> fhir_id("http://example.org/x").startswith("sha256-"), len(fhir_id("http://example.org/x"))
    (True, 47)
    """
    path = iri.removeprefix(str(ID)) if iri.startswith(str(ID)) else None
    if path is not None:
        segments = path.split("/")
        readable = ".".join(segments)
        if len(segments) > 1 and len(readable) <= _MAX_ID and all(_ID_SEGMENT.fullmatch(s) for s in segments):
            return readable
    return "sha256-" + hashlib.sha256(iri.encode()).hexdigest()[:40]


def iri_of_id(resource_id: str) -> str | None:
    """The node IRI whose readable :func:`fhir_id` is ``resource_id`` (None for hashed or other ids).

    >>> iri_of_id("drug.azathioprine")
    'https://w3id.org/evidence-graph/id/drug/azathioprine'
    """
    segments = resource_id.split(".")
    if len(segments) < 2 or not all(_ID_SEGMENT.fullmatch(s) for s in segments):
        return None
    return str(ID) + "/".join(segments)


def urn_uuid(iri: str, part: str) -> str:
    """A stable ``urn:uuid:`` for a resource made from part of a node (its certainty, say)."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{iri}#{part}')}"


def identifier_coding(curie: str) -> JSON | None:
    """The FHIR coding of a CURIE from :data:`IDENTIFIER_SYSTEMS` (None for other prefixes).

    >>> identifier_coding("MONDO:0004980")
    {'system': 'http://purl.obolibrary.org/obo/mondo.owl', 'code': 'MONDO:0004980'}
    >>> identifier_coding("CAS:446-86-6") is None
    True
    """
    prefix, colon, local = curie.partition(":")
    known = IDENTIFIER_SYSTEMS.get(prefix.strip().upper())
    if not colon or known is None or not local.strip():
        return None
    system, keep_prefix = known
    return {"system": system, "code": f"{prefix.strip()}:{local.strip()}" if keep_prefix else local.strip()}


def codeable_concept(node: Entity | None, label: str) -> JSON:
    """A CodeableConcept for a drug, condition or gene: its identifiers' codings and its label."""
    curies = node.strings(EV_IDENTIFIER) if node is not None else []
    pairs = [(curie.partition(":")[0].upper(), identifier_coding(curie)) for curie in curies]
    codings = sorted(
        (coding for _, coding in pairs if coding is not None),
        key=lambda c: (_SYSTEM_ORDER.get(_prefix_of(c["system"]), 99), c["code"]),
    )
    concept: JSON = {"coding": codings} if codings else {}
    concept["text"] = label
    return concept


def _prefix_of(system: str) -> str:
    return next((p for p, (s, _) in IDENTIFIER_SYSTEMS.items() if s == system), "")


def local_name(iri: str) -> str:
    """The part of an IRI after its last ``#`` or ``/``.

    >>> local_name("https://w3id.org/evidence-graph/ontology#Unlicensed")
    'Unlicensed'
    """
    return re.split(r"[#/]", iri)[-1] or iri


def as_code(value: str) -> str:
    """``value`` with its whitespace made a FHIR code's (single spaces, none at the ends)."""
    return " ".join(value.split())


def concept_coding(iri: str, concept: Entity | None) -> JSON:
    """A coding for a concept of the graph's value sets: its scheme, notation and preferred label.

    Without a scheme the system is the ontology; without a notation the code is the IRI's
    local name.
    """
    system = concept.iri_of(SKOS + "inScheme") if concept is not None else None
    notation = concept.string(SKOS + "notation") if concept is not None else None
    display = concept.string(SKOS + "prefLabel") if concept is not None else None
    coding: JSON = {
        "system": system or ONTOLOGY_SYSTEM,
        "code": as_code(notation or "") or local_name(iri),
    }
    if display:
        coding["display"] = display
    return coding


def node_label(iri: str, node: Entity | None) -> str:
    """A node's name: rdfs:label, skos:prefLabel or dcterms:title, else its IRI's local name."""
    if node is not None:
        for predicate in (RDFS_LABEL, SKOS + "prefLabel", PREFIXES["dcterms"] + "title"):
            value = node.string(predicate)
            if value:
                return value
    return local_name(iri)


def iri_identifier(iri: str) -> list[JSON]:
    """A resource's identifier list: the node's IRI."""
    return [{"system": IRI_SYSTEM, "value": iri}]


class Nodes:
    """The claims and the nodes they link to, by IRI, as one describe read them."""

    def __init__(self, entities: Mapping[str, Entity]) -> None:
        self.entities = entities

    def get(self, iri: str) -> Entity | None:
        """The node ``iri`` (None if nothing is said of it)."""
        return self.entities.get(iri)

    def label(self, iri: str) -> str:
        """The node's name (see graph.fhir_codes.node_label)."""
        return node_label(iri, self.entities.get(iri))

    def reference(self, iri: str, resource_type: str) -> JSON:
        """A FHIR Reference to the bundle entry of node ``iri``, with the node's name."""
        return {"reference": iri, "type": resource_type, "display": self.label(iri)}

    def named(self, iri: str) -> str:
        """The node's name with its identifiers, e.g. ``TPMT (HGNC:12014, NCBIGene:7172)``."""
        node = self.entities.get(iri)
        ids = node.strings(EV_IDENTIFIER) if node is not None else []
        return f"{self.label(iri)} ({', '.join(ids)})" if ids else self.label(iri)
