"""The validating loader: parse sources, validate the candidate state, commit atomically.

A load either commits every quad of every file, or, on a syntax error or a single SHACL
Violation, leaves the store exactly as it was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from graph.errors import SourceError, SourceExistsError, ValidationFailedError
from graph.namespaces import graph_iri
from graph.paths import content_files, ontology_files
from graph.sources import Source, read_source
from graph.store import EvidenceStore, Store
from graph.validation import ValidationReport, locate, validate_quads

S = TypeVar("S", bound=Store)


@dataclass(frozen=True)
class LoadResult:
    """What a load did: the sources, the graphs it replaced, and the warnings it accepted."""

    sources: list[Source]
    replaced: list[ox.NamedNode]
    report: ValidationReport

    @property
    def quad_count(self) -> int:
        """Quads written."""
        return sum(len(s.quads) for s in self.sources)


def read_sources(paths: Iterable[Path | str]) -> list[Source]:
    """Parse every file, refusing two files that would write the same named graph."""
    sources: list[Source] = []
    seen: dict[str, Path] = {}
    for path in paths:
        source = read_source(path, graph=_bundled_graph(Path(path)))
        if source.graph.value in seen:
            raise SourceError(
                str(path),
                f"writes the same named graph <{source.graph.value}> as {seen[source.graph.value]}",
            )
        seen[source.graph.value] = source.path
        sources.append(source)
    return sources


def validate_sources(store: Store, sources: Sequence[Source]) -> ValidationReport:
    """Validate the state the store would have with ``sources`` in place of their graphs."""
    written = {g for s in sources for g in s.graphs}
    candidate = [q for q in store.quads() if q.graph_name not in written]
    candidate.extend(q for s in sources for q in s.quads)
    report = validate_quads(candidate)
    files = {s.graph.value: s.path for s in sources}
    return ValidationReport(results=locate(report.results, files))


def load_sources(store: Store, paths: Iterable[Path | str], *, replace: bool = False) -> LoadResult:
    """Load files into the store, each into its own named graph, if the result conforms.

    ``replace`` swaps out graphs that are already there; without it, loading a source twice is
    an error. Raises :class:`SourceError`, :class:`SourceExistsError` or :class:`ValidationFailedError`;
    in each case nothing is written.
    """
    sources = read_sources(paths)
    with store.write_lock:  # no mutation may commit between this validation and this commit
        return _commit_sources(store, sources, replace=replace)


def _commit_sources(store: Store, sources: list[Source], *, replace: bool) -> LoadResult:
    existing = sorted(
        {g for s in sources for g in s.graphs if isinstance(g, ox.NamedNode) and store.has_graph(g)},
        key=lambda g: g.value,
    )
    if existing and not replace:
        names = ", ".join(f"<{g.value}>" for g in existing)
        raise SourceExistsError(f"already in the store: {names}; use --replace to replace it")
    report = validate_sources(store, sources)
    if not report.conforms:
        raise ValidationFailedError(report)
    quads = [q for s in sources for q in s.quads]
    if existing:
        store.replace_graphs(existing, quads)
    else:
        store.add_quads(quads)
    store.flush()
    return LoadResult(sources=sources, replaced=existing, report=report)


def bundled_files() -> list[Path]:
    """The ontology and the curated content that ship with the project."""
    return ontology_files() + content_files()


def ensure_content(store: S) -> S:
    """Load the bundled content into an empty store; return the store."""
    if len(store) == 0:
        load_sources(store, bundled_files())
    return store


def open_store(path: Path | str | None = None) -> EvidenceStore:
    """Open an embedded store (in memory when ``path`` is None); an empty one gets the bundled content."""
    return ensure_content(EvidenceStore(path))


def _bundled_graph(path: Path) -> str | None:
    """Ontology files get graphs under ``graph/ontology/`` so no content file can clash with them."""
    if path.resolve() in {p.resolve() for p in ontology_files()}:
        return graph_iri("ontology/" + path.stem)
    return None
