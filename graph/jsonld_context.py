"""The project's prefixes as a JSON-LD context: the base of the published one (graph.jsonld).

The context maps each prefix of graph.namespaces (``ev:``, ``grade:``, ``drug:``, ``skos:``, ...)
to its namespace, so IRIs read as CURIEs (``drug:azathioprine``).

>>> CONTEXT["@context"]["ev"]
'https://w3id.org/evidence-graph/ontology#'
"""

from __future__ import annotations

from typing import Any

from graph.namespaces import PREFIXES

#: The JSON-LD context of every document the project writes: its prefixes, defined once.
CONTEXT: dict[str, Any] = {"@context": dict(sorted(PREFIXES.items()))}
