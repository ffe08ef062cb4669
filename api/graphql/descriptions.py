"""Descriptions of GraphQL types and fields, taken from the ontology's definitions.

The ontology is the one place where a term is defined; the API shows that definition, so the
schema's documentation cannot drift from the vocabulary.
"""

from rdflib import RDFS, SKOS, URIRef

from graph.shapes import ontology_graph


def describe(term: str, extra: str = "") -> str:
    """The ontology's definition of ``term`` (falling back to its label), plus ``extra``.

    Raises KeyError for a term the ontology does not define: every field the API maps to RDF
    must be in the vocabulary.
    """
    graph = ontology_graph()
    node = URIRef(term)
    text = graph.value(node, SKOS.definition) or graph.value(node, RDFS.comment)
    if text is None:
        label = graph.value(node, RDFS.label)
        if label is None:
            raise KeyError(f"the ontology does not define <{term}>")
        text = label
    return f"{text} {extra}".strip()
