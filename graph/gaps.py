"""What needs a curator's attention, per source and overall: the gap report for guideline authors.

Each kind of gap is a curation Warning of the shapes or a finding the curators should review:

- ``UNRESOLVED_REFERENCE``: a reference the source cites but does not name (``ev:unresolved``);
- ``INCOMPLETE_REFERENCE``: a named reference without a title or a year;
- ``CLAIM_WITHOUT_REFERENCE``: a live claim citing no reference;
- ``UNCITED_MARKERS``: an evidence item whose printed markers point to no reference;
- ``UNUSED_EVIDENCE``: an evidence item no claim uses;
- ``INFERRED_GRADE``: a claim whose grade the curators inferred (``ev:gradeInferred``);
- ``CURATOR_CROSSWALK``: a grade the claims use whose crosswalk to GRADE (``skos:closeMatch`` or
  ``skos:broadMatch``) is the curators' mapping, not the scale's, with their editorial notes;
- ``CONFLICT``: two sources that disagree about a proposition (graph.propositions);
- ``MISSING_IDENTIFIER``: a drug, condition or gene with neither an identifier (``ev:identifier``)
  nor a ``skos:exactMatch`` to a standard one.

A gap concerns the sources it comes from: a reference its source, a claim or an evidence item
its claim's source, a crosswalk and a node the sources whose live claims use them, a conflict
both sources. The report takes eight SPARQL queries at most, whatever the size of the store.

>>> from graph.load import bundled_files, load_sources
>>> from graph.store import EvidenceStore
>>> store = EvidenceStore()
>>> _ = load_sources(store, bundled_files())
>>> report = gap_report(store)
>>> report.count("UNRESOLVED_REFERENCE"), report.count("INFERRED_GRADE")
(2, 3)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from graph.claims import CLAIM_KINDS, ClaimFilter
from graph.entity import iri_list, solutions
from graph.namespaces import EV, GRADE
from graph.propositions import conflicts
from graph.store import Store, Term, text

#: The kinds of gap, in the order reports list them.
GAP_KINDS: tuple[str, ...] = (
    "UNRESOLVED_REFERENCE",
    "INCOMPLETE_REFERENCE",
    "CLAIM_WITHOUT_REFERENCE",
    "UNCITED_MARKERS",
    "UNUSED_EVIDENCE",
    "INFERRED_GRADE",
    "CURATOR_CROSSWALK",
    "CONFLICT",
    "MISSING_IDENTIFIER",
)
#: What each kind means, for people.
GAP_DESCRIPTIONS: dict[str, str] = {
    "UNRESOLVED_REFERENCE": "Cited by the source but not named in its reference list.",
    "INCOMPLETE_REFERENCE": "Named reference without a title or a year of publication.",
    "CLAIM_WITHOUT_REFERENCE": "Claim that cites no reference.",
    "UNCITED_MARKERS": "Evidence item whose printed citation markers point to no reference.",
    "UNUSED_EVIDENCE": "Evidence item that no claim uses.",
    "INFERRED_GRADE": "Grade inferred by the curators, not printed in the source.",
    "CURATOR_CROSSWALK": "Crosswalk to GRADE that is the curators' mapping, not the scale's own.",
    "CONFLICT": "Two sources disagree about the same proposition.",
    "MISSING_IDENTIFIER": "Drug, condition or gene without a standard identifier.",
}
#: The classes whose nodes should carry a standard identifier.
IDENTIFIED_KINDS = (EV.Drug, EV.DrugClass, EV.Condition, EV.PatientState, EV.Gene)


@dataclass(frozen=True)
class Gap:
    """One thing that needs a curator's attention."""

    kind: str
    #: The node the gap is about (a reference, claim, evidence item, grade, node; a conflict's first claim).
    iri: str
    label: str
    detail: str
    #: The sources it concerns (IRIs, sorted); none for a node no live claim uses.
    sources: tuple[str, ...] = ()
    #: Other nodes it involves: the GRADE level of a crosswalk, the other claim of a conflict.
    related: tuple[str, ...] = ()
    #: The curators' notes on it (ev:curationNote, or a grade's skos:editorialNote), sorted.
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class SourceGaps:
    """How many gaps of each kind concern one source."""

    iri: str
    title: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        """Every gap that concerns the source."""
        return sum(self.counts.values())


@dataclass(frozen=True)
class GapReport:
    """The gaps, each once, and their counts per source; ``source`` the source asked for (None: all)."""

    source: str | None
    gaps: tuple[Gap, ...]
    sources: tuple[SourceGaps, ...] = field(default=())

    def count(self, kind: str) -> int:
        """How many gaps of ``kind`` the report holds."""
        return sum(1 for g in self.gaps if g.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        """Gaps per kind, every kind listed (zero where none)."""
        return {kind: self.count(kind) for kind in GAP_KINDS}

    def to_json(self) -> dict[str, Any]:
        """The report as JSON, with the field names and shape of the GraphQL ``gaps`` field."""
        return {
            "source": self.source,
            "total": len(self.gaps),
            "counts": [{"kind": k, "count": n} for k, n in self.counts.items()],
            "sources": [
                {
                    "iri": s.iri,
                    "title": s.title,
                    "total": s.total,
                    "counts": [{"kind": k, "count": n} for k, n in s.counts.items()],
                }
                for s in self.sources
            ],
            "gaps": [
                {
                    "kind": g.kind,
                    "iri": g.iri,
                    "label": g.label,
                    "detail": g.detail,
                    "sources": list(g.sources),
                    "related": list(g.related),
                    "notes": list(g.notes),
                }
                for g in self.gaps
            ],
        }


def gap_report(store: Store, source: str | None = None) -> GapReport:
    """The gaps of every source, or of the source ``source`` (an IRI) alone."""
    titles = _titles(store)
    found = [
        *_reference_gaps(store),
        *_claim_gaps(store),
        *_evidence_gaps(store),
        *_crosswalk_gaps(store),
        *_conflict_gaps(store),
        *_identifier_gaps(store),
    ]
    if source is not None:
        found = [g for g in found if source in g.sources]
    order = {kind: i for i, kind in enumerate(GAP_KINDS)}
    found.sort(key=lambda g: (order[g.kind], g.label.casefold(), g.iri))
    shown = [source] if source is not None else sorted(titles, key=lambda s: (titles[s].casefold(), s))
    per_source = []
    for iri in shown:
        counts = dict.fromkeys(GAP_KINDS, 0)
        for gap in found:
            if iri in gap.sources:
                counts[gap.kind] += 1
        per_source.append(SourceGaps(iri=iri, title=titles.get(iri, iri), counts=counts))
    return GapReport(source=source, gaps=tuple(found), sources=tuple(per_source))


def _value(term: Term | None) -> str | None:
    return None if term is None else text(term)


def _gathered(rows: Iterable[tuple[Term | None, ...]]) -> dict[str, list[tuple[str | None, ...]]]:
    """Rows grouped by their first value (an IRI), the rest of each row as text."""
    grouped: dict[str, list[tuple[str | None, ...]]] = defaultdict(list)
    for row in rows:
        if isinstance(row[0], ox.NamedNode):
            grouped[row[0].value].append(tuple(_value(v) for v in row[1:]))
    return grouped


def _distinct(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({v for v in values if v}))


_LIVE = "FILTER NOT EXISTS { ?claim prov:invalidatedAtTime ?retracted }"
_KINDS = iri_list(str(k) for k in CLAIM_KINDS)


def _first(found: Sequence[tuple[str | None, ...]], column: int, default: str) -> str:
    """The smallest value of ``column`` in the rows, or ``default`` where it is never bound."""
    return (_distinct(r[column] for r in found) or (default,))[0]


def _titles(store: Store) -> dict[str, str]:
    """Source IRI -> its title (its IRI when it has none)."""
    rows = solutions(
        store,
        "SELECT ?s ?title WHERE { ?s a ev:SourceDocument OPTIONAL { ?s dcterms:title ?title } }",
        ("s", "title"),
    )
    return {iri: _first(found, 0, iri) for iri, found in _gathered(rows).items()}


def _reference_gaps(store: Store) -> list[Gap]:
    rows = solutions(
        store,
        f"""SELECT ?r ?number ?title ?issued ?unresolved ?source ?note WHERE {{
          ?r a ev:Reference .
          OPTIONAL {{ ?r dcterms:title ?title }}
          OPTIONAL {{ ?r dcterms:issued ?issued }}
          OPTIONAL {{ ?r ev:unresolved ?unresolved }}
          FILTER(COALESCE(?unresolved, false) = true || !BOUND(?title) || !BOUND(?issued))
          OPTIONAL {{ ?r ev:citationNumber ?number }}
          OPTIONAL {{ {{ ?r dcterms:isPartOf ?source }} UNION
                     {{ VALUES ?kind {{ {_KINDS} }} ?claim ev:citesAsEvidence ?r ; a ?kind ;
                        prov:wasDerivedFrom ?source {_LIVE} }} }}
          OPTIONAL {{ ?r ev:curationNote ?note }}
        }}""",
        ("r", "number", "title", "issued", "unresolved", "source", "note"),
    )
    gaps = []
    for iri, found in _gathered(rows).items():
        number, title, issued, unresolved = found[0][:4]
        sources, notes = _distinct(r[4] for r in found), _distinct(r[5] for r in found)
        label = title or (f"Reference {number}" if number else iri)
        if unresolved == "true":
            gaps.append(
                Gap(
                    "UNRESOLVED_REFERENCE",
                    iri,
                    label,
                    GAP_DESCRIPTIONS["UNRESOLVED_REFERENCE"],
                    sources,
                    (),
                    notes,
                )
            )
            continue
        missing = " and ".join(m for m, v in (("a title", title), ("a year", issued)) if v is None)
        gaps.append(
            Gap("INCOMPLETE_REFERENCE", iri, label, f"Reference without {missing}.", sources, (), notes)
        )
    return gaps


def _claim_gaps(store: Store) -> list[Gap]:
    rows = solutions(
        store,
        f"""SELECT ?claim ?label ?source ?inferred ?cited ?grade ?printed ?note WHERE {{
          VALUES ?kind {{ {_KINDS} }} ?claim a ?kind . {_LIVE}
          OPTIONAL {{ ?claim ev:gradeInferred ?inferred }}
          # a claim read from dataset records has its provenance in them, as the shapes say
          BIND(EXISTS {{ ?claim ev:citesAsEvidence ?any }} || EXISTS {{ ?claim ev:evidence/ev:recordId ?id }}
               AS ?cited)
          FILTER(COALESCE(?inferred, false) = true || !?cited)
          OPTIONAL {{ ?claim rdfs:label ?label }}
          OPTIONAL {{ ?claim prov:wasDerivedFrom ?source }}
          OPTIONAL {{ ?claim ev:evidenceGrade/skos:notation ?grade }}
          OPTIONAL {{ ?claim ev:printedGrade ?printed }}
          OPTIONAL {{ ?claim ev:curationNote ?note }}
        }}""",
        ("claim", "label", "source", "inferred", "cited", "grade", "printed", "note"),
    )
    gaps = []
    for iri, found in _gathered(rows).items():
        label = _first(found, 0, iri)
        sources, notes = _distinct(r[1] for r in found), _distinct(r[6] for r in found)
        if any(r[2] == "true" for r in found):
            grade = _distinct(r[4] for r in found)
            printed = _distinct(r[5] for r in found)
            detail = f"Grade {', '.join(grade) or '(none)'} inferred by the curators" + (
                f"; printed: {', '.join(printed)}." if printed else "; the source prints no grade letter."
            )
            gaps.append(Gap("INFERRED_GRADE", iri, label, detail, sources, (), notes))
        if any(r[3] == "false" for r in found):
            gaps.append(
                Gap(
                    "CLAIM_WITHOUT_REFERENCE",
                    iri,
                    label,
                    GAP_DESCRIPTIONS["CLAIM_WITHOUT_REFERENCE"],
                    sources,
                    (),
                    notes,
                )
            )
    return gaps


def _evidence_gaps(store: Store) -> list[Gap]:
    rows = solutions(
        store,
        """SELECT ?e ?used ?cited ?markers ?text ?record ?source ?graphSource WHERE {
          GRAPH ?g { ?e a ev:EvidenceItem }
          OPTIONAL { ?e ev:citationMarkers ?markers }
          BIND(EXISTS { ?user ev:evidence ?e } AS ?used)
          BIND(EXISTS { ?e ev:citesAsEvidence ?any } AS ?cited)
          FILTER(!?used || (BOUND(?markers) && !?cited))
          OPTIONAL { ?e ev:text ?text }
          OPTIONAL { ?e ev:recordId ?record }
          OPTIONAL { ?claim ev:evidence ?e ; prov:wasDerivedFrom ?source }
          OPTIONAL { GRAPH ?g { ?graphSource a ev:SourceDocument } }
        }""",
        ("e", "used", "cited", "markers", "text", "record", "source", "graphSource"),
    )
    gaps = []
    for iri, found in _gathered(rows).items():
        used, cited, markers, passage, record = found[0][:5]
        words = passage or (f"Record {record}" if record else iri)
        label = words if len(words) <= 80 else words[:79] + "\u2026"
        # its claims' sources; for an item no claim uses, the source in its named graph
        sources = _distinct(r[5] for r in found) or _distinct(r[6] for r in found)
        if used == "false":
            gaps.append(Gap("UNUSED_EVIDENCE", iri, label, GAP_DESCRIPTIONS["UNUSED_EVIDENCE"], sources))
        if markers is not None and cited == "false":
            detail = f"Markers printed ({markers}) but no reference linked (ev:citesAsEvidence)."
            gaps.append(Gap("UNCITED_MARKERS", iri, label, detail, sources))
    return gaps


def _crosswalk_gaps(store: Store) -> list[Gap]:
    rows = solutions(
        store,
        f"""SELECT DISTINCT ?grade ?notation ?label ?schemeLabel ?match ?level ?levelLabel ?levelScheme
          ?source ?note WHERE {{
          VALUES ?kind {{ {_KINDS} }}
          ?claim a ?kind ; ev:evidenceGrade|ev:recommendationStrength ?grade ; prov:wasDerivedFrom ?source .
          {_LIVE}
          VALUES ?match {{ skos:closeMatch skos:broadMatch }}
          ?grade ?match ?level .
          ?level skos:inScheme ?levelScheme .
          FILTER(?levelScheme IN ({ox.NamedNode(str(GRADE["grade-certainty"]))},
                                  {ox.NamedNode(str(GRADE["grade-strength"]))}))
          OPTIONAL {{ ?grade skos:notation ?notation }}
          OPTIONAL {{ ?grade skos:prefLabel ?label }}
          OPTIONAL {{ ?grade skos:inScheme/skos:prefLabel ?schemeLabel }}
          OPTIONAL {{ ?level skos:prefLabel ?levelLabel }}
          OPTIONAL {{ ?grade skos:editorialNote ?note }}
        }}""",
        (
            "grade",
            "notation",
            "label",
            "schemeLabel",
            "match",
            "level",
            "levelLabel",
            "levelScheme",
            "source",
            "note",
        ),
    )
    gaps = []
    for iri, found in _gathered(rows).items():
        notation, label, scheme = found[0][:3]
        levels = _distinct(r[4] for r in found)
        walks = "; ".join(
            f"{'close' if (match or '').endswith('closeMatch') else 'broad'} match to GRADE "
            f"{'strength' if (axis or '').endswith('grade-strength') else 'certainty'} {name or level}"
            for match, level, name, axis in sorted({r[3:7] for r in found}, key=lambda r: str(r[1]))
        )
        name = f"{scheme}: {notation or label}" if scheme else notation or label or iri
        gaps.append(
            Gap(
                "CURATOR_CROSSWALK",
                iri,
                f"{name} ({label})" if label and notation else name,
                f"{walks}; the curators' mapping, not the scale's.",
                _distinct(r[7] for r in found),
                levels,
                _distinct(r[8] for r in found),
            )
        )
    return gaps


def _conflict_gaps(store: Store) -> list[Gap]:
    found = conflicts(store, ClaimFilter())
    if not found:
        return []
    iris = {i for c in found for i in (c.claims[0], c.claims[1], c.proposition.drug, *c.proposition.targets)}
    rows = solutions(
        store,
        f"SELECT ?s ?label WHERE {{ VALUES ?s {{ {iri_list(sorted(iris))} }} ?s rdfs:label ?label }}",
        ("s", "label"),
    )
    labels = {iri: _first(found, 0, iri) for iri, found in _gathered(rows).items()}
    gaps = []
    for conflict in found:
        about = [labels.get(i, i) for i in (conflict.proposition.drug, *conflict.proposition.targets)]
        gaps.append(
            Gap(
                "CONFLICT",
                conflict.claims[0],
                f"{conflict.kind.capitalize()}: {' / '.join(about)}",
                f"{labels.get(conflict.claims[0], conflict.claims[0])} vs "
                f"{labels.get(conflict.claims[1], conflict.claims[1])}: {conflict.detail}.",
                tuple(sorted(set(conflict.sources))),
                (conflict.claims[1],),
            )
        )
    return gaps


def _identifier_gaps(store: Store) -> list[Gap]:
    rows = solutions(
        store,
        f"""SELECT ?n ?label ?source WHERE {{
          VALUES ?type {{ {iri_list(str(k) for k in IDENTIFIED_KINDS)} }}
          ?n a ?type .
          FILTER NOT EXISTS {{ ?n ev:identifier ?id }}
          FILTER NOT EXISTS {{ ?n skos:exactMatch ?match }}
          OPTIONAL {{ ?n rdfs:label ?label }}
          OPTIONAL {{
            VALUES ?kind {{ {_KINDS} }}
            {{ ?claim ?p ?n }} UNION {{ ?claim ev:evidence ?e . ?e ?q ?n }}
            ?claim a ?kind ; prov:wasDerivedFrom ?source . {_LIVE}
          }}
        }}""",
        ("n", "label", "source"),
    )
    return [
        Gap(
            "MISSING_IDENTIFIER",
            iri,
            _first(found, 0, iri),
            "No ev:identifier and no skos:exactMatch to a standard identifier (MONDO, RxNorm, HGNC, ...).",
            _distinct(r[1] for r in found),
        )
        for iri, found in _gathered(rows).items()
    ]
