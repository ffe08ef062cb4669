"""Between the IRIs this server answers for and its own paths.

An IRI under the public base (``EVIDENCE_GRAPH_PUBLIC_BASE``) is served at the path that follows
the base, below the app's root path (a reverse proxy may mount it under a prefix); pages link such
IRIs there, and any other IRI (MONDO, a DOI, a node of another base) as it is.

>>> iris = Iris("https://w3id.org/evidence-graph/")
>>> iris.link("https://w3id.org/evidence-graph/id/drug/azathioprine")
'/id/drug/azathioprine'
>>> iris.link("http://purl.obolibrary.org/obo/MONDO_0004980")
'http://purl.obolibrary.org/obo/MONDO_0004980'
>>> iris.iri("/grade/dr-oracle-A")
'https://w3id.org/evidence-graph/grade/dr-oracle-A'
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

#: Characters of an IRI's path kept as they are in a link (RFC 3986 path characters, and "#").
_SAFE = "/:@!$&'()*+,;=-._~#"


@dataclass(frozen=True)
class Iris:
    """The public base and the root path the app is served under."""

    public_base: str
    root_path: str = ""

    def served(self, iri: str) -> bool:
        """Whether this server answers for ``iri``."""
        return iri.startswith(self.public_base) and iri != self.public_base

    def link(self, iri: str) -> str:
        """Where a page links ``iri``: the server's path for it, or the IRI itself."""
        if not self.served(iri):
            return iri
        rest = quote(iri[len(self.public_base) :], safe=_SAFE)
        return f"{self.root_path.rstrip('/')}/{rest}"

    def iri(self, path: str) -> str:
        """The IRI a path of this server stands for (``path`` as the router gives it, unquoted)."""
        return self.public_base + path.lstrip("/")
