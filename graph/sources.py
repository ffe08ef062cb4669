"""Reading RDF source files into a staging store, each source into its own named graph.

A source is one file. Its triples (the default graph of the file) go into the named graph
``https://w3id.org/evidence-graph/graph/<file stem>``; quads that a TriG or N-Quads file puts in
named graphs of its own keep them, so that a dump of the store loads back unchanged.

Files are parsed by Oxigraph straight into an in-memory Oxigraph store (the loader's staging
store): Turtle and N-Triples never become Python objects, which is much faster than building a
Python quad for each. Blank nodes are local to their file, as RDF
says: ``_:b1`` in two files is two nodes, and each load gives them fresh identities.

>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "tiny.ttl"
>>> _ = path.write_text('<http://example.org/a> <http://example.org/b> "c" .')
>>> staging = ox.Store()
>>> source = read_source(path, staging)
>>> source.graph.value, source.quad_count, len(staging)
('https://w3id.org/evidence-graph/graph/tiny', 1, 1)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from graph.errors import SourceError
from graph.namespaces import graph_iri
from graph.store import GraphName

#: File extensions the loader accepts, and the format each one means.
FORMATS: dict[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
}
#: Formats that hold triples only: Oxigraph loads them into the source's graph directly.
TRIPLE_FORMATS = {ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES}

_POSITION = re.compile(r"line (\d+) column (\d+)")


@dataclass(frozen=True)
class Source:
    """One parsed source file: its path, its named graph, every graph it writes and its size."""

    path: Path
    graph: ox.NamedNode
    #: Every named graph this source writes to (its own graph, and those a dataset file names).
    graphs: frozenset[GraphName]
    #: Distinct quads the file added to the staging store.
    quad_count: int


def source_graph(path: Path) -> ox.NamedNode:
    """The named graph a file's triples are loaded into (named after the file's stem)."""
    return ox.NamedNode(graph_iri(path.stem))


def read_source(path: Path | str, into: ox.Store, graph: str | None = None) -> Source:
    """Parse ``path`` into the store ``into``; the file's default graph becomes the source's graph.

    Raises :class:`SourceError` with file, line and column for a missing or unreadable file, an
    unknown extension or a syntax error; ``into`` then holds nothing of this file (Oxigraph
    loads a file in one transaction).
    """
    path = Path(path)
    rdf_format = FORMATS.get(path.suffix.lower())
    if rdf_format is None:
        known = ", ".join(sorted(FORMATS))
        raise SourceError(str(path), f"unknown file type {path.suffix!r}; expected one of {known}")
    if not path.is_file():
        raise SourceError(str(path), "is a directory, not a file" if path.is_dir() else "no such file")
    target = ox.NamedNode(graph) if graph else source_graph(path)
    before = len(into)
    graphs: set[GraphName] = {target}
    try:
        if rdf_format in TRIPLE_FORMATS:
            into.load(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri(), to_graph=target)
        else:
            with path.open("rb") as stream:
                quads = [
                    ox.Quad(q.subject, q.predicate, q.object, target)
                    if isinstance(q.graph_name, ox.DefaultGraph)
                    else q
                    for q in ox.parse(stream, format=rdf_format, base_iri=path.resolve().as_uri())
                ]
            graphs |= {q.graph_name for q in quads if not isinstance(q.graph_name, ox.DefaultGraph)}
            into.extend(quads)
    except SyntaxError as error:
        raise _syntax_error(path, error) from None
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(str(path), f"cannot read the file: {error}") from None
    except ValueError as error:
        raise SourceError(str(path), str(error)) from None
    return Source(path=path, graph=target, graphs=frozenset(graphs), quad_count=len(into) - before)


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
