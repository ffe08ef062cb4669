"""A reference's authors in printed order: its author list, else its creators.

The author list (``bibo:authorList``, an ``rdf:Seq`` at ``<reference>/authors``) keeps the order the
source prints; ``dcterms:creator`` holds the same names unordered, for clients that read no lists.
"""

from __future__ import annotations

from collections.abc import Mapping

from graph.entity import Entity, members
from graph.namespaces import BIBO, PREFIXES
from graph.store import text

DCTERMS = PREFIXES["dcterms"]


def printed_authors(reference: Entity, nodes: Mapping[str, Entity]) -> list[str]:
    """The authors in printed order (the author list, read from ``nodes``), else the creators sorted.

    >>> from pyoxigraph import Literal
    >>> ref = Entity("r", {DCTERMS + "creator": [Literal("Lear JT"), Literal("Tan BB")]})
    >>> printed_authors(ref, {})
    ['Lear JT', 'Tan BB']
    """
    listed = reference.iri_of(str(BIBO.authorList))
    container = nodes.get(listed) if listed is not None else None
    if container is not None:
        ordered = [text(m) for m in members(container)]
        if ordered:
            return ordered
    return reference.strings(DCTERMS + "creator")
