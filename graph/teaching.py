"""A teaching sheet: one drug's indications, contraindications, pharmacogenomics and monitoring on one page.

Indications are grouped by licensing status (licensed, unlicensed, not stated) and, within each,
by evidence grade, strongest first; contraindications by severity; pharmacogenomic rules,
monitoring requirements and practice points (the source's pitfalls) follow. Every point carries the
numbers of its references, and the sheet ends with the numbered reference list (authors in
printed order, title, journal, year). The numbers are the source's own citation numbers when the
sheet's references all have one and no two share it (one source); otherwise they are given in
order of first citation on the sheet.

Reading takes two SPARQL queries whatever the number of claims: one finds the claims, one
describes them with every node they link to. graph.sheet_formats renders a sheet as HTML,
Markdown and PDF.

>>> from graph.load import bundled_files, load_sources
>>> from graph.store import EvidenceStore
>>> store = EvidenceStore()
>>> _ = load_sources(store, bundled_files())
>>> sheet = teaching_sheet(store, "https://w3id.org/evidence-graph/id/drug/azathioprine")
>>> [group.status for group in sheet.indications]
['Licensed', 'Unlicensed']
>>> [(g.notation, [p.text for p in g.points]) for g in sheet.indications[1].grades][0]
('A', ['Atopic dermatitis (monotherapy)', "Behçet's disease", 'Chronic actinic dermatitis'])
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graph.authors import printed_authors
from graph.claims import ClaimFilter, matching_claims
from graph.entity import Entity, describe
from graph.fhir_codes import Nodes
from graph.namespaces import BIBO, EV, PREFIXES, PROV
from graph.store import Store

_SKOS = PREFIXES["skos"]
_RDFS_LABEL = PREFIXES["rdfs"] + "label"
_DCTERMS = PREFIXES["dcterms"]
NOT_STATED = str(EV.JurisdictionNotStated)

#: The kinds a sheet shows, each in its section.
SHEET_KINDS = (
    str(EV.IndicationStatement),
    str(EV.ContraindicationStatement),
    str(EV.PharmacogenomicStatement),
    str(EV.MonitoringStatement),
    str(EV.PracticePointStatement),
)
#: Licensing groups, in the order printed; None: the source states no licensing status.
_LICENSING = (
    (str(EV.Licensed), "Licensed"),
    (str(EV.Unlicensed), "Unlicensed"),
    (None, "Licensing not stated"),
)


def _ev(name: str) -> str:
    return str(EV[name])


#: What the describe follows from each claim: the nodes a sheet names.
_PATHS: tuple[tuple[str, ...], ...] = (
    (_ev("drug"),),
    (_ev("condition"),),
    (_ev("coMedication"),),
    (_ev("gene"),),
    (_ev("licensingStatus"),),
    (_ev("licensingJurisdiction"),),
    (_ev("severity"),),
    (_ev("therapyRole"),),
    (_ev("evidenceGrade"),),
    (_ev("evidenceGrade"), _SKOS + "inScheme"),
    (_ev("citesAsEvidence"),),
    (_ev("citesAsEvidence"), str(BIBO.authorList)),
    (str(PROV.wasDerivedFrom),),
)


@dataclass(frozen=True)
class Point:
    """One line of the sheet: what a claim says, in a few words, and its reference numbers."""

    claim: str
    text: str
    references: tuple[int, ...]
    negated: bool = False
    #: The regulator, when the group does not name one for all its points.
    jurisdiction: str | None = None
    grade_inferred: bool = False


@dataclass(frozen=True)
class GradeGroup:
    """The points of one evidence grade (``notation`` None: no grade given)."""

    notation: str | None
    label: str
    scheme: str
    #: The grade's rank in its scheme (higher is stronger; 0 when none is given).
    rank: int
    points: tuple[Point, ...]

    @property
    def inferred(self) -> bool:
        """Whether the curators inferred the grade of any of its points (not printed in the source)."""
        return any(p.grade_inferred for p in self.points)


@dataclass(frozen=True)
class LicensingGroup:
    """The indications of one licensing status, by grade; ``jurisdiction``: the regulator all share."""

    status: str
    jurisdiction: str | None
    grades: tuple[GradeGroup, ...]


@dataclass(frozen=True)
class SeverityGroup:
    """The contraindications of one severity."""

    severity: str
    points: tuple[Point, ...]


@dataclass(frozen=True)
class SheetReference:
    """One entry of the reference list."""

    number: int
    iri: str
    authors: tuple[str, ...]
    title: str | None
    journal: str | None
    year: str | None
    #: Volume, issue and pages as "136(3):351-355", when given.
    locator: str | None
    unresolved: bool

    @property
    def text(self) -> str:
        """The entry as the sheet prints it: "Authors. Title. Journal, year;volume(issue):pages."."""
        if self.unresolved and not self.title:
            return "Cited by the source, whose reference list does not name it."
        where = ", ".join(p for p in (self.journal, self.year) if p)
        if self.locator:
            where += f";{self.locator}"
        parts = [", ".join(self.authors), self.title or "Untitled", where]
        return " ".join(p if p.endswith((".", "?", "!")) else p + "." for p in parts if p)


@dataclass(frozen=True)
class SheetSource:
    """A source document the sheet's claims come from."""

    iri: str
    title: str
    publisher: str | None
    updated: str | None


@dataclass(frozen=True)
class TeachingSheet:
    """Everything one page says about a drug."""

    drug: str
    drug_iri: str
    sources: tuple[SheetSource, ...]
    indications: tuple[LicensingGroup, ...]
    contraindications: tuple[SeverityGroup, ...]
    pharmacogenomics: tuple[Point, ...]
    monitoring: tuple[Point, ...]
    practice_points: tuple[Point, ...]
    references: tuple[SheetReference, ...]
    #: Whether the numbers are the source's own citation numbers.
    source_numbering: bool
    #: The grading scales of the sheet's grades, by label.
    schemes: tuple[str, ...]

    @property
    def grades_inferred(self) -> bool:
        """Whether any indication's grade was inferred by the curators (the sheet says so)."""
        return any(g.inferred for group in self.indications for g in group.grades)


def teaching_sheet(store: Store, drug: str, source: str | None = None) -> TeachingSheet:
    """The teaching sheet of the drug ``drug`` (an IRI), from every source or from ``source`` (an IRI).

    Retracted claims are left out.
    """
    claims = matching_claims(store, ClaimFilter(kinds=SHEET_KINDS, drug=drug, source=source))
    found = describe(store, [drug, *claims], _PATHS)
    nodes = Nodes(found)
    read = [found[iri] for iri in claims if iri in found]
    numbers, source_numbering = _numbering(read, nodes)
    by_kind: dict[str, list[Entity]] = defaultdict(list)
    for claim in read:
        kind = next((k for k in SHEET_KINDS if k in claim.types), None)
        if kind is not None:
            by_kind[kind].append(claim)
    indications, contraindications, pgx, monitoring, practice = (by_kind[k] for k in SHEET_KINDS)
    grades = {g for c in indications if (g := c.iri_of(_ev("evidenceGrade")))}
    return TeachingSheet(
        drug=_label(nodes, drug),
        drug_iri=drug,
        sources=_sources(read, nodes),
        indications=_by_licensing(indications, nodes, numbers),
        contraindications=_by_severity(contraindications, nodes, numbers),
        pharmacogenomics=tuple(_point(c, _label(nodes, c.iri), numbers) for c in pgx),
        monitoring=tuple(_point(c, _label(nodes, c.iri), numbers) for c in monitoring),
        practice_points=tuple(_point(c, _label(nodes, c.iri), numbers) for c in practice),
        references=_references(numbers, nodes),
        source_numbering=source_numbering,
        schemes=tuple(sorted({_label(nodes, s) for g in grades if (s := _scheme(nodes, g))})),
    )


def _label(nodes: Nodes, iri: str) -> str:
    node = nodes.get(iri)
    label = (node.string(_RDFS_LABEL) or node.string(_SKOS + "prefLabel")) if node is not None else None
    return label or nodes.label(iri)


def _scheme(nodes: Nodes, grade: str) -> str | None:
    node = nodes.get(grade)
    return node.iri_of(_SKOS + "inScheme") if node is not None else None


def _numbering(claims: Sequence[Entity], nodes: Nodes) -> tuple[dict[str, int], bool]:
    """Reference IRI -> its number on the sheet, and whether those are the source's own numbers."""
    cited = list(dict.fromkeys(r for c in claims for r in c.iris(_ev("citesAsEvidence"))))
    own: dict[str, int] = {}
    for ref in cited:
        node = nodes.get(ref)
        number = node.string(_ev("citationNumber")) if node is not None else None
        if number is not None and number.isdigit():
            own[ref] = int(number)
    if len(own) == len(cited) and len(set(own.values())) == len(own):
        return own, True
    return {ref: i for i, ref in enumerate(cited, 1)}, False


def _point(claim: Entity, text: str, numbers: dict[str, int], jurisdiction: str | None = None) -> Point:
    return Point(
        claim=claim.iri,
        text=text,
        references=tuple(sorted(numbers[r] for r in claim.iris(_ev("citesAsEvidence")) if r in numbers)),
        negated=claim.flag(_ev("negated")),
        jurisdiction=jurisdiction,
        grade_inferred=claim.flag(_ev("gradeInferred")),
    )


def _indication_text(claim: Entity, nodes: Nodes) -> str:
    """The condition, with the therapy roles in brackets: "Atopic dermatitis (monotherapy)"."""
    condition = claim.iri_of(_ev("condition"))
    text = _label(nodes, condition) if condition else _label(nodes, claim.iri)
    text = text[:1].upper() + text[1:]
    roles = sorted(_label(nodes, r) for r in claim.iris(_ev("therapyRole")))
    return f"{text} ({', '.join(roles)})" if roles else text


def _by_licensing(
    claims: Iterable[Entity], nodes: Nodes, numbers: dict[str, int]
) -> tuple[LicensingGroup, ...]:
    groups = []
    listed = list(claims)
    for status, heading in _LICENSING:
        members = [c for c in listed if c.iri_of(_ev("licensingStatus")) == status]
        if not members:
            continue
        places = {c.iri_of(_ev("licensingJurisdiction")) for c in members}
        shared = places.pop() if len(places) == 1 else None
        common = _label(nodes, shared) if shared else None
        by_grade: dict[str | None, list[Point]] = defaultdict(list)
        for claim in members:
            place = claim.iri_of(_ev("licensingJurisdiction"))
            own = _label(nodes, place) if place and shared is None else None
            by_grade[claim.iri_of(_ev("evidenceGrade"))].append(
                _point(claim, _indication_text(claim, nodes), numbers, own)
            )
        grades = [_grade_group(nodes, grade, points) for grade, points in by_grade.items()]
        grades.sort(key=lambda g: (g.notation is None, g.scheme, -g.rank, g.notation or ""))
        groups.append(LicensingGroup(status=heading, jurisdiction=common, grades=tuple(grades)))
    return tuple(groups)


def _grade_group(nodes: Nodes, grade: str | None, points: list[Point]) -> GradeGroup:
    ordered = tuple(sorted(points, key=lambda p: (p.text.casefold(), p.claim)))
    if grade is None:
        return GradeGroup(notation=None, label="No grade given", scheme="", rank=0, points=ordered)
    node = nodes.get(grade) or Entity(grade)
    scheme = _scheme(nodes, grade)
    rank = node.string(_ev("rank"))
    return GradeGroup(
        notation=node.string(_SKOS + "notation") or _label(nodes, grade),
        label=_label(nodes, grade),
        scheme=_label(nodes, scheme) if scheme else "",
        rank=int(rank) if rank is not None and rank.lstrip("-").isdigit() else 0,
        points=ordered,
    )


def _by_severity(
    claims: Iterable[Entity], nodes: Nodes, numbers: dict[str, int]
) -> tuple[SeverityGroup, ...]:
    by_severity: dict[str, list[Point]] = defaultdict(list)
    for claim in claims:
        severity = claim.iri_of(_ev("severity"))
        condition, other = claim.iri_of(_ev("condition")), claim.iri_of(_ev("coMedication"))
        if condition:
            text = _label(nodes, condition)
        elif other:
            text = f"With {_label(nodes, other)}"
        else:
            text = _label(nodes, claim.iri)
        exceptions = claim.strings(_ev("exception"))
        if exceptions:
            text += f" ({'; '.join(exceptions)})"  # printed with their "except"
        by_severity[_label(nodes, severity) if severity else "Severity not stated"].append(
            _point(claim, text[:1].upper() + text[1:], numbers)
        )
    return tuple(
        SeverityGroup(
            severity=s[:1].upper() + s[1:], points=tuple(sorted(p, key=lambda x: x.text.casefold()))
        )
        for s, p in sorted(by_severity.items())
    )


def _references(numbers: dict[str, int], nodes: Nodes) -> tuple[SheetReference, ...]:
    found = []
    for iri, number in sorted(numbers.items(), key=lambda item: item[1]):
        ref = nodes.get(iri) or Entity(iri)
        volume, issue = ref.string(str(BIBO.volume)), ref.string(str(BIBO.issue))
        first, last = ref.string(str(BIBO.pageStart)), ref.string(str(BIBO.pageEnd))
        locator = (volume or "") + (f"({issue})" if issue else "")
        pages = "-".join(p for p in (first, last) if p)
        if pages:
            locator += f":{pages}" if locator else pages
        found.append(
            SheetReference(
                number=number,
                iri=iri,
                authors=tuple(printed_authors(ref, nodes.entities)),
                title=ref.string(_DCTERMS + "title"),
                journal=ref.string(_ev("containerTitle")),
                year=ref.string(_DCTERMS + "issued"),
                locator=locator or None,
                unresolved=ref.flag(_ev("unresolved")),
            )
        )
    return tuple(found)


def _sources(claims: Iterable[Entity], nodes: Nodes) -> tuple[SheetSource, ...]:
    iris = sorted({s for c in claims if (s := c.iri_of(str(PROV.wasDerivedFrom)))})
    found = []
    for iri in iris:
        node = nodes.get(iri) or Entity(iri)
        found.append(
            SheetSource(
                iri=iri,
                title=node.string(_DCTERMS + "title") or nodes.label(iri),
                publisher=node.string(_DCTERMS + "publisher"),
                updated=node.string(_DCTERMS + "modified"),
            )
        )
    return tuple(found)
