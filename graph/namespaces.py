"""Namespaces of Evidence Graph, defined once.

>>> str(EV.IndicationStatement)
'https://w3id.org/evidence-graph/ontology#IndicationStatement'
>>> graph_iri("azathioprine-dermatology")
'https://w3id.org/evidence-graph/graph/azathioprine-dermatology'
"""

from rdflib import Namespace

BASE = "https://w3id.org/evidence-graph/"

EV = Namespace(BASE + "ontology#")
GRADE = Namespace(BASE + "grade/")
SHAPE = Namespace(BASE + "shapes#")
GRAPH = Namespace(BASE + "graph/")
ID = Namespace(BASE + "id/")

SCHEMA = Namespace("http://schema.org/")
CITO = Namespace("http://purl.org/spar/cito/")
BIBO = Namespace("http://purl.org/ontology/bibo/")
PROV = Namespace("http://www.w3.org/ns/prov#")

#: Prefixes known to every SPARQL query and used to shorten IRIs in messages.
PREFIXES: dict[str, str] = {
    "ev": str(EV),
    "grade": str(GRADE),
    "shape": str(SHAPE),
    "drug": BASE + "id/drug/",
    "substance": BASE + "id/substance/",
    "condition": BASE + "id/condition/",
    "gene": BASE + "id/gene/",
    "phenotype": BASE + "id/phenotype/",
    "claim": BASE + "id/claim/",
    "evidence": BASE + "id/evidence/",
    "figure": BASE + "id/figure/",
    "ref": BASE + "id/reference/",
    "source": BASE + "id/source/",
    "agent": BASE + "id/agent/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": str(PROV),
    "schema": str(SCHEMA),
    "cito": str(CITO),
    "bibo": str(BIBO),
    "sh": "http://www.w3.org/ns/shacl#",
}


def graph_iri(name: str) -> str:
    """The IRI of the named graph that holds the source called ``name``."""
    return str(GRAPH) + name


def shorten(iri: str) -> str:
    """Write ``iri`` as a CURIE when a known prefix covers it, else as ``<iri>``.

    >>> shorten("https://w3id.org/evidence-graph/ontology#drug")
    'ev:drug'
    >>> shorten("http://example.org/x")
    '<http://example.org/x>'
    """
    best = ""
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(namespace) > len(PREFIXES.get(best, "")):
            best = prefix
    if best:
        local = iri[len(PREFIXES[best]) :]
        if local and all(c.isalnum() or c in "-_." for c in local) and not local.endswith("."):
            return f"{best}:{local}"
    return f"<{iri}>"
