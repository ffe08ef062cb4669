"""Settings in one place, read from the environment (prefix ``EVIDENCE_GRAPH_``)."""

from pathlib import Path

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

MIN_TOKEN_LENGTH = 16


class Settings(BaseSettings):
    """Runtime settings. ``EVIDENCE_GRAPH_STORE`` keeps the graph on disk at that path.

    ``EVIDENCE_GRAPH_API_TOKENS`` enables writes: a JSON object of author name -> bearer token,
    e.g. ``{"alice": "<32 random characters>"}``. There is no default token: without it every
    mutation answers UNAUTHENTICATED. Short tokens are refused at start-up.
    """

    model_config = SettingsConfigDict(env_prefix="EVIDENCE_GRAPH_", extra="ignore")

    store: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    #: Seconds a GraphQL request may run before it stops with a TIMEOUT error.
    graphql_timeout: float = 10.0
    #: A SPARQL 1.1 server instead of the embedded store: its query endpoint (see the README).
    sparql_endpoint: str | None = None
    #: Its update endpoint (default: the query endpoint).
    sparql_update_endpoint: str | None = None
    #: Its Graph Store Protocol endpoint, used to read whole graphs (optional).
    sparql_store_endpoint: str | None = None
    #: Basic auth for the SPARQL server.
    sparql_user: str | None = None
    sparql_password: SecretStr | None = None
    #: Bearer token for the SPARQL server.
    sparql_token: SecretStr | None = None
    #: Seconds a request to the SPARQL server may take.
    sparql_timeout: float = 5.0
    #: Author name -> bearer token. Empty: writes are off.
    api_tokens: dict[str, SecretStr] = {}
    #: GraphQL query answers kept in memory until the next write (0: no cache; see api.cache).
    response_cache: int = 1024

    @field_validator("api_tokens")
    @classmethod
    def _strong_tokens(cls, tokens: dict[str, SecretStr]) -> dict[str, SecretStr]:
        for name, token in tokens.items():
            if not name.strip():
                raise ValueError("every API token needs an author name")
            if len(token.get_secret_value()) < MIN_TOKEN_LENGTH:
                raise ValueError(
                    f"the API token of {name!r} is shorter than {MIN_TOKEN_LENGTH} characters; "
                    "use a long random one (python -c 'import secrets; print(secrets.token_urlsafe(32))')"
                )
        return tokens


def get_settings() -> Settings:
    """Settings as the environment gives them now."""
    return Settings()
