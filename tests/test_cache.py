"""The GraphQL response cache: repeated queries answered from memory, never a stale answer."""

import threading
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from api.settings import Settings
from graph.store import EvidenceStore, Store
from tests.test_authoring import ALICE, CREATE, new_indication

COUNT = '{ indications(filter: {drug: "azathioprine"}) { totalCount } }'
HEADER = "x-evidence-graph-cache"


@pytest.fixture
def app_client(fresh_store: Store) -> Iterator[tuple[TestClient, Store]]:
    settings = Settings(api_tokens={"alice": SecretStr(ALICE)})
    with TestClient(create_app(store=fresh_store, settings=settings)) as client:
        yield client, fresh_store


def post(client: TestClient, query: str, token: str | None = None, **extra: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    headers |= extra.pop("headers", {})
    return client.post("/graphql", json={"query": query, **extra}, headers=headers)


def test_a_repeated_query_is_answered_from_the_cache(app_client: tuple[TestClient, Store]) -> None:
    client, store = app_client
    first, second = post(client, COUNT), post(client, COUNT)
    if store.generation is None:  # a remote store may change behind our back: never cached
        assert HEADER not in first.headers
        assert HEADER not in second.headers
        return
    assert (first.headers[HEADER], second.headers[HEADER]) == ("miss", "hit")
    assert first.content == second.content
    assert first.headers["content-type"] == second.headers["content-type"]


def test_a_write_is_seen_by_the_next_query(app_client: tuple[TestClient, Store]) -> None:
    client, _ = app_client
    before = post(client, COUNT).json()["data"]["indications"]["totalCount"]
    post(client, COUNT)
    created = post(client, CREATE, token=ALICE, variables={"input": new_indication()})
    assert "errors" not in created.json(), created.json()
    assert HEADER not in created.headers  # a mutation is never cached
    after = post(client, COUNT)
    assert after.headers.get(HEADER) in (None, "miss")
    assert after.json()["data"]["indications"]["totalCount"] == before + 1


def test_errors_are_not_cached(app_client: tuple[TestClient, Store]) -> None:
    client, _ = app_client
    for _ in range(2):
        response = post(client, "{ indications(first: -1) { totalCount } }")
        assert response.json()["errors"]
        assert response.headers.get(HEADER) in (None, "miss")


def test_media_type_and_get_requests_have_entries_of_their_own(app_client: tuple[TestClient, Store]) -> None:
    client, store = app_client
    if store.generation is None:
        pytest.skip("a remote store is never cached")
    plain = post(client, COUNT, headers={"Accept": "application/json"})
    spec = post(client, COUNT, headers={"Accept": "application/graphql-response+json"})
    assert plain.headers[HEADER] == spec.headers[HEADER] == "miss"
    assert spec.headers["content-type"].startswith("application/graphql-response+json")
    again = post(client, COUNT, headers={"Accept": "application/graphql-response+json"})
    assert again.headers[HEADER] == "hit"
    assert again.headers["content-type"] == spec.headers["content-type"]
    gets = [client.get("/graphql", params={"query": COUNT}) for _ in range(2)]
    assert [g.headers[HEADER] for g in gets] == ["miss", "hit"]
    assert gets[1].json() == plain.json()


def test_the_cache_can_be_turned_off() -> None:
    with TestClient(create_app(store=EvidenceStore(), settings=Settings(response_cache=0))) as client:
        responses = [post(client, COUNT) for _ in range(2)]
    assert all(HEADER not in r.headers for r in responses)


def test_the_cache_keeps_at_most_its_size(fresh_store: Store) -> None:
    if fresh_store.generation is None:
        pytest.skip("a remote store is never cached")
    with TestClient(create_app(store=fresh_store, settings=Settings(response_cache=2))) as client:
        queries = [f"{{ indications(first: {n}) {{ totalCount }} }}" for n in (1, 2, 3)]
        for query in queries:
            post(client, query)
        assert post(client, queries[0]).headers[HEADER] == "miss"  # the oldest was dropped
        assert post(client, queries[2]).headers[HEADER] == "hit"


def test_every_write_changes_the_generation() -> None:
    store = EvidenceStore()
    seen = [store.generation]
    store.add_quads([])
    seen.append(store.generation)
    store.apply([], [])  # no operation: nothing written, nothing changed
    seen.append(store.generation)
    store.replace_graphs([], [])
    seen.append(store.generation)
    assert seen[0] < seen[1] == seen[2] == seen[3]


EX = "http://example.org/"
DEEP = """{ drugs(first: 20) { nodes { label claims(first: 40) { totalCount nodes { label references { title }
    ... on IndicationStatement { condition { label broader { label } } grade { notation } } } } } } }"""


def test_identical_requests_at_once_are_answered_by_one_computation(bundled_quads: list[Any]) -> None:
    store = EvidenceStore()
    store.add_quads(bundled_quads)
    with TestClient(create_app(store=store)) as client:
        before = store.query_count
        assert post(client, DEEP).headers[HEADER] == "miss"
        one = store.query_count - before
        quad = ox.Quad(
            ox.NamedNode(EX + "s"), ox.NamedNode(EX + "p"), ox.Literal("o"), ox.NamedNode(EX + "g")
        )
        store.add_quads([quad])  # a write: no cached answer is current now
        barrier = threading.Barrier(8)
        answers: list[Any] = []

        def ask() -> None:
            barrier.wait()
            answers.append(post(client, DEEP))

        threads = [threading.Thread(target=ask) for _ in range(8)]
        before = store.query_count
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len({a.content for a in answers}) == 1
        assert store.query_count - before <= 2 * one  # 8 requests, one (or two) computations
        assert sorted(a.headers[HEADER] for a in answers).count("hit") >= 6
