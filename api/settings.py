"""Settings in one place, read from the environment (prefix ``EVIDENCE_GRAPH_``).

Every limit a client can run into is here, with a default that suits a public deployment;
docs/deployment.md ("Running in production") explains each one.
"""

from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from graph.namespaces import BASE, GRAPH
from graph.remote import QueryMethod
from graph.validation import ValidatorName

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
    graphql_timeout: Annotated[float, Field(ge=0)] = 10.0
    #: Serve GraphiQL to browsers at /graphql (turn off in production if nobody needs it).
    graphiql: bool = True
    #: Answer introspection queries (__schema, __type); __typename is always allowed.
    introspection: bool = True
    #: Largest GraphQL document, in characters.
    graphql_max_length: Annotated[int, Field(ge=1)] = 32_768
    #: Most lexical tokens in a document (graphql-core stops parsing beyond it).
    graphql_max_tokens: Annotated[int, Field(ge=1)] = 5_000
    #: Deepest nesting of fields, fragments followed.
    graphql_max_depth: Annotated[int, Field(ge=1)] = 10
    #: Most aliases in an operation, fragments followed.
    graphql_max_aliases: Annotated[int, Field(ge=0)] = 30
    #: Most fields in an operation, fragments followed (each spread counts its fragment again).
    graphql_max_fields: Annotated[int, Field(ge=1)] = 500
    #: Most fragment definitions in a document.
    graphql_max_fragments: Annotated[int, Field(ge=0)] = 100
    #: Most directives in a document.
    graphql_max_directives: Annotated[int, Field(ge=0)] = 50
    #: Most nodes an answer may hold: each list's page size (``first``, 50 if not given)
    #: multiplied down the query and summed, as GitHub's node limit.
    graphql_max_nodes: Annotated[int, Field(ge=1)] = 10_000
    #: Operations whose node estimate is above this run in the heavy lane.
    graphql_heavy_nodes: Annotated[int, Field(ge=1)] = 1_000
    #: GraphQL operations running at once (others wait for a slot within their timeout).
    graphql_workers: Annotated[int, Field(ge=1)] = 8
    #: Heavy operations running at once; light ones and writes never wait for them.
    graphql_heavy_workers: Annotated[int, Field(ge=1)] = 2

    # --- /sparql ---------------------------------------------------------------------------
    #: Seconds a /sparql query may run; its engine work is stopped with it.
    sparql_timeout: Annotated[float, Field(gt=0)] = 10.0
    #: /sparql queries running at once; others wait for a slot within their timeout.
    sparql_workers: Annotated[int, Field(ge=1)] = 2
    #: Largest /sparql query, in characters.
    sparql_max_length: Annotated[int, Field(ge=1)] = 32_768
    #: Largest /sparql answer, in bytes: a larger one is refused (add a LIMIT).
    sparql_max_result: Annotated[int, Field(ge=1)] = 64 * MIB
    #: Memory a /sparql query may allocate beyond what the server holds, in bytes (Linux).
    sparql_max_memory: Annotated[int, Field(ge=MIB)] = 1024 * MIB

    # --- HTTP ------------------------------------------------------------------------------
    #: Largest request body, in bytes (413 beyond it).
    max_body: Annotated[int, Field(ge=1)] = MIB
    #: Origins allowed to call the API from a browser (CORS); empty: no cross-origin calls.
    cors_origins: Annotated[list[str], NoDecode] = []
    #: Seconds the server waits for running requests when it is told to stop.
    shutdown_timeout: Annotated[int, Field(ge=0)] = 5

    # --- a SPARQL server as the store ------------------------------------------------------
    #: A SPARQL 1.1 server instead of the embedded store: its query endpoint (see the README).
    sparql_endpoint: str | None = None
    #: Its update endpoint (default: the query endpoint).
    sparql_update_endpoint: str | None = None
    #: Its Graph Store Protocol endpoint, used to read whole graphs (optional).
    sparql_store_endpoint: str | None = None
    #: User and password for the SPARQL server, sent as ``sparql_auth`` says.
    sparql_user: str | None = None
    sparql_password: SecretStr | None = None
    #: HTTP authentication the server asks for: ``basic`` or ``digest`` (Virtuoso's /sparql-auth).
    sparql_auth: Literal["basic", "digest"] = "basic"
    #: Bearer token for the SPARQL server.
    sparql_token: SecretStr | None = None
    #: How queries are POSTed: ``form`` (``query=...``, which every server takes) or ``direct``
    #: (the query as an ``application/sparql-query`` body, which Virtuoso 7 never answers).
    sparql_query_method: QueryMethod = "form"
    #: The named graphs that are the store's, by IRI prefix (default: the project's own graphs,
    #: so a server's own graphs, as Virtuoso's, are not counted, dumped or replaced); empty:
    #: every named graph on the server.
    sparql_graphs: str = str(GRAPH)
    #: Seconds one store operation may take on the SPARQL server, retries included.
    store_timeout: Annotated[float, Field(gt=0)] = 5.0

    # --- writes and caching ----------------------------------------------------------------
    #: What checks every write and load against the shapes: ``compiled`` (the shapes compiled to
    #: SPARQL, graph.shacl_compile) or ``pyshacl`` (pySHACL itself: the same reports, slower).
    validator: ValidatorName = "compiled"
    #: Author name -> bearer token. Empty: writes are off.
    api_tokens: dict[str, SecretStr] = {}
    #: GraphQL query answers kept in memory until the next write (0: no cache; see api.cache).
    response_cache: Annotated[int, Field(ge=0)] = 1024

    # --- linked data and pages -------------------------------------------------------------
    #: The IRI base this server resolves: an IRI under it is answered at the path that follows
    #: it (``<base>id/drug/azathioprine`` at ``/id/drug/azathioprine``), and pages link such
    #: IRIs to this server, any other IRI as it is.
    public_base: str = BASE

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _origins(cls, value: object) -> object:
        """Comma-separated origins (``https://a.example,https://b.example``) or a list."""
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("public_base")
    @classmethod
    def _base(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or not value.endswith("/"):
            raise ValueError("the public base must be an http(s) IRI ending in '/', e.g. " + BASE)
        if parts.query or parts.fragment:
            raise ValueError("the public base cannot have a query or a fragment")
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
