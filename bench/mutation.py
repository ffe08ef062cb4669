"""(g) The mutation benchmark: one createClaim-equivalent write against a full re-validation.

- ``graph.authoring.create_claim`` on the store (in process): incremental validation of what the
  write touches + one atomic commit, the write the API runs in a worker thread.
- ``createClaim`` over HTTP with a bearer token: the same write end to end (auth, name resolution,
  the write, the payload read back).
- A full re-validation of the same store afterwards, ``graph.validation.validate_store`` over the
  union of its graphs (what a load validates), in a child process (so a time limit can stop it),
  on an N-Quads dump of the store loaded by Oxigraph outside the clock.

Every write is a new Grade C unlicensed indication of azathioprine with one evidence item citing
reference 1 of the bundled source; the condition rotates over the store's conditions, so the
writes do not pile up as duplicates of one another.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox

from api.graphql.conversion import to_claim_data
from api.graphql.enums import ClaimKind, LicensingStatus, QuantityKind, StudyDesign
from api.graphql.inputs import ClaimInput, EvidenceInput, FigureInput, GradeInput
from bench.child import maxrss_mib, run_child
from graph.authoring import create_claim
from graph.namespaces import BASE
from graph.store import Store
from graph.validation import validate_store

AUTHOR = "bench"
SOURCE = (
    "What is the role of azathioprine in treating autoimmune and inflammatory skin conditions in dermatology?"
)
REFERENCE = BASE + "id/reference/dr-oracle-azathioprine-1"

CREATE = """mutation($input: ClaimInput!) { createClaim(input: $input) {
  claim { id kind created } warnings { severity message } } }"""


def conditions(store: Store, n: int) -> list[str]:
    """``n`` conditions azathioprine has no indication for yet (a write on one is no duplicate)."""
    # The drug first, then its indications' conditions: one NOT EXISTS with the label test inside
    # ran for minutes on the 1M store.
    drugs = store.select(
        """SELECT DISTINCT ?d WHERE { ?d rdfs:label ?l . FILTER(LCASE(STR(?l)) = "azathioprine")
          ?i ev:drug ?d }"""
    )
    values = " ".join(f"<{r['d'].value}>" for r in drugs if isinstance(r["d"], ox.NamedNode))  # type: ignore[union-attr]
    taken = store.select(
        f"SELECT DISTINCT ?c WHERE {{ VALUES ?d {{ {values} }} "
        "?i a ev:IndicationStatement ; ev:drug ?d ; ev:condition ?c }"
    )
    used = {r["c"].value for r in taken if isinstance(r["c"], ox.NamedNode)}  # type: ignore[union-attr]
    rows = store.select("SELECT ?c WHERE { ?c a ev:Condition } ORDER BY ?c")
    every = [r["c"].value for r in rows if isinstance(r["c"], ox.NamedNode)]  # type: ignore[union-attr]
    iris = [c for c in every if c not in used][:500]
    if not iris:
        raise RuntimeError("the store holds no condition")
    return [iris[i % len(iris)] for i in range(n)]


def graphql_input(condition: str, i: int) -> dict[str, Any]:
    """The createClaim input of write ``i``."""
    return {
        "kind": "INDICATION",
        "label": f"Azathioprine benchmark write {i}",
        "drug": "azathioprine",
        "source": SOURCE,
        "section": "Benchmark writes",
        "conditions": [condition],
        "licensingStatus": "UNLICENSED",
        "jurisdictionNotStated": True,
        "grade": {"notation": "C", "scheme": "dr-oracle-evidence"},
        "printedGrade": "Grade C",
        "evidence": [
            {
                "text": "A passage as printed.",
                "citationMarkers": "1",
                "references": [REFERENCE],
                "studyDesigns": ["CASE_SERIES"],
                "figures": [
                    {
                        "label": "patients improved",
                        "printedValue": "40%",
                        "quantityKind": "PERCENTAGE",
                        "value": 40,
                    }
                ],
            }
        ],
    }


def claim_input(condition: str, i: int) -> ClaimInput:
    """The same input as the GraphQL one, as the API's input object."""
    return ClaimInput(
        kind=ClaimKind.INDICATION,
        label=f"Azathioprine benchmark write {i}",
        drug="azathioprine",
        source=SOURCE,
        section="Benchmark writes",
        conditions=[condition],
        licensing_status=LicensingStatus.UNLICENSED,
        jurisdiction_not_stated=True,
        grade=GradeInput(notation="C", scheme="dr-oracle-evidence"),
        printed_grade="Grade C",
        evidence=[
            EvidenceInput(
                text="A passage as printed.",
                citation_markers="1",
                references=[REFERENCE],
                study_designs=[StudyDesign.CASE_SERIES],
                figures=[
                    FigureInput(
                        label="patients improved",
                        printed_value="40%",
                        quantity_kind=QuantityKind.PERCENTAGE,
                        value=40.0,
                    )
                ],
            )
        ],
    )


def write_in_process(
    store: Store, n: int, summarize: Callable[[list[float]], dict[str, Any]]
) -> dict[str, Any]:
    """``n`` calls of ``graph.authoring.create_claim`` (names resolved before the clock starts)."""
    datas = [to_claim_data(store, claim_input(c, i)) for i, c in enumerate(conditions(store, n + 1))]
    create_claim(store, datas.pop(), AUTHOR)  # warm-up (shape graph, caches)
    times: list[float] = []
    warnings = 0
    for data in datas:
        t0 = time.perf_counter()
        result = create_claim(store, data, AUTHOR)
        times.append(time.perf_counter() - t0)
        warnings += result.report.warning_count
    return {**summarize(times), "warnings": warnings}


def write_over_http(
    url: str,
    token: str,
    n: int,
    condition_iris: list[str],
    summarize: Callable[[list[float]], dict[str, Any]],
) -> dict[str, Any]:
    """``n`` createClaim requests, one at a time over one keep-alive connection."""
    headers = {"Authorization": f"Bearer {token}"}
    times: list[float] = []
    with httpx.Client(base_url=url, timeout=600, headers=headers) as client:
        for i, condition in enumerate(condition_iris[: n + 1]):
            payload = {"query": CREATE, "variables": {"input": graphql_input(condition, 10_000 + i)}}
            t0 = time.perf_counter()
            response = client.post("/graphql", json=payload)
            elapsed = time.perf_counter() - t0
            body = response.json()
            if response.status_code != 200 or body.get("errors"):
                raise RuntimeError(f"createClaim: HTTP {response.status_code} {body.get('errors')}")
            if i:  # the first is the warm-up
                times.append(elapsed)
    return summarize(times)


# --- the full re-validation, in a child process ------------------------------------------------------


def child_validate(path: str) -> None:
    """Child: load an N-Quads dump, then time ``validate_store`` over all of its graphs."""
    data = ox.Store()
    data.load(path=path, format=ox.RdfFormat.N_QUADS)
    t0 = time.perf_counter()
    report = validate_store(data, union=True)
    seconds = time.perf_counter() - t0
    print(
        json.dumps(
            {
                "seconds": round(seconds, 3),
                "quads": len(data),
                "conforms": report.conforms,
                "violations": report.violation_count,
                "warnings": report.warning_count,
                "peak_rss_mib": maxrss_mib(),
            }
        )
    )


def full_validation(store: Store, timeout: float) -> dict[str, Any]:
    """Time a full validation of the store as it is (``validate_store``), stopped at ``timeout``."""
    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "store.nq"
        dump.write_bytes(store.dump(ox.RdfFormat.N_QUADS))
        return run_child([sys.executable, "-m", "bench.run", "--child-validate", str(dump)], timeout)
