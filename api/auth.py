"""Who is writing: bearer tokens from the settings, compared in constant time, never logged."""

import hmac

from api.settings import Settings

ENABLE_WRITES = (
    "Writes are off: no API token is configured. Start the server with "
    'EVIDENCE_GRAPH_API_TOKENS=\'{"<your name>": "<a long random token>"}\' and send '
    "'Authorization: Bearer <token>' with each mutation."
)
NEED_TOKEN = "Writes need 'Authorization: Bearer <token>' with a token configured on the server."


def author_for(authorization: str | None, settings: Settings) -> str | None:
    """The author whose token the ``Authorization`` header carries, or None.

    Every configured token is compared (in constant time), so the answer's timing does not tell
    which token, or how much of one, matched.

    >>> from pydantic import SecretStr
    >>> settings = Settings(api_tokens={"alice": SecretStr("a" * 32)})
    >>> author_for("Bearer " + "a" * 32, settings), author_for("Bearer nope", settings)
    ('alice', None)
    """
    if not authorization:
        return None
    scheme, _, presented = authorization.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return None
    found = None
    for name, token in settings.api_tokens.items():
        if hmac.compare_digest(presented.strip().encode(), token.get_secret_value().encode()):
            found = name
    return found


def why_refused(settings: Settings) -> str:
    """What to tell a client whose mutation has no valid token."""
    return NEED_TOKEN if settings.api_tokens else ENABLE_WRITES
