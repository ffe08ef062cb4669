"""Reading source files: formats, named graphs, and the errors a person sees."""

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from graph.errors import SourceError
from graph.namespaces import graph_iri
from graph.sources import read_source

TRIPLE = '<http://example.org/a> <http://example.org/b> "c" .\n'


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("one.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b 'c' .\n"),
        ("one.nt", TRIPLE),
        ("one.trig", "@prefix ex: <http://example.org/> .\n{ ex:a ex:b 'c' . }\n"),
        ("one.nq", TRIPLE),
        (
            "one.jsonld",
            json.dumps({"@id": "http://example.org/a", "http://example.org/b": "c"}),
        ),
    ],
)
def test_each_format_loads_into_the_source_graph(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    staging = ox.Store()
    source = read_source(path, staging)
    assert source.graph == ox.NamedNode(graph_iri("one"))
    assert source.quad_count == 1
    assert [(q.subject.value, q.predicate.value, q.object.value, q.graph_name) for q in staging] == [
        ("http://example.org/a", "http://example.org/b", "c", ox.NamedNode(graph_iri("one")))
    ]


def test_quads_in_named_graphs_keep_their_graph(tmp_path: Path) -> None:
    path = tmp_path / "dump.nq"
    path.write_text('<http://example.org/a> <http://example.org/b> "c" <http://example.org/g> .\n')
    staging = ox.Store()
    source = read_source(path, staging)
    (quad,) = staging
    assert quad.graph_name == ox.NamedNode("http://example.org/g")
    assert source.graphs == {ox.NamedNode("http://example.org/g"), source.graph}


def test_syntax_error_names_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e "open .\n')
    with pytest.raises(SourceError) as caught:
        read_source(path, ox.Store())
    error = caught.value
    assert (error.line, error.column) == (3, 11)
    assert str(error).startswith(f"{path}:3:11: syntax error: ")


def test_syntax_error_in_the_middle_of_a_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.ttl"
    path.write_text("@prefix ex: <http://example.org/> .\n\nex:a ex:b ex:c ex:d .\n")
    with pytest.raises(SourceError) as caught:
        read_source(path, ox.Store())
    assert caught.value.line == 3
    assert "syntax error" in caught.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        read_source(tmp_path / "absent.ttl", ox.Store())


def test_unknown_extension_lists_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_text("x")
    with pytest.raises(SourceError, match=r"unknown file type '\.xlsx'; expected one of .*\.ttl"):
        read_source(path, ox.Store())


def test_undecodable_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "binary.ttl"
    path.write_bytes(b"\xff\xfe\x00<a> <b> <c> .")
    with pytest.raises(SourceError) as caught:
        read_source(path, ox.Store())
    assert str(caught.value).startswith(str(path))
