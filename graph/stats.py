"""What the store holds: instances per class; live claims per kind, grade and licensing status."""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph.claims import link_named, named
from graph.namespaces import graph_iri, shorten
from graph.store import Store, rows_of, text
from graph.validation import validate_quads

_PER_CLASS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {
  GRAPH ?g { ?s a ?class }
  FILTER(!STRSTARTS(STR(?g), ?ontology))
} GROUP BY ?class ORDER BY DESC(?n) ?class
"""

_LIVE = "FILTER NOT EXISTS { ?s prov:invalidatedAtTime ?retractedAt }"


@dataclass(frozen=True)
class GroupCount:
    """How many live claims fall in one group."""

    #: The group: a grade's notation, a licensing status's IRI or a claim kind's class IRI.
    key: str
    label: str
    #: For grades: the grading scheme's name (its IRI after ``grade:``).
    scheme: str | None
    count: int


@dataclass(frozen=True)
class ClaimCounts:
    """Live (not retracted) claims per grade, per licensing status (indications) and per kind."""

    by_grade: list[GroupCount]
    by_licensing_status: list[GroupCount]
    by_kind: list[GroupCount]
    #: Retracted claims, counted in no group above.
    retracted: int


def claim_counts(store: Store, drug: str | None = None) -> ClaimCounts:
    """Count the claims, of one drug only if ``drug`` is given (an IRI, name, synonym or identifier).

    What ``evidence-graph stats`` prints and GraphQL ``statistics`` answers.
    """
    about = " ".join(link_named("ev:drug", "drug", drug, named(store, drug))) if drug else ""
    grades = store.select(
        f"""SELECT ?notation ?schemeName ?label (COUNT(DISTINCT ?s) AS ?n) WHERE {{
              {about} ?s ev:evidenceGrade|ev:recommendationStrength ?g . {_LIVE}
              ?g skos:notation ?notation ; skos:prefLabel ?label ; skos:inScheme ?scheme .
              BIND(STRAFTER(STR(?scheme), STR(grade:)) AS ?schemeName)
            }} GROUP BY ?notation ?schemeName ?label ORDER BY ?schemeName ?notation"""
    )
    licensing = store.select(
        f"""SELECT ?status ?label (COUNT(DISTINCT ?s) AS ?n) WHERE {{
              {about} ?s a ev:IndicationStatement ; ev:licensingStatus ?status . {_LIVE}
              ?status skos:prefLabel ?label .
            }} GROUP BY ?status ?label ORDER BY ?status"""
    )
    kinds = store.select(
        f"""SELECT ?kind ?label (COUNT(DISTINCT ?s) AS ?n) WHERE {{
              {about} ?s a ?kind . ?kind rdfs:subClassOf ev:ClinicalStatement . {_LIVE}
              OPTIONAL {{ ?kind rdfs:label ?label }}
            }} GROUP BY ?kind ?label ORDER BY ?kind"""
    )
    retracted = store.select(
        f"""SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{
              {about} ?s a ?kind ; prov:invalidatedAtTime ?at . ?kind rdfs:subClassOf ev:ClinicalStatement .
            }}"""
    )
    return ClaimCounts(
        by_grade=[
            GroupCount(text(r["notation"]), text(r["label"]), text(r["schemeName"]), _int(r["n"]))
            for r in grades
        ],
        by_licensing_status=[
            GroupCount(text(r["status"]), text(r["label"]), None, _int(r["n"])) for r in licensing
        ],
        by_kind=[
            GroupCount(text(r["kind"]), text(r["label"]) if "label" in r else "", None, _int(r["n"]))
            for r in kinds
        ],
        retracted=_int(retracted[0]["n"]) if retracted else 0,
    )


@dataclass(frozen=True)
class StoreStats:
    """Counts for ``evidence-graph stats``."""

    quads: int
    graphs: list[str]
    per_class: dict[str, int]
    per_kind: dict[str, int]
    per_grade: dict[str, int]
    per_licensing: dict[str, int]
    retracted: int
    violations: int
    warnings: int

    def to_text(self) -> str:
        """Aligned tables for a terminal."""
        lines = [f"quads: {self.quads}", f"named graphs: {len(self.graphs)}"]
        lines += [f"  {g}" for g in self.graphs]
        for title, counts in (
            ("instances per class", self.per_class),
            ("live claims per kind", self.per_kind),
            ("live claims per grade", self.per_grade),
            ("live indications per licensing status", self.per_licensing),
        ):
            lines.append(f"{title}:")
            width = max((len(k) for k in counts), default=0)
            lines += [f"  {k.ljust(width)}  {v}" for k, v in counts.items()]
        lines.append(f"retracted claims: {self.retracted}")
        lines.append(f"SHACL violations: {self.violations}")
        lines.append(f"SHACL warnings: {self.warnings}")
        return "\n".join(lines)


def _int(term: object) -> int:
    assert isinstance(term, ox.Literal)
    return int(term.value)


def store_stats(store: Store) -> StoreStats:
    """Count what the store holds and validate it once for the number of warnings."""
    ontology = ox.Literal(graph_iri("ontology/"))
    # the store's own graphs (a SPARQL server may hold others: Virtuoso's, say)
    result = store.query(_PER_CLASS, {"ontology": ontology}, named_graphs=store.graphs())
    assert isinstance(result, ox.QuerySolutions)
    per_class = {shorten(text(r["class"])): _int(r["n"]) for r in rows_of(result)}
    claims = claim_counts(store)
    report = validate_quads(store.quads())
    return StoreStats(
        quads=len(store),
        graphs=[g.value for g in store.graphs()],
        per_class=per_class,
        per_kind={shorten(g.key): g.count for g in claims.by_kind},
        per_grade={f"grade:{g.scheme} {g.key}": g.count for g in claims.by_grade},
        per_licensing={g.label: g.count for g in claims.by_licensing_status},
        retracted=claims.retracted,
        violations=report.violation_count,
        warnings=report.warning_count,
    )
