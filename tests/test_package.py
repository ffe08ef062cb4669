"""The product as a user gets it from ``pip install .``: a wheel installed into a fresh virtualenv.

The wheel is built from a copy of the checkout, installed without the dev extras, and run from a
folder outside any checkout: the ontology, the shapes and the content must come with it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import httpx
import pytest

from graph.paths import PROJECT_ROOT
from testing.oxigraph_server import free_port
from tests.test_offline import page_references

GRADE_A = (
    '{ indications(filter: {licensed: false, grade: "A"}) { totalCount nodes { condition { label } } } }'
)
COPIED = shutil.ignore_patterns(
    ".venv", ".git", "build", "dist", "*.egg-info", "__pycache__", "*_cache", ".hypothesis", "results"
)


def _run(*command: str | Path, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, timeout=timeout, cwd=cwd, check=False
    )


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin`` folder of a fresh virtualenv with the wheel installed (no dev extras)."""
    root = tmp_path_factory.mktemp("package")
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=COPIED)
    built = _run(
        sys.executable, "-m", "pip", "wheel", source, "--no-deps", "-q", "-w", root / "wheel", cwd=root
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "wheel").glob("*.whl")
    venv = root / "venv"
    made = _run(sys.executable, "-m", "venv", venv, cwd=root)
    assert made.returncode == 0, made.stderr
    bin_dir = venv / "bin"
    install = _run(bin_dir / "python", "-m", "pip", "install", "-q", wheel, cwd=root, timeout=600)
    if install.returncode != 0 and "No matching distribution" in install.stderr:
        pytest.skip(f"no package index to install the wheel's dependencies from: {install.stderr[-300:]}")
    assert install.returncode == 0, install.stderr
    return bin_dir


def test_validate_from_the_wheel_refuses_an_invalid_file(installed: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(
        "@prefix ev: <https://w3id.org/evidence-graph/ontology#> .\n"
        "<https://w3id.org/evidence-graph/id/drug/x> a ev:Drug .\n",
        encoding="utf-8",
    )
    result = _run(installed / "evidence-graph", "validate", bad, cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Violation" in result.stdout
    assert "rdfs:label" in result.stdout


def test_serve_from_the_wheel_answers_the_grade_a_query(installed: Path, tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(installed / "evidence-graph"), "serve", "--port", str(port)],
            cwd=tmp_path,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={k: v for k, v in os.environ.items() if not k.startswith("EVIDENCE_GRAPH_")},
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, log.read_text(encoding="utf-8", errors="replace")
            assert time.monotonic() < deadline, "the server did not start within 60 s"
            time.sleep(0.2)
        answer = httpx.post(f"{url}/graphql", json={"query": GRADE_A}, timeout=30).json()
        # the browser pages' files are package data: GraphiQL's own, those of /docs, and the pages'
        # templates and stylesheet
        loaded = {}
        for page in ("/graphql", "/docs", "/", "/id/drug/azathioprine"):
            html = httpx.get(f"{url}{page}", headers={"Accept": "text/html"}, timeout=30).text
            for ref in page_references(html).urls():
                asset = urljoin(f"{url}{page}", ref.url)
                loaded[asset] = httpx.get(asset, timeout=30).status_code
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "errors" not in answer, answer
    assert answer["data"]["indications"]["totalCount"] == 3
    assert f"{url}/static/graphiql/graphiql.min.js" in loaded, loaded
    assert f"{url}/static/docs/swagger-ui-bundle.js" in loaded, loaded
    assert f"{url}/static/pages/pages.css" in loaded, loaded
    assert f"{url}/id/drug/azathioprine.ttl" in loaded, loaded
    assert set(loaded.values()) == {200}, loaded
