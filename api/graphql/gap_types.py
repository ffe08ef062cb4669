"""The gap report in GraphQL: what needs a curator's attention, as ``evidence-graph gaps`` reports it.

The fields have the names and shape of the command's JSON (graph.gaps.GapReport.to_json), so
the two can be compared as they are.
"""

from enum import Enum
from typing import TYPE_CHECKING

import strawberry

from api.graphql.context import Info
from api.graphql.errors import BadUserInputError
from api.graphql.ids import to_iri
from graph import gaps as found
from graph.errors import AmbiguousKeyError
from graph.lookup import UnknownNameError, find_one
from graph.namespaces import EV

#: The longest source key taken (as the claim filters do).
MAX_KEY = 200

if TYPE_CHECKING:

    class GapKind(Enum):
        """Typing's view of the enum made below from graph.gaps.GAP_KINDS."""

else:
    # made from the one list of kinds, with their descriptions, so the two cannot drift apart
    GapKind = strawberry.enum(
        Enum(
            "GapKind",
            {k: strawberry.enum_value(k, description=found.GAP_DESCRIPTIONS[k]) for k in found.GAP_KINDS},
        ),
        description="A kind of gap: something in the graph that needs a curator's attention.",
    )


SOURCES = (str(EV.SourceDocument),)


@strawberry.type(description="How many gaps of one kind.")
class GapCount:
    kind: GapKind = strawberry.field(description="The kind of gap.")
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="The gaps that concern one source document, counted by kind.")
class SourceGaps:
    iri: str = strawberry.field(description="The source document's IRI.")
    title: str = strawberry.field(description="Its title.")
    total: int = strawberry.field(description="Every gap that concerns it.")
    counts: list[GapCount] = strawberry.field(description="Its gaps per kind, every kind listed.")


@strawberry.type(description="One thing that needs a curator's attention.")
class Gap:
    kind: GapKind = strawberry.field(description="The kind of gap.")
    iri: str = strawberry.field(
        description="The node it is about: a reference, claim, evidence item, grade or node; for a "
        "conflict, the first claim."
    )
    label: str = strawberry.field(description="The node's name, for people.")
    detail: str = strawberry.field(description="What is wrong, in words.")
    sources: list[str] = strawberry.field(
        description="The IRIs of the sources it concerns (none for a node that no live claim uses)."
    )
    related: list[str] = strawberry.field(
        description="Other nodes it involves: the GRADE level of a crosswalk, the other claim of a conflict."
    )
    notes: list[str] = strawberry.field(
        description="The curators' notes on it (curation notes; a grade's editorial notes)."
    )


@strawberry.type(description="What needs a curator's attention, per source and overall.")
class GapReport:
    source: str | None = strawberry.field(description="The source asked for (its IRI); null: every source.")
    total: int = strawberry.field(description="Every gap, each once.")
    counts: list[GapCount] = strawberry.field(description="The gaps per kind, every kind listed.")
    sources: list[SourceGaps] = strawberry.field(description="The counts per source, by title.")
    gaps: list[Gap] = strawberry.field(description="Every gap, by kind, then label.")


def _counts(counts: dict[str, int]) -> list[GapCount]:
    return [GapCount(kind=GapKind[kind], count=n) for kind, n in counts.items()]


def gap_report(info: Info, source: str | None) -> GapReport:
    """The report for the ``gaps`` field: every source's, or the one ``source`` names (IRI, ID or title)."""
    context = info.context
    context.check_deadline()
    source_iri = None
    if source is not None:
        if len(source) > MAX_KEY:
            raise BadUserInputError(f"source is longer than {MAX_KEY} characters", argument="source")
        try:
            source_iri = find_one(context.store, to_iri(source) or source, SOURCES, "source")
        except UnknownNameError as error:
            raise BadUserInputError(f"{error}.", argument="source", closest=error.closest) from None
        except AmbiguousKeyError as error:
            raise BadUserInputError(str(error), argument="source", candidates=error.iris) from None
    report = found.gap_report(context.store, source_iri)
    return GapReport(
        source=report.source,
        total=len(report.gaps),
        counts=_counts(report.counts),
        sources=[
            SourceGaps(iri=s.iri, title=s.title, total=s.total, counts=_counts(s.counts))
            for s in report.sources
        ],
        gaps=[
            Gap(
                kind=GapKind[g.kind],
                iri=g.iri,
                label=g.label,
                detail=g.detail,
                sources=list(g.sources),
                related=list(g.related),
                notes=list(g.notes),
            )
            for g in report.gaps
        ],
    )
