"""The validating loader: parse sources, validate the candidate state, commit atomically.

A load either commits every quad of every file, or, on a syntax error or a single SHACL
Violation, leaves the store exactly as it was.

The files are parsed by Oxigraph into one in-memory staging store, each into its named graph.
The store's other graphs are copied next to them, so the staging store holds exactly the state
the store would have after the load; it is validated as the union of its graphs. If it
conforms, an in-memory :class:`EvidenceStore` takes the staging store as its new dataset (no
second copy); an on-disk or remote store receives the new graphs in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from graph.errors import SourceError, SourceExistsError, ValidationFailedError
from graph.namespaces import graph_iri
from graph.paths import content_files, ontology_files
from graph.report import ValidationReport, locate
from graph.sources import Source, read_source
from graph.store import EvidenceStore, GraphName, Store
from graph.validation import validate_store

S = TypeVar("S", bound=Store)


@dataclass
class Staging:
    """Parsed sources in one in-memory Oxigraph store, each in its named graph(s)."""

    store: ox.Store = field(default_factory=ox.Store)
    sources: list[Source] = field(default_factory=list)

    @property
    def graphs(self) -> set[GraphName]:
        """Every named graph the sources write."""
        return {g for s in self.sources for g in s.graphs}

    def quads(self) -> Iterator[ox.Quad]:
        """The sources' quads (not the graphs copied from the store for validation)."""
        for graph in sorted(self.graphs, key=str):
            yield from self.store.quads_for_pattern(None, None, None, graph)


@dataclass(frozen=True)
class LoadResult:
    """What a load did: the sources, the graphs it replaced, and the warnings it accepted."""

    sources: list[Source]
    replaced: list[ox.NamedNode]
    report: ValidationReport

    @property
    def quad_count(self) -> int:
        """Quads written."""
        return sum(s.quad_count for s in self.sources)


def read_sources(paths: Iterable[Path | str]) -> Staging:
    """Parse every file into one staging store, refusing two files that write the same graph."""
    staging = Staging()
    seen: dict[GraphName, Path] = {}
    for path in paths:
        source = read_source(path, staging.store, graph=_bundled_graph(Path(path)))
        for graph in sorted(source.graphs, key=str):
            if graph in seen:
                raise SourceError(str(path), f"writes the same named graph {graph} as {seen[graph]}")
            seen[graph] = source.path
        staging.sources.append(source)
    return staging


def validate_sources(store: Store, staging: Staging) -> ValidationReport:
    """Validate the state the store would have with the staged sources in place of their graphs.

    The store's other graphs are copied into the staging store, which then holds that state.
    """
    store.copy_into(staging.store, exclude=staging.graphs)
    report = validate_store(staging.store, union=True)
    files = {s.graph.value: s.path for s in staging.sources}  # each file indexed once by locate
    return ValidationReport(results=locate(report.results, files))


def load_sources(store: Store, paths: Iterable[Path | str], *, replace: bool = False) -> LoadResult:
    """Load files into the store, each into its own named graph, if the result conforms.

    ``replace`` swaps out graphs that are already there; without it, loading a source twice is
    an error. Raises :class:`SourceError`, :class:`SourceExistsError` or :class:`ValidationFailedError`;
    in each case nothing is written.
    """
    staging = read_sources(paths)
    with store.write_lock:  # no mutation may commit between this validation and this commit
        return _commit_sources(store, staging, replace=replace)


def _commit_sources(store: Store, staging: Staging, *, replace: bool) -> LoadResult:
    existing = sorted(
        {g for g in staging.graphs if isinstance(g, ox.NamedNode) and store.has_graph(g)},
        key=lambda g: g.value,
    )
    if existing and not replace:
        names = ", ".join(f"<{g.value}>" for g in existing)
        raise SourceExistsError(f"already in the store: {names}; use --replace to replace it")
    report = validate_sources(store, staging)
    if not report.conforms:
        raise ValidationFailedError(report)
    if isinstance(store, EvidenceStore) and store.path is None:
        store.adopt(staging.store)  # the staging store is the validated state, in memory
    elif existing:
        store.replace_graphs(existing, staging.quads())
    else:
        store.add_quads(staging.quads())
    store.flush()
    return LoadResult(sources=staging.sources, replaced=existing, report=report)


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
