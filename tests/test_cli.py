"""The evidence-graph command line, run as a real process: exit codes, messages, outputs."""

import asyncio
import csv
import gc
import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner

from api import cli
from api.graphql.context import Context
from api.graphql.enums import ClaimKind
from api.graphql.schema import schema
from graph.authoring import retract_claim
from graph.load import open_store
from graph.namespaces import PREFIXES as PREFIXES_BY_NAME
from graph.paths import CONTENT_DIR, ONTOLOGY_DIR, PROJECT_ROOT
from graph.store import EvidenceStore
from testing.oxigraph_server import free_port

CLI = str(Path(sys.executable).parent / "evidence-graph")
CONTENT = str(CONTENT_DIR / "azathioprine-dermatology.ttl")
PREFIXES = """@prefix ev: <https://w3id.org/evidence-graph/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix drug: <https://w3id.org/evidence-graph/id/drug/> .
"""


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120, env=env, check=False)


def test_help_lists_every_command() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("validate", "load", "query", "stats"):
        assert command in result.stdout
    for command in ("validate", "load", "query", "stats"):
        assert run(command, "--help").returncode == 0


def test_validate_bundled_content_conforms_with_warnings() -> None:
    result = run("validate", CONTENT, *(str(p) for p in sorted(ONTOLOGY_DIR.glob("*.ttl"))))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Conforms: 0 violation(s), ")
    assert "Warning:" in result.stdout


def test_both_validators_give_the_same_report(tmp_path: Path) -> None:
    """EVIDENCE_GRAPH_VALIDATOR=pyshacl validates with pySHACL itself; the report is the same."""
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + 'drug:x a ev:Drug .\ndrug:y a ev:Drug ; rdfs:label "y", "why" .\n')
    reports = {}
    for validator in ("compiled", "pyshacl"):
        env = {**os.environ, "EVIDENCE_GRAPH_VALIDATOR": validator}
        result = run("validate", "--format", "json", CONTENT, str(bad), env=env)
        assert result.returncode == 1, result.stderr
        reports[validator] = json.loads(result.stdout)
    assert reports["compiled"]["violations"] == 2
    assert reports["compiled"] == reports["pyshacl"]


def test_a_setting_set_wrong_is_a_clear_error() -> None:
    result = run("stats", env={**os.environ, "EVIDENCE_GRAPH_VALIDATOR": "shacl-js"})
    assert result.returncode == 2
    assert result.stderr.startswith("error: EVIDENCE_GRAPH_VALIDATOR: ")
    assert "'compiled' or 'pyshacl'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_setting_that_is_not_json_is_a_clear_error() -> None:
    result = run("stats", env={**os.environ, "EVIDENCE_GRAPH_API_TOKENS": "{bad json"})
    assert result.returncode == 2
    assert result.stderr.startswith("error: a setting is not valid JSON")
    assert "api_tokens" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_store_that_cannot_be_opened_is_a_clear_error(tmp_path: Path) -> None:
    a_file = tmp_path / "store"
    a_file.write_text("not a store", encoding="utf-8")
    result = run("stats", "--store", str(a_file))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot open the store at {a_file}: ")
    assert "not a directory" in result.stderr
    held = tmp_path / "held"
    holder = EvidenceStore(held)
    try:
        result = run("stats", "--store", str(held))
    finally:
        del holder
        gc.collect()
    assert result.returncode == 2
    assert "another process" in result.stderr
    assert "Traceback" not in result.stderr


BROKEN = "import sys; from api import cli; cli.store_stats = lambda store: 1 / 0; sys.argv[0] = 'evidence-graph'; cli.run()"


def test_an_unexpected_error_is_one_line_unless_debug() -> None:
    plain = subprocess.run(
        [sys.executable, "-c", BROKEN, "stats"], capture_output=True, text=True, timeout=120, check=False
    )
    assert plain.returncode == 2
    assert plain.stderr == "error: ZeroDivisionError: division by zero (run with --debug for the traceback)\n"
    debug = subprocess.run(
        [sys.executable, "-c", BROKEN, "--debug", "stats"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert debug.returncode == 1
    assert "Traceback" in debug.stderr
    assert "ZeroDivisionError" in debug.stderr


def test_serve_on_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run("serve", "--port", str(port))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1:{port}: ")
    assert "--port" in result.stderr


def test_query_errors_say_what_to_do() -> None:
    update = run("query", "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }")
    assert update.returncode == 2
    assert "write with `load`" in update.stderr
    prefix = run("query", "SELECT * WHERE { ?s foo:bar ?o }")
    assert prefix.returncode == 2
    assert prefix.stderr.startswith("error: unknown prefix foo: declare it with PREFIX")
    syntax = run("query", "SELECT * WHERE { ?s ?p }")
    assert syntax.returncode == 2
    assert syntax.stderr.startswith("error: query syntax error: error at 1:")
    assert len(syntax.stderr) < 400


def test_the_example_claim_validates_and_loads(tmp_path: Path) -> None:
    """examples/new-indication.ttl, the file to start curating from, conforms with no warning of its own."""
    example = str(PROJECT_ROOT / "examples" / "new-indication.ttl")
    checked = run("validate", example)
    assert checked.returncode == 0, checked.stdout
    assert checked.stdout.startswith("Conforms: 0 violation(s)")
    assert "example" not in checked.stdout  # no result about the example's own nodes
    loaded = run("load", example, "--store", str(tmp_path / "store"))
    assert loaded.returncode == 0, loaded.stderr


def test_validate_json_report(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "drug:x a ev:Drug .\n")
    result = run("validate", "--format", "json", str(bad))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["conforms"] is False
    (violation,) = [r for r in report["results"] if r["severity"] == "Violation"]
    assert violation["focus_node"] == "https://w3id.org/evidence-graph/id/drug/x"
    assert violation["path"] == "rdfs:label"
    assert violation["file"] == str(bad)
    assert violation["line"] == 4
    assert violation["message"]


def test_validate_violation_exits_1_with_file_line_focus_path_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "\ndrug:x a ev:Drug .\n")
    result = run("validate", str(bad))
    assert result.returncode == 1
    assert "Does not conform: 1 violation(s)" in result.stdout
    assert f"{bad}:5: Violation: drug:x" in result.stdout
    assert "path:    rdfs:label" in result.stdout
    assert "message: " in result.stdout


def test_syntax_error_exits_2_with_file_line_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(PREFIXES + 'drug:x rdfs:label "unterminated .\n')
    result = run("validate", str(broken))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {broken}:4:")
    assert "syntax error" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize("command", ["validate", "load"])
def test_missing_file_exits_2(command: str, tmp_path: Path) -> None:
    result = run(command, str(tmp_path / "absent.ttl"))
    assert result.returncode == 2
    assert result.stderr == f"error: {tmp_path / 'absent.ttl'}: no such file\n"


def test_every_file_error_names_the_file_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "folder.ttl"
    folder.mkdir()
    not_utf8 = tmp_path / "latin1.rq"
    not_utf8.write_bytes(b"SELECT * WHERE { ?s ?p \xe9 }")
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT * WHERE { ?s ?p ?o ")
    expected = {
        ("validate", str(folder)): f"error: {folder}: is a directory, not a file\n",
        ("query", "--file", str(tmp_path)): f"error: {tmp_path}: cannot read the file: Is a directory\n",
        ("query", "--file", str(not_utf8)): f"error: {not_utf8}: not UTF-8 text (0xe9 at offset 23)\n",
        (
            "export",
            "--output",
            str(tmp_path),
        ): f"error: {tmp_path}: is a directory; give the path of the file to write\n",
        ("export", "--output", str(tmp_path / "absent" / "x.trig")): (
            f"error: {tmp_path / 'absent' / 'x.trig'}: cannot write the file: No such file or directory\n"
        ),
    }
    for args, message in expected.items():
        result = run(*args)
        assert (result.returncode, result.stderr) == (2, message), args
    result = run("query", "--file", str(broken))
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {broken}: query syntax error: error at 1:27")
    assert not list((tmp_path / "absent").parent.glob("*.partial"))


def test_unknown_format_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello")
    result = run("validate", str(path))
    assert result.returncode == 2
    assert "unknown file type '.txt'" in result.stderr


def test_load_into_a_store_and_query_it(tmp_path: Path) -> None:
    store = tmp_path / "store"
    extra = tmp_path / "extra.ttl"
    extra.write_text(PREFIXES + 'drug:tacrolimus a ev:Drug ; rdfs:label "tacrolimus" .\n')
    loaded = run("load", str(extra), "--store", str(store))
    assert loaded.returncode == 0, loaded.stderr
    assert f"loaded 2 quads from {extra} into <https://w3id.org/evidence-graph/graph/extra>" in loaded.stdout

    again = run("load", str(extra), "--store", str(store))
    assert again.returncode == 1
    assert "--replace" in again.stderr

    query = "SELECT ?label WHERE { drug:tacrolimus rdfs:label ?label }"
    table = run("query", query, "--store", str(store))
    assert table.returncode == 0
    assert table.stdout.splitlines() == ["label", "----------", "tacrolimus", "(1 row)"]


def test_load_with_a_violation_exits_1_and_writes_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    bad = tmp_path / "bad.ttl"
    bad.write_text(PREFIXES + "drug:x a ev:Drug .\n")
    result = run("load", str(bad), "--store", str(store))
    assert result.returncode == 1
    assert "1 SHACL violation(s); nothing was written." in result.stderr
    count = run(
        "query", "SELECT (COUNT(*) AS ?n) WHERE { drug:x ?p ?o }", "--store", str(store), "--format", "csv"
    )
    assert list(csv.reader(io.StringIO(count.stdout))) == [["n"], ["0"]]


def test_query_formats_json_and_csv_and_ask() -> None:
    query = "SELECT ?n WHERE { ref:dr-oracle-azathioprine-5 ev:citationNumber ?n }"
    as_json = json.loads(run("query", query, "--format", "json").stdout)
    assert as_json["results"]["bindings"][0]["n"]["value"] == "5"
    assert run("query", query, "--format", "csv").stdout.splitlines() == ["n", "5"]
    assert run("query", "ASK WHERE { drug:azathioprine a ev:Drug }").stdout == "true\n"


def test_query_from_file_and_syntax_error(tmp_path: Path) -> None:
    query = tmp_path / "q.rq"
    query.write_text("SELECT ?s WHERE { ?s a ev:SourceDocument }")
    result = run("query", "--file", str(query))
    assert result.returncode == 0
    assert "source:dr-oracle-azathioprine-dermatology" in result.stdout
    bad = run("query", "SELECT WHERE {")
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: query syntax error")


def test_stats_counts_classes_grades_licensing_and_warnings() -> None:
    result = run("stats", "--format", "json")
    assert result.returncode == 0
    stats = json.loads(result.stdout)
    assert stats["per_class"]["ev:IndicationStatement"] == 14
    assert stats["per_class"]["ev:ContraindicationStatement"] == 5
    assert stats["per_kind"]["ev:IndicationStatement"] == 14
    assert stats["per_licensing"] == {"licensed": 3, "unlicensed": 11}
    assert stats["retracted"] == 0
    assert stats["per_grade"] == {
        "grade:dr-oracle-evidence A": 3,
        "grade:dr-oracle-evidence B": 3,
        "grade:dr-oracle-evidence C": 5,
    }
    assert stats["violations"] == 0
    assert stats["warnings"] > 0


def test_stats_and_graphql_statistics_count_the_same_claims(tmp_path: Path) -> None:
    """After a retraction both leave the claim out of their groups and count it as retracted."""
    path = tmp_path / "store"
    store = open_store(path)
    indication = store.select("SELECT ?s WHERE { ?s a ev:IndicationStatement ; ev:evidenceGrade ?g } LIMIT 1")
    retract_claim(store, indication[0]["s"].value, "superseded", "alice")
    query = "{ statistics { byKind { key count } byGrade { key scheme count } byLicensingStatus { label count } retracted } }"
    answer = asyncio.run(schema.execute(query, context_value=Context(store, 60.0)))
    assert answer.errors is None
    statistics = answer.data["statistics"]
    del store
    gc.collect()  # the CLI opens the same store
    result = run("stats", "--store", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert stats["retracted"] == statistics["retracted"] == 1
    assert stats["per_kind"]["ev:IndicationStatement"] == 13
    by_kind = {g["key"]: g["count"] for g in statistics["byKind"]}
    assert by_kind == {
        ClaimKind.from_iri(PREFIXES_BY_NAME["ev"] + k.removeprefix("ev:")).name: n  # type: ignore[union-attr]
        for k, n in stats["per_kind"].items()
    }
    assert {f"grade:{g['scheme']} {g['key']}": g["count"] for g in statistics["byGrade"]} == stats[
        "per_grade"
    ]
    assert {g["label"]: g["count"] for g in statistics["byLicensingStatus"]} == stats["per_licensing"]
    assert sum(stats["per_grade"].values()) == 10


@pytest.mark.parametrize("output_format", ["trig", "nquads"])
def test_export_and_load_round_trip(tmp_path: Path, output_format: str) -> None:
    original = tmp_path / "original"
    extra = tmp_path / "extra.ttl"
    extra.write_text(PREFIXES + 'drug:tacrolimus a ev:Drug ; rdfs:label "tacrolimus" .\n')
    assert run("load", str(extra), "--store", str(original)).returncode == 0
    backup = tmp_path / f"backup.{'trig' if output_format == 'trig' else 'nq'}"
    exported = run("export", "--store", str(original), "--format", output_format, "--output", str(backup))
    assert exported.returncode == 0, exported.stderr
    restored = tmp_path / "restored"
    loaded = run("load", str(backup), "--store", str(restored), "--replace")
    assert loaded.returncode == 0, loaded.stderr

    import pyoxigraph as ox  # noqa: PLC0415

    def quads(store: Path) -> set[str]:
        dump = run("export", "--store", str(store), "--format", "nquads")
        assert dump.returncode == 0
        dataset = ox.Dataset(ox.parse(dump.stdout.encode(), format=ox.RdfFormat.N_QUADS))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # blank nodes get stable names
        return {str(q) for q in dataset}

    first, second = quads(original), quads(restored)
    assert first == second
    assert any("tacrolimus" in q for q in first)
    assert len(first) > 2000


def test_serve_freezes_what_start_up_made_before_it_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    """``serve`` opens the store, builds the app and freezes the heap, then hands over to uvicorn.

    The store's in-memory indexes are built before the freeze, so full collections skip them too.
    """
    served: list[tuple[int, dict[str, object]]] = []
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: served.append((gc.get_freeze_count(), options))
    )
    built: list[tuple[str, int]] = []
    original = EvidenceStore.index

    def recorded(self: EvidenceStore, kind: Any) -> Any:
        built.append((kind.__name__, gc.get_freeze_count()))
        return original(self, kind)

    monkeypatch.setattr(EvidenceStore, "index", recorded)
    before = gc.get_freeze_count()
    try:
        result = CliRunner().invoke(cli.app, ["serve", "--port", str(free_port())])
    finally:
        gc.unfreeze()  # this test process builds many apps: nothing stays frozen in it
    assert result.exit_code == 0, result.output
    assert len(served) == 1
    frozen, options = served[0]
    assert frozen > before
    assert {name for name, _ in built} == {"NameIndex", "Vocabulary"}
    assert all(count == before for _, count in built)  # before the freeze, not by the first request
    assert isinstance(options["fd"], int)  # the socket the command bound (a port in use: exit 2)
