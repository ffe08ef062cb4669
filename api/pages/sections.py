"""A page's lists of claims: grouped, ordered and bounded, with a link to each whole list.

Indications are grouped by licensing status (licensed, unlicensed, not stated) and, within each,
tabled by grade (strongest first, per grading scheme); contraindications are grouped by severity;
other kinds are one table each. A page shows the first :data:`~api.graphql.paging.DEFAULT_PAGE`
claims of each list and links to the whole list, which is the same page showing that list alone,
:data:`~api.graphql.paging.MAX_PAGE` claims at a time (``?section=indications&offset=500``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode

from api.graphql.paging import DEFAULT_PAGE, MAX_PAGE
from api.pages.claim_rows import EV_IRI, Link, RowMaker, Table, kind_title, name
from api.pages.iris import Iris
from graph.entity import Entity
from graph.kinds import COMMON, KINDS, ClaimProperty, Kind
from graph.linked_claims import ClaimKey, read_claims, read_nodes
from graph.namespaces import PREFIXES
from graph.store import Store

SKOS = PREFIXES["skos"]
DRUG = next(p for p in COMMON if p.name == "drug")
LICENSING = EV_IRI["licensingStatus"]
SEVERITY = EV_IRI["severity"]
STATED = "Stated"
NEGATED = "Stated not to hold (documented absences)"
#: Group order of licensing statuses and severities (anything else after them, "not stated" last).
_ORDER = {EV_IRI["Licensed"]: 0, EV_IRI["Unlicensed"]: 1, EV_IRI["Absolute"]: 0, EV_IRI["Relative"]: 1}


@dataclass(frozen=True)
class Paging:
    """Which part of a page's lists it shows: each list's start, or one list whole, a page at a time."""

    path: str
    section: str | None = None
    offset: int = 0

    def window(self, key: str) -> tuple[int, int]:
        """(start, how many) of list ``key`` on this page."""
        if self.section is None:
            return (0, DEFAULT_PAGE)
        return (self.offset, MAX_PAGE) if key == self.section else (0, 0)

    def url(self, key: str, offset: int) -> str:
        """The page showing list ``key`` whole, from ``offset``."""
        return f"{self.path}?{urlencode({'section': key, 'offset': offset})}#{key}"


@dataclass
class Group:
    """Tables under one heading (or none)."""

    title: str | None
    tables: list[Table] = field(default_factory=list)


@dataclass
class Section:
    """One list of a page: its heading, its groups of tables, and where the rest of it is."""

    key: str
    title: str
    total: int
    start: int
    shown: int
    groups: list[Group] = field(default_factory=list)
    whole: Link | None = None
    previous: Link | None = None
    next: Link | None = None


@dataclass(frozen=True)
class ClaimList:
    """A list of claims a page shows: its key (the anchor and ``section=``), heading and claims."""

    key: str
    title: str
    kind: Kind | None
    claims: Sequence[ClaimKey]
    #: Whether its tables have a drug column (on pages that are not about one drug).
    with_drug: bool = True


def by_kind(keys: Sequence[ClaimKey], *, with_drug: bool = True) -> list[ClaimList]:
    """The claims as one list per kind, in the kinds table's order (kinds without claims left out)."""
    lists = []
    for kind in KINDS:
        of_kind = [k for k in keys if k.kind == kind.iri]
        if of_kind:
            key = kind.list_name.replace("_", "-")
            lists.append(ClaimList(key, kind_title(kind), kind, of_kind, with_drug))
    return lists


def claim_sections(store: Store, lists: Sequence[ClaimList], iris: Iris, paging: Paging) -> list[Section]:
    """The sections of ``lists`` that this page shows, read in a fixed number of queries."""
    concepts = read_nodes(
        store, {v for lst in lists for k in lst.claims for v in (k.grade, k.licensing, k.severity) if v}
    )
    concepts.update(
        read_nodes(
            store, {s for e in concepts.values() if (s := e.iri_of(SKOS + "inScheme"))} - set(concepts)
        )
    )
    ordered: list[tuple[ClaimList, list[ClaimKey], int]] = []
    for lst in lists:
        start, size = paging.window(lst.key)
        if size:
            ordered.append((lst, _ordered(lst, concepts)[start : start + size], start))
    read = read_claims(store, [k.iri for _, keys, _ in ordered for k in keys])
    read.nodes.update({iri: e for iri, e in concepts.items() if iri not in read.nodes})
    rows = RowMaker(read, iris)
    sections = []
    for lst, keys, start in ordered:
        section = Section(lst.key, lst.title, len(lst.claims), start, len(keys))
        section.groups = _groups(lst, keys, concepts, rows, (DRUG,) if lst.with_drug else ())
        _paging_links(section, paging)
        sections.append(section)
    return sections


def _paging_links(section: Section, paging: Paging) -> None:
    if paging.section is None:
        if section.shown < section.total:
            section.whole = Link(paging.url(section.key, 0), f"All {section.total:,} {section.title.lower()}")
        return
    if section.start > 0:
        section.previous = Link(paging.url(section.key, max(section.start - MAX_PAGE, 0)), "Previous page")
    if section.start + section.shown < section.total:
        section.next = Link(paging.url(section.key, section.start + MAX_PAGE), "Next page")


def _grade_key(iri: str | None, concepts: dict[str, Entity]) -> tuple[int, str, int, str]:
    """Graded claims first, by scheme, strongest first; ungraded last."""
    grade = concepts.get(iri) if iri else None
    if iri is None or grade is None:
        return (1, "", 0, iri or "")
    scheme = grade.iri_of(SKOS + "inScheme") or ""
    rank = grade.string(EV_IRI["rank"])
    return (
        0,
        name(concepts.get(scheme), scheme),
        -int(rank) if rank and rank.lstrip("-").isdigit() else 0,
        iri,
    )


def _group_key(iri: str | None) -> tuple[int, str]:
    return (_ORDER.get(iri or "", 2 if iri else 3), iri or "")


def _ordered(lst: ClaimList, concepts: dict[str, Entity]) -> list[ClaimKey]:
    """The list's claims in the order the page shows them (they come in label order)."""
    if lst.kind is not None and lst.kind.iri == EV_IRI["IndicationStatement"]:
        return sorted(lst.claims, key=lambda k: (_group_key(k.licensing), _grade_key(k.grade, concepts)))
    if lst.kind is not None and lst.kind.iri == EV_IRI["ContraindicationStatement"]:
        return sorted(lst.claims, key=lambda k: _group_key(k.severity))
    return sorted(lst.claims, key=lambda k: k.negated)


def _groups(
    lst: ClaimList,
    keys: list[ClaimKey],
    concepts: dict[str, Entity],
    rows: RowMaker,
    extra: Sequence[ClaimProperty],
) -> list[Group]:
    """The claims shown, grouped and tabled as the module's docstring says."""
    kind = lst.kind
    title = lst.title.lower()
    if kind is not None and kind.iri == EV_IRI["IndicationStatement"]:
        return [
            Group(
                group,
                [
                    rows.table(f"{group} {title}, {grade}", [k.iri for k in tabled], kind, extra, LICENSING)
                    for grade, tabled in _runs(members, lambda k: _grade_name(k.grade, concepts))
                ],
            )
            for group, members in _runs(
                keys, lambda k: _status_name(k.licensing, concepts, "Licensing not stated")
            )
        ]
    if kind is not None and kind.iri == EV_IRI["ContraindicationStatement"]:
        return [
            Group(
                group,
                [
                    rows.table(
                        f"{lst.title}: {group.lower()}", [k.iri for k in members], kind, extra, SEVERITY
                    )
                ],
            )
            for group, members in _runs(
                keys, lambda k: _status_name(k.severity, concepts, "Severity not stated")
            )
        ]
    if any(k.negated for k in keys):  # documented absences apart from what is stated to hold
        return [
            Group(group, [rows.table(f"{lst.title}: {group.lower()}", [k.iri for k in members], kind, extra)])
            for group, members in _runs(keys, lambda k: NEGATED if k.negated else STATED)
        ]
    return [Group(None, [rows.table(lst.title, [k.iri for k in keys], kind, extra)])]


def _runs(keys: list[ClaimKey], label: Callable[[ClaimKey], str]) -> list[tuple[str, list[ClaimKey]]]:
    """Consecutive claims with the same label, as (label, claims) in order."""
    runs: list[tuple[str, list[ClaimKey]]] = []
    for key in keys:
        shown = label(key)
        if runs and runs[-1][0] == shown:
            runs[-1][1].append(key)
        else:
            runs.append((shown, [key]))
    return runs


def _status_name(iri: str | None, concepts: dict[str, Entity], absent: str) -> str:
    if iri is None:
        return absent
    label = name(concepts.get(iri), iri)
    return label[:1].upper() + label[1:]


def _grade_name(iri: str | None, concepts: dict[str, Entity]) -> str:
    if iri is None:
        return "not graded"
    grade = concepts.get(iri)
    notation = grade.string(SKOS + "notation") if grade else None
    label = name(grade, iri)
    scheme = grade.iri_of(SKOS + "inScheme") if grade else None
    in_scheme = f" ({name(concepts.get(scheme), scheme)})" if scheme else ""
    return (f"Grade {notation}: {label}" if notation and notation != label else label) + in_scheme
