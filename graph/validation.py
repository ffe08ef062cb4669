"""Validating a candidate state against the SHACL shapes (``shapes/``) before it is committed.

Two validators give the same report (graph.report): the compiled one (graph.shacl_compile and
graph.shacl_run: a few Oxigraph queries over all focus nodes, the default) and pySHACL itself
(graph.pyshacl_reference, imported only when chosen). ``tests/test_shacl_sparql.py`` keeps them
equal on the bundled content, every shape's mutation cases and generated graphs.
:func:`use_validator` chooses one for the process (``EVIDENCE_GRAPH_VALIDATOR``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal, get_args

import pyoxigraph as ox

from graph.report import ValidationReport
from graph.shacl_run import validate_store_sparql

ValidatorName = Literal["compiled", "pyshacl"]
VALIDATORS: tuple[ValidatorName, ...] = get_args(ValidatorName)

_chosen: ValidatorName = "compiled"


def use_validator(name: ValidatorName) -> None:
    """Validate every later write and load of this process with ``name``."""
    global _chosen  # noqa: PLW0603 - one choice per process, made at start-up
    if name not in VALIDATORS:
        raise ValueError(f"unknown validator {name!r}: expected one of {', '.join(VALIDATORS)}")
    _chosen = name


def validator() -> ValidatorName:
    """The validator in use."""
    return _chosen


def validate_store(data: ox.Store, *, union: bool = False) -> ValidationReport:
    """Validate the default graph of an Oxigraph store (ontology included) against the shapes.

    ``union`` validates the union of the store's named graphs instead of its default graph.
    """
    if _chosen == "pyshacl":
        from graph.pyshacl_reference import validate_store_pyshacl  # noqa: PLC0415 - only when chosen

        return validate_store_pyshacl(data, union=union)
    return validate_store_sparql(data, union=union)


def candidate_store(quads: Iterable[ox.Quad]) -> ox.Store:
    """An in-memory Oxigraph store holding the quads' triples in its default graph."""
    store = ox.Store()
    store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    return store


def validate_quads(quads: Iterable[ox.Quad]) -> ValidationReport:
    """Validate a candidate state given as quads (their graphs merged)."""
    return validate_store(candidate_store(quads))
