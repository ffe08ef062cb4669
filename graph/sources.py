"""Reading RDF source files into quads, each source into its own named graph.

A source is one file. Its triples (the default graph of the file) go into the named graph
``https://w3id.org/evidence-graph/graph/<file stem>``; quads that a TriG or N-Quads file puts in
named graphs of its own keep them, so that a dump of the store loads back unchanged.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.ttl"
>>> _ = path.write_text('<http://example.org/a> <http://example.org/b> "c" .')
>>> source = read_source(path)
>>> source.graph.value, len(source.quads)
('https://w3id.org/evidence-graph/graph/tiny', 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.errors import SourceError
from graph.namespaces import graph_iri

#: File extensions the loader accepts, and the format each one means.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}

_POSITION = re.compile(r"line (\d+) column (\d+)")


@dataclass(frozen=True)
class Source:
    """One parsed source file: its path, its named graph and its quads."""

    path: Path
    graph: ox.NamedNode
    quads: list[ox.Quad]

    @property
    def graphs(self) -> set[ox.NamedNode | ox.BlankNode | ox.DefaultGraph]:
        """Every named graph this source writes to."""
        return {q.graph_name for q in self.quads} | {self.graph}


def source_graph(path: Path) -> ox.NamedNode:
    """The named graph a file's triples are loaded into (named after the file's stem)."""
    return ox.NamedNode(graph_iri(path.stem))


def read_source(path: Path | str, graph: str | None = None) -> Source:
    """Parse ``path`` into quads; the file's default graph becomes the source's named graph.

    Raises :class:`SourceError` with file, line and column for a missing or unreadable file, an
    unknown extension or a syntax error.
    """
    path = Path(path)
    rdf_format = FORMATS.get(path.suffix.lower())
    if rdf_format is None:
        known = ", ".join(sorted(FORMATS))
        raise SourceError(str(path), f"unknown file type {path.suffix!r}; expected one of {known}")
    if not path.is_file():
        raise SourceError(str(path), "no such file")
    target = ox.NamedNode(graph) if graph else source_graph(path)
    try:
        with path.open("rb") as stream:
            parsed = ox.parse(stream, format=rdf_format, base_iri=path.resolve().as_uri())
            quads = [
                ox.Quad(q.subject, q.predicate, q.object, target)
                if isinstance(q.graph_name, ox.DefaultGraph)
                else q
                for q in parsed
            ]
    except SyntaxError as error:
        raise _syntax_error(path, error) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(str(path), f"cannot read the file: {error}") from None
    except ValueError as error:
        raise SourceError(str(path), str(error)) from None
    return Source(path=path, graph=target, quads=quads)


def _syntax_error(path: Path, error: SyntaxError) -> SourceError:
    """Turn pyoxigraph's SyntaxError into a SourceError with the position it gives."""
    message = str(error.msg or error)
    line, column = error.lineno, error.offset
    if line is None:
        match = _POSITION.search(message)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
    # pyoxigraph says "Parser error between line 3 column 11 and line 4 column 1: <reason>";
    # the position is given separately, so keep only the reason.
    reason = message.split(": ", 1)[1] if message.startswith("Parser error") else message
    return SourceError(str(path), f"syntax error: {reason}", line=line, column=column)
