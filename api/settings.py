"""Settings in one place, read from the environment (prefix ``EVIDENCE_GRAPH_``).

Every limit a client can run into is here, with a default that suits a public deployment;
docs/deployment.md ("Running in production") explains each one.
"""

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


MIN_TOKEN_LENGTH = 16
MIB = 1 << 20


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

    # --- GraphQL ---------------------------------------------------------------------------
    #: Seconds a GraphQL request may run before it stops with a TIMEOUT error.
    graphql_timeout: float = Field(10.0, ge=0)
    #: Serve GraphiQL to browsers at /graphql (turn off in production if nobody needs it).
    graphiql: bool = True
    #: Answer introspection queries (__schema, __type); __typename is always allowed.
    introspection: bool = True
    #: Largest GraphQL document, in characters.
    graphql_max_length: int = Field(32_768, ge=1)
    #: Most lexical tokens in a document (graphql-core stops parsing beyond it).
    graphql_max_tokens: int = Field(5_000, ge=1)
    #: Deepest nesting of fields, fragments followed.
    graphql_max_depth: int = Field(10, ge=1)
    #: Most aliases in an operation, fragments followed.
    graphql_max_aliases: int = Field(30, ge=0)
    #: Most fields in an operation, fragments followed (each spread counts its fragment again).
    graphql_max_fields: int = Field(2_000, ge=1)
    #: Most fragment definitions in a document.
    graphql_max_fragments: int = Field(100, ge=0)
    #: Most directives in a document.
    graphql_max_directives: int = Field(50, ge=0)
    #: Most nodes an answer may hold: each list's page size (``first``, 50 if not given)
    #: multiplied down the query and summed, as GitHub's node limit.
    graphql_max_nodes: int = Field(10_000, ge=1)
    #: Operations whose node estimate is above this run in the heavy lane.
    graphql_heavy_nodes: int = Field(1_000, ge=1)
    #: GraphQL operations running at once (others wait for a slot within their timeout).
    graphql_workers: int = Field(8, ge=1)
    #: Heavy operations running at once; light ones and writes never wait for them.
    graphql_heavy_workers: int = Field(2, ge=1)

    # --- /sparql ---------------------------------------------------------------------------
    #: Seconds a /sparql query may run; its engine work is stopped with it.
    sparql_timeout: float = Field(10.0, gt=0)
    #: /sparql queries running at once; others wait for a slot within their timeout.
    sparql_workers: int = Field(2, ge=1)
    #: Largest /sparql query, in characters.
    sparql_max_length: int = Field(32_768, ge=1)
    #: Largest /sparql answer, in bytes: a larger one is refused (add a LIMIT).
    sparql_max_result: int = Field(64 * MIB, ge=1)
    #: Memory a /sparql query may allocate beyond what the server holds, in bytes (Linux).
    sparql_max_memory: int = Field(1024 * MIB, ge=MIB)

    # --- HTTP ------------------------------------------------------------------------------
    #: Largest request body, in bytes (413 beyond it).
    max_body: int = Field(MIB, ge=1)
    #: Origins allowed to call the API from a browser (CORS); empty: no cross-origin calls.
    cors_origins: Annotated[list[str], NoDecode] = []
    #: Seconds the server waits for running requests when it is told to stop.
    shutdown_timeout: float = Field(5.0, ge=0)

    # --- a SPARQL server as the store ------------------------------------------------------
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
    #: Seconds one store operation may take on the SPARQL server, retries included.
    store_timeout: float = Field(5.0, gt=0)

    # --- writes and caching ----------------------------------------------------------------
    #: Author name -> bearer token. Empty: writes are off.
    api_tokens: dict[str, SecretStr] = {}
    #: GraphQL query answers kept in memory until the next write (0: no cache; see api.cache).
    response_cache: int = Field(1024, ge=0)

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        """Comma-separated origins (``https://a.example,https://b.example``) or a list."""
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

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
