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
    try:
        decoded = base64.b64decode(global_id.encode("ascii"), validate=True).decode("utf-8")
        type_name, iri = decoded.split(":", 1)
        ox.NamedNode(iri)  # rejects anything that is not an absolute IRI
    except (ValueError, UnicodeError, binascii.Error):
        raise BadUserInputError(f"{global_id!r} is not a valid node ID") from None
    if not type_name.isidentifier():
        raise BadUserInputError(f"{global_id!r} is not a valid node ID")
    return type_name, iri


def to_iri(key: str) -> str | None:
    """The IRI a global ID names, or None when ``key`` is not a global ID."""
    try:
        return from_global_id(key)[1]
    except BadUserInputError:
        return None
