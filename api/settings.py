"""Settings in one place, read from the environment (prefix ``EVIDENCE_GRAPH_``)."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Runtime settings. ``EVIDENCE_GRAPH_STORE`` keeps the graph on disk at that path."""

    model_config = SettingsConfigDict(env_prefix="EVIDENCE_GRAPH_", extra="ignore")

    store: Path | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    #: Seconds a GraphQL request may run before it stops with a TIMEOUT error.
    graphql_timeout: float = 10.0


def get_settings() -> Settings:
    """Settings as the environment gives them now."""
    return Settings()
