"""Counts that tell a curator what is in the store: per class, grade and licensing status."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph.namespaces import graph_iri, shorten
from graph.store import Store, text
from graph.validation import validate_quads

_PER_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?class }
  FILTER(!STRSTARTS(STR(?g), ?ontology))
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""

_PER_GRADE = """
SELECT ?scheme ?notation (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim ev:evidenceGrade|ev:recommendationStrength ?grade .
  ?grade skos:notation ?notation ; skos:inScheme ?scheme .
} GROUP BY ?scheme ?notation ORDER BY ?scheme ?notation
"""

_PER_LICENSING = """
SELECT ?status (COUNT(DISTINCT ?claim) AS ?n) WHERE {
  ?claim a ev:IndicationStatement ; ev:licensingStatus ?s .
  ?s skos:prefLabel ?status .
} GROUP BY ?status ORDER BY ?status
"""


@dataclass(frozen=True)
class StoreStats:
    """Counts for ``evidence-graph stats``."""

    quads: int
    graphs: list[str]
    per_class: dict[str, int]
    per_grade: dict[str, int]
    per_licensing: dict[str, int]
    violations: int
    warnings: int

    def to_text(self) -> str:
        """Aligned tables for a terminal."""
        lines = [f"quads: {self.quads}", f"named graphs: {len(self.graphs)}"]
        lines += [f"  {g}" for g in self.graphs]
        for title, counts in (
            ("instances per class", self.per_class),
            ("claims per grade", self.per_grade),
            ("indications per licensing status", self.per_licensing),
        ):
            lines.append(f"{title}:")
            width = max((len(k) for k in counts), default=0)
            lines += [f"  {k.ljust(width)}  {v}" for k, v in counts.items()]
        lines.append(f"SHACL violations: {self.violations}")
        lines.append(f"SHACL warnings: {self.warnings}")
        return "\n".join(lines)


def _int(term: object) -> int:
    assert isinstance(term, ox.Literal)
    return int(term.value)


def store_stats(store: Store) -> StoreStats:
    """Count what the store holds and validate it once for the number of warnings."""
    ontology = ox.Literal(graph_iri("ontology/"))
    per_class = {
        shorten(text(r["class"])): _int(r["n"]) for r in store.select(_PER_CLASS, {"ontology": ontology})
    }
    per_grade = {
        f"{shorten(text(r['scheme']))} {text(r['notation'])}": _int(r["n"]) for r in store.select(_PER_GRADE)
    }
    per_licensing = {text(r["status"]): _int(r["n"]) for r in store.select(_PER_LICENSING)}
    report = validate_quads(store.quads())
    return StoreStats(
        quads=len(store),
        graphs=[g.value for g in store.graphs()],
        per_class=per_class,
        per_grade=per_grade,
        per_licensing=per_licensing,
        violations=report.violation_count,
        warnings=report.warning_count,
    )
