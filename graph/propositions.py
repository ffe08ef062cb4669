"""Propositions and conflicts: what several sources say about the same thing.

Claims of one kind about the same drug and the same target (the condition of an indication, the
other drug of an interaction, the gene of a pharmacogenomic rule, ...) are one proposition;
each claim is one source's assertion of it, with its own polarity, licensing and grade. A
proposition stated by several sources is corroborated; two assertions from different sources
conflict when one is negated and the other not, when one says licensed and the other unlicensed
in the same named jurisdiction, or when their grades reach different GRADE certainty levels
through the crosswalks. A conflict is a finding to show, never a validation failure; within one
source the same proposition twice is a duplicate, which the shapes refuse.

One query reads the assertions a filter selects (graph.claims compiles the filter); they are
grouped here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import pyoxigraph as ox

from graph.claims import CLAIM_KINDS, ClaimFilter, _compile, _names
from graph.entity import iri_list
from graph.namespaces import EV
from graph.store import Store, Term, text

#: What makes two claims of one kind and drug the same proposition: the values of these
#: predicates (the duplicate-claim constraint of the shapes compares the same ones).
TARGET_PREDICATES: tuple[str, ...] = tuple(
    str(EV[p])
    for p in ("condition", "coMedication", "interactant", "phenotype", "gene", "monitoredParameter")
)

#: Jurisdictions two licensing statuses can disagree in (not "not stated": an unnamed regulator
#: may be a different one).
NOT_STATED = str(EV.JurisdictionNotStated)


@dataclass(frozen=True)
class Assertion:
    """One claim, as one source's assertion of a proposition."""

    claim: str
    kind: str
    drug: str
    source: str
    targets: frozenset[str]
    negated: bool
    licensing: str | None
    jurisdiction: str | None
    #: The GRADE certainty rank its evidence grade reaches (directly or by a crosswalk).
    certainty: int | None

    @property
    def key(self) -> tuple[str, str, tuple[str, ...]]:
        """The proposition it asserts: kind, drug and targets.

        A claim without targets (a mechanism, a practice point) is a proposition of its own.
        """
        return (self.kind, self.drug, tuple(sorted(self.targets)) if self.targets else ("", self.claim))


@dataclass(frozen=True)
class Proposition:
    """Claims of one kind about the same drug and targets, and the sources that make them."""

    kind: str
    drug: str
    targets: tuple[str, ...]
    claims: tuple[str, ...]
    sources: tuple[str, ...]

    @property
    def key(self) -> str:
        """A stable text key: kind, drug and targets (or its one claim), space-separated IRIs."""
        return " ".join((self.kind, self.drug, *(self.targets or self.claims[:1])))


@dataclass(frozen=True)
class Conflict:
    """Two assertions of one proposition, from different sources, that disagree."""

    #: NEGATION, LICENSING or GRADE.
    kind: str
    proposition: Proposition
    claims: tuple[str, str]
    sources: tuple[str, str]
    detail: str


_ASSERTIONS = """SELECT ?s ?kind ?drug ?source ?target ?negated ?status ?jurisdiction ?rank WHERE {
  %(filter)s
  ?s a ?kind ; ev:drug ?drug ; prov:wasDerivedFrom ?source .
  FILTER(?kind IN (%(kinds)s))
  OPTIONAL { ?s ?targetPredicate ?target FILTER(?targetPredicate IN (%(targets)s)) }
  OPTIONAL { ?s ev:negated ?negated }
  OPTIONAL { ?s ev:licensingStatus ?status ; ev:licensingJurisdiction ?jurisdiction }
  OPTIONAL { ?s ev:evidenceGrade ?grade .
             ?grade (skos:closeMatch|skos:broadMatch)? ?level .
             ?level skos:inScheme grade:grade-certainty ; ev:rank ?rank }
}"""


class _Reading:
    """What the rows of one claim say, gathered."""

    def __init__(self) -> None:
        self.kinds: set[str] = set()
        self.drug = self.source = ""
        self.targets: set[str] = set()
        self.negated = False
        self.licensing: str | None = None
        self.jurisdiction: str | None = None
        self.certainty: int | None = None

    def take(self, row: Mapping[str, Term]) -> None:
        self.kinds.add(text(row["kind"]))
        self.drug, self.source = text(row["drug"]), text(row["source"])
        if "target" in row:
            self.targets.add(text(row["target"]))
        self.negated = self.negated or ("negated" in row and text(row["negated"]) == "true")
        if "status" in row and "jurisdiction" in row:
            self.licensing, self.jurisdiction = text(row["status"]), text(row["jurisdiction"])
        if "rank" in row:
            rank = int(text(row["rank"]))
            self.certainty = rank if self.certainty is None else max(self.certainty, rank)


def assertions(store: Store, claim_filter: ClaimFilter) -> list[Assertion]:
    """The live claims ``claim_filter`` selects, as assertions (one query), in IRI order."""
    kinds = claim_filter.kinds or tuple(str(k) for k in CLAIM_KINDS)
    return _assertions(store, _compile(claim_filter, _names(store, claim_filter)), kinds)


def _assertions(store: Store, selection: str, kinds: Iterable[str]) -> list[Assertion]:
    """The assertions of the claims ``selection`` (SPARQL patterns binding ?s) selects."""
    sparql = _ASSERTIONS % {
        "filter": selection,
        "kinds": ", ".join(str(ox.NamedNode(k)) for k in kinds),
        "targets": ", ".join(str(ox.NamedNode(p)) for p in TARGET_PREDICATES),
    }
    readings: dict[str, _Reading] = defaultdict(_Reading)
    for row in store.select(sparql):
        claim = row.get("s")
        if isinstance(claim, ox.NamedNode) and all(k in row for k in ("kind", "drug", "source")):
            readings[claim.value].take(row)
    return [
        Assertion(
            claim=iri,
            kind=min(r.kinds),
            drug=r.drug,
            source=r.source,
            targets=frozenset(r.targets),
            negated=r.negated,
            licensing=r.licensing,
            jurisdiction=r.jurisdiction,
            certainty=r.certainty,
        )
        for iri, r in sorted(readings.items())
    ]


def group(found: Iterable[Assertion]) -> list[tuple[Proposition, list[Assertion]]]:
    """The propositions the assertions make, each with its assertions, in key order."""
    by_key: dict[tuple[str, str, tuple[str, ...]], list[Assertion]] = defaultdict(list)
    for assertion in found:
        by_key[assertion.key].append(assertion)
    grouped = []
    for (kind, drug, targets), members in sorted(by_key.items()):
        proposition = Proposition(
            kind=kind,
            drug=drug,
            targets=targets if targets[:1] != ("",) else (),
            claims=tuple(a.claim for a in members),
            sources=tuple(sorted({a.source for a in members})),
        )
        grouped.append((proposition, members))
    return grouped


def propositions(store: Store, claim_filter: ClaimFilter, min_sources: int = 1) -> list[Proposition]:
    """The propositions of the claims ``claim_filter`` selects, stated by ``min_sources`` or more."""
    return [p for p, _ in group(assertions(store, claim_filter)) if len(p.sources) >= min_sources]


def proposition_of(store: Store, claim: str) -> Proposition | None:
    """The proposition a claim asserts, with every claim of every source that asserts it too."""
    return propositions_of(store, [claim]).get(claim)


def propositions_of(store: Store, claims: Sequence[str]) -> dict[str, Proposition]:
    """The proposition each of ``claims`` asserts (absent: not a claim), in two queries for all.

    One reads the claims' own assertions (a retracted claim is its proposition's only retracted
    member); one reads every live claim of the same kinds and drugs, for all of them at once.
    """
    if not claims:
        return {}
    kinds = [str(k) for k in CLAIM_KINDS]
    own = _assertions(store, f"VALUES ?s {{ {iri_list(sorted(set(claims)))} }}", kinds)
    if not own:
        return {}
    pairs = sorted({(a.kind, a.drug) for a in own})
    values = " ".join(f"({ox.NamedNode(kind)} {ox.NamedNode(drug)})" for kind, drug in pairs)
    selection = (
        f"VALUES (?kind ?drug) {{ {values} }} ?s a ?kind ; ev:drug ?drug . "
        "FILTER NOT EXISTS { ?s prov:invalidatedAtTime ?retractedAt }"
    )
    same = _assertions(store, selection, kinds)
    held = {a.claim for a in same}
    found = {}
    for proposition, members in group([*same, *(a for a in own if a.claim not in held)]):
        found.update({a.claim: proposition for a in members})
    return {claim: found[claim] for claim in claims if claim in found}


def conflicts(store: Store, claim_filter: ClaimFilter) -> list[Conflict]:
    """Disagreements between sources about the propositions of the claims ``claim_filter`` selects."""
    found = []
    for proposition, members in group(assertions(store, claim_filter)):
        for a, b in combinations(members, 2):
            if a.source == b.source:
                continue  # the same source twice is a duplicate, not a conflict
            found += [
                Conflict(kind, proposition, (a.claim, b.claim), (a.source, b.source), detail)
                for kind, detail in _disagreements(a, b)
            ]
    return found


def _disagreements(a: Assertion, b: Assertion) -> list[tuple[str, str]]:
    found = []
    if a.negated != b.negated:
        found.append(("NEGATION", "one source states it, the other states that it does not hold"))
    if (
        a.licensing is not None
        and b.licensing is not None
        and a.licensing != b.licensing
        and a.jurisdiction == b.jurisdiction
        and a.jurisdiction != NOT_STATED
    ):
        found.append(
            ("LICENSING", "licensed in one source and unlicensed in the other, in the same jurisdiction")
        )
    if a.certainty is not None and b.certainty is not None and a.certainty != b.certainty:
        found.append(
            (
                "GRADE",
                f"their grades reach different GRADE certainty levels ({a.certainty} and {b.certainty})",
            )
        )
    return found
