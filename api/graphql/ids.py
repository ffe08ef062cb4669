"""Global IDs: opaque, stable strings that name a node's GraphQL type and IRI.

>>> gid = to_global_id("Drug", "https://w3id.org/evidence-graph/id/drug/azathioprine")
>>> from_global_id(gid)
('Drug', 'https://w3id.org/evidence-graph/id/drug/azathioprine')
"""

import base64
import binascii

import pyoxigraph as ox

from api.graphql.errors import BadUserInputError


def to_global_id(type_name: str, iri: str) -> str:
    """Encode a type name and an IRI as a Relay-style global ID (base64 of ``Type:iri``)."""
    return base64.b64encode(f"{type_name}:{iri}".encode()).decode("ascii")


def from_global_id(global_id: str) -> tuple[str, str]:
    """Decode a global ID into ``(type name, IRI)``; a malformed one is BAD_USER_INPUT."""
    decoded = _decoded(global_id)
    if decoded is None:
        raise BadUserInputError(f"{global_id!r} is not a valid node ID")
    return decoded


def to_iri(key: str) -> str | None:
    """The IRI a global ID names, or None when ``key`` is not a global ID."""
    decoded = _decoded(key)
    return None if decoded is None else decoded[1]


def _decoded(global_id: str) -> tuple[str, str] | None:
    """``(type name, IRI)`` of a global ID, or None (no exception: most keys are names, not IDs)."""
    try:
        type_name, iri = (
            base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8").split(":", 1)
        )
        ox.NamedNode(iri)  # rejects anything that is not an absolute IRI
    except (ValueError, UnicodeError, binascii.Error):
        return None
    return (type_name, iri) if type_name.isidentifier() else None
