"""Shared fixtures: the bundled content in a real in-memory Oxigraph store."""

from collections.abc import Iterator

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.load import bundled_files, load_sources, read_sources
from graph.store import EvidenceStore


@pytest.fixture(scope="session")
def bundled_quads() -> list[ox.Quad]:
    """Every quad of the ontology and curated content, parsed once."""
    return [q for s in read_sources(bundled_files()) for q in s.quads]


@pytest.fixture(scope="session")
def bundled_store() -> EvidenceStore:
    """The bundled content loaded through the validating loader (read-only: do not write)."""
    store = EvidenceStore()
    load_sources(store, bundled_files())
    return store


@pytest.fixture
def fresh_store(bundled_quads: list[ox.Quad]) -> EvidenceStore:
    """A store of its own with the bundled content, for tests that write."""
    store = EvidenceStore()
    store.add_quads(bundled_quads)
    return store


@pytest.fixture(scope="session")
def client(bundled_store: EvidenceStore) -> Iterator[TestClient]:
    """The HTTP app over the bundled store, through Starlette's TestClient."""
    with TestClient(create_app(store=bundled_store)) as test_client:
        yield test_client


def snapshot(store: EvidenceStore) -> set[str]:
    """Every quad of a store, as N-Quads text, to compare states."""
    return {str(q) for q in store.quads()}
