"""The root Query: lists with filters and pagination, lookups, search and counts."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import strawberry

from api.graphql.connections import (
    AfterArg,
    BeforeArg,
    Connection,
    FirstArg,
    LastArg,
    Window,
    make_connection,
    page_of,
    page_window,
)
from api.graphql.context import Info
from api.graphql.enums import (
    Certainty,
    ClaimKind,
    GradingAxis,
    LicensingStatus,
)
from api.graphql.errors import BadUserInputError
from api.graphql.filters import (
    MAX_SOURCES,
    MAX_TEXT,
    ClaimFilterInput,
    ConflictFilterInput,
    PropositionFilterInput,
    lookup_key,
    selection,
    to_claim_filter,
)
from api.graphql.gap_types import GapReport, gap_report
from api.graphql.ids import from_global_id
from api.graphql.nodes import (
    CLAIM_TYPES,
    Claim,
    Condition,
    Drug,
    GradingScheme,
    Node,
    Reference,
    SourceDocument,
)
from api.graphql.proposition_types import Conflict, Proposition
from api.graphql.reading import connection_plan, lists_nodes, per_query, read, selection_plan
from graph import claims as claim_queries
from graph import stats
from graph.crosswalks import certainty_crosswalks
from graph.errors import AmbiguousKeyError
from graph.history import history as authoring_history
from graph.kinds import KINDS, Kind
from graph.lookup import NAMED_FILTERS, find_described, unmatched_names
from graph.namespaces import EV
from graph.propositions import conflicts as conflicts_of
from graph.propositions import propositions as propositions_of

T = TypeVar("T")
DRUG_KINDS = (str(EV.Drug), str(EV.DrugClass))
CONDITION_KINDS = (str(EV.Condition), str(EV.PatientState))


def claim_connection(
    info: Info,
    kinds: tuple[ClaimKind, ...],
    given: ClaimFilterInput | None,
    window: Window,
) -> Connection[Any]:
    """One page of claims: the page query (with the total), then the look-ahead of its nodes."""
    context = info.context
    context.check_deadline()
    # the filter depends on the query (and its variables) alone: converted once per query
    claim_filter = per_query(info, "filter", lambda: to_claim_filter(given, kinds))
    matches = claim_queries.matching_claims(context.store, claim_filter)
    page, offset = page_of(matches, window)
    if not matches:
        named = {name: getattr(claim_filter, name) for name in NAMED_FILTERS}
        context.notices += [
            {"message": u.message, "filter": u.filter, "value": u.value, "closest": u.closest}
            for u in unmatched_names(context.store, named)
        ]
    certainty = given.min_certainty if given is not None else None
    if certainty is not None and not any(
        n.get("filter") == "minCertainty" and n.get("value") == certainty.name for n in context.notices
    ):
        context.notices.append(crosswalk_notice(info, certainty))
    nodes = read(info, page, connection_plan(info)) if lists_nodes(info) else page
    return make_connection(nodes, len(matches), offset)


def crosswalk_notice(info: Info, certainty: Certainty) -> dict[str, Any]:
    """The notice of a ``minCertainty`` filter: which grades of other scales it counts, and why."""
    walks = certainty_crosswalks(info.context.store, certainty.rank)
    return {
        "message": f"minCertainty {certainty.name} also counts the grades of other scales whose crosswalk "
        "to GRADE certainty reaches it; those crosswalks are the curators' mappings, not the scales' "
        "own: read the notes on each before relying on the answer.",
        "filter": "minCertainty",
        "value": certainty.name,
        "crosswalks": [
            {"grade": w.notation, "scheme": w.scheme, "certainty": w.certainty, "notes": list(w.notes)}
            for w in walks
        ],
    }


def _labelled(info: Info, kind: str, window: Window) -> Connection[Any]:
    iris = claim_queries.by_label(info.context.store, str(EV[kind]))
    page, offset = page_of(iris, window)
    nodes = read(info, page, connection_plan(info)) if lists_nodes(info) else page
    return make_connection(nodes, len(iris), offset)


def _lookup(info: Info, kinds: tuple[str, ...], key: str) -> Node | None:
    """A node of one of ``kinds`` by ID, IRI, label, synonym or identifier; several: BAD_USER_INPUT."""
    context, what = info.context, selection_plan(info)
    context.check_deadline()
    try:
        iri, found = find_described(context.store, lookup_key(key, "key") or key, kinds, what.paths)
    except AmbiguousKeyError as error:
        raise BadUserInputError(str(error), argument="key", candidates=error.iris) from None
    if iri is None:
        return None
    context.remember([iri], found)
    return next(iter(read(info, [iri], what, described=True)), None)


@strawberry.type(description="How many claims fall in one group.")
class GroupCount:
    key: str = strawberry.field(description="The group: a grade notation, a status or a kind.")
    label: str = strawberry.field(description="A readable name of the group.")
    scheme: str | None = strawberry.field(description="For grades: the grading scheme's name.")
    count: int = strawberry.field(description="How many live (not retracted) claims are in the group.")


@strawberry.type(description="Claim counts grouped by grade, licensing status and kind.")
class ClaimCounts:
    by_grade: list[GroupCount] = strawberry.field(
        description="Claims per grade (quality or strength), per scheme."
    )
    by_licensing_status: list[GroupCount] = strawberry.field(description="Indications per licensing status.")
    by_kind: list[GroupCount] = strawberry.field(description="Claims per kind.")
    retracted: int = strawberry.field(description="Retracted claims, counted in no group above.")


def claim_counts(info: Info, drug: str | None) -> ClaimCounts:
    """Counts for the statistics field: graph.stats.claim_counts, with the API's names for keys."""
    counts = stats.claim_counts(info.context.store, lookup_key(drug, "drug"))
    return ClaimCounts(
        by_grade=[
            GroupCount(key=g.key, label=g.label, scheme=g.scheme, count=g.count) for g in counts.by_grade
        ],
        by_licensing_status=[
            GroupCount(
                key=status.name if (status := LicensingStatus.from_iri(g.key)) else g.key,
                label=g.label,
                scheme=None,
                count=g.count,
            )
            for g in counts.by_licensing_status
        ],
        by_kind=[
            GroupCount(key=k.name, label=str(k.value), scheme=None, count=g.count)
            for g in counts.by_kind
            if (k := ClaimKind.from_iri(g.key)) is not None
        ],
        retracted=counts.retracted,
    )


FilterArg = Annotated[
    ClaimFilterInput | None, strawberry.argument(description="Only claims meeting these conditions.")
]


@strawberry.type(description="One recorded version of a claim: who changed it, when, how and why.")
class ClaimVersion:
    number: int = strawberry.field(description="0 for the state loaded from a source, then 1, 2, ...")
    action: str = strawberry.field(
        description="loaded, created, updated, retracted, reference attached/detached."
    )
    author: str | None = strawberry.field(description="Name of the author (or curator) of the write.")
    at: str = strawberry.field(description="When (ISO 8601).")
    reason: str | None = strawberry.field(description="Why, as the author gave it (retractions).")
    snapshot: str = strawberry.field(
        description="The claim and its evidence items after the write (N-Triples)."
    )


def kind_list(kind: Kind) -> Any:
    """The root list of one kind of claim (``indications``, ...), filtered and paged as ``claims``."""
    member = ClaimKind.__members__[kind.enum]

    def claims_of_kind(
        self: Any,
        info: Info,
        *,
        filter: FilterArg = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Any:
        return claim_connection(info, (member,), filter, page_window(first, after, last, before))

    claims_of_kind.__annotations__["return"] = Connection[CLAIM_TYPES[kind.class_name]]  # type: ignore[valid-type,name-defined]
    return strawberry.field(claims_of_kind, description=kind.description)


def with_kind_lists(cls: type[T]) -> type[T]:
    """Add the root list of each kind of claim (from the kinds table)."""
    for kind in KINDS:
        setattr(cls, kind.list_name, kind_list(kind))
    return cls


@strawberry.type(description="Everything the evidence graph answers.")
@with_kind_lists
class Query:
    @strawberry.field(description="Fetch any node by its global ID.")
    def node(self, info: Info, id: strawberry.ID) -> Node | None:
        _, iri = from_global_id(id)
        return next(iter(read(info, [iri], selection_plan(info))), None)

    @strawberry.field(description="Drugs, by label.")
    def drugs(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[Drug]:
        return _labelled(info, "Drug", page_window(first, after, last, before))

    @strawberry.field(description='One drug by ID, IRI, label, synonym or identifier ("RXNORM:1256").')
    def drug(self, info: Info, key: str) -> Drug | None:
        node = _lookup(info, DRUG_KINDS, key)
        return node if isinstance(node, Drug) else None

    @strawberry.field(description="Conditions (diseases, findings and patient states), by label.")
    def conditions(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[Condition]:
        return _labelled(info, "Condition", page_window(first, after, last, before))

    @strawberry.field(description='One condition by ID, IRI, label, synonym or identifier ("MONDO:0004980").')
    def condition(self, info: Info, key: str) -> Condition | None:
        node = _lookup(info, CONDITION_KINDS, key)
        return node if isinstance(node, Condition) else None

    @strawberry.field(description="Claims of every kind.")
    def claims(
        self,
        info: Info,
        *,
        kind: ClaimKind | None = None,
        filter: FilterArg = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[Claim]:
        window = page_window(first, after, last, before)
        return claim_connection(info, (kind,) if kind else tuple(ClaimKind), filter, window)

    @strawberry.field(description="References, by label.")
    def references(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[Reference]:
        return _labelled(info, "Reference", page_window(first, after, last, before))

    @strawberry.field(description="Source documents, by title.")
    def sources(
        self,
        info: Info,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[SourceDocument]:
        return _labelled(info, "SourceDocument", page_window(first, after, last, before))

    @strawberry.field(description="Grading schemes (quality of evidence and strength of recommendation).")
    def grading_schemes(self, info: Info, axis: GradingAxis | None = None) -> list[GradingScheme]:
        iris = claim_queries.grade_schemes(info.context.store)
        plan = selection_plan(info, frozenset([str(EV.axis)]))
        schemes = [n for n in read(info, iris, plan) if isinstance(n, GradingScheme)]
        return [s for s in schemes if axis is None or s.axis() == axis]

    @strawberry.field(
        description="Nodes whose label, synonym, identifier or title contains the text, ignoring case and "
        'accents ("behcet" finds Behçet\'s disease). Exact matches first.'
    )
    def search(
        self,
        info: Info,
        *,
        text: str,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[Node]:
        window = page_window(first, after, last, before)
        if len(text) > MAX_TEXT:
            raise BadUserInputError(f"text is longer than {MAX_TEXT} characters")
        iris = claim_queries.search(info.context.store, text)
        page, offset = page_of(iris, window)
        return make_connection(read(info, page, connection_plan(info)), len(iris), offset)

    @strawberry.field(
        description="Propositions: claims of one kind about the same drug and targets, with the sources "
        "that state them (minSources: 2 for those more than one source states)."
    )
    def propositions(
        self,
        info: Info,
        *,
        filter: PropositionFilterInput | None = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[Proposition]:
        window = page_window(first, after, last, before)
        f = filter or PropositionFilterInput()
        if not 1 <= f.min_sources <= MAX_SOURCES:
            raise BadUserInputError(f"minSources must be between 1 and {MAX_SOURCES}", argument="minSources")
        info.context.check_deadline()
        held = propositions_of(info.context.store, selection(f.kind, f.drug, f.condition), f.min_sources)
        page, offset = page_of(held, window)
        return make_connection([Proposition(held=p, context=info.context) for p in page], len(held), offset)

    @strawberry.field(
        description="Where sources disagree: a positive claim against a negated one, licensed against "
        "unlicensed in the same named jurisdiction, grades apart after the crosswalk to GRADE certainty."
    )
    def conflicts(
        self,
        info: Info,
        *,
        filter: ConflictFilterInput | None = None,
        first: FirstArg = None,
        after: AfterArg = None,
        last: LastArg = None,
        before: BeforeArg = None,
    ) -> Connection[Conflict]:
        window = page_window(first, after, last, before)
        f = filter or ConflictFilterInput()
        info.context.check_deadline()
        held = [
            c
            for c in conflicts_of(info.context.store, selection(f.kind, f.drug, f.condition))
            if f.conflict is None or c.kind == f.conflict.name
        ]
        page, offset = page_of(held, window)
        return make_connection([Conflict(held=c, context=info.context) for c in page], len(held), offset)

    @strawberry.field(description="A claim's versions, oldest first (retracted claims included).")
    def history(self, info: Info, id: strawberry.ID) -> list[ClaimVersion]:
        _, iri = from_global_id(id)
        return [
            ClaimVersion(
                number=v.number,
                action=v.action,
                author=v.author,
                at=v.at,
                reason=v.reason,
                snapshot=v.snapshot,
            )
            for v in authoring_history(info.context.store, iri)
        ]

    @strawberry.field(description="Claim counts grouped by grade, licensing status and kind.")
    def statistics(self, info: Info, drug: str | None = None) -> ClaimCounts:
        return claim_counts(info, drug)

    @strawberry.field(
        description="What needs a curator's attention, per source and overall (every source, or the one "
        "named: IRI, ID or title): unresolved and incomplete references, claims without references, "
        "inferred grades, the curators' crosswalks to GRADE, conflicts, nodes without identifiers."
    )
    def gaps(self, info: Info, source: str | None = None) -> GapReport:
        return gap_report(info, source)
