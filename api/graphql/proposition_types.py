"""Propositions (what several sources say about the same thing) and the conflicts between sources."""

from enum import Enum
from typing import Any

import strawberry

from api.graphql.context import Context
from api.graphql.enums import ClaimKind
from api.graphql.fields import Resolved, node_annotation
from api.graphql.reading import _then, linked_iris
from api.graphql.registry import named
from graph import propositions as found


def _nodes(context: Context, iris: tuple[str, ...], type_name: str) -> Resolved[list[Any]]:
    """The nodes of the GraphQL type ``type_name`` at ``iris``, in order (loaded in one batch)."""
    return linked_iris(context, iris, named(type_name))


@strawberry.type(
    description="Claims of one kind about the same drug and targets (the condition of an indication, "
    "the other drug of an interaction, the gene of a pharmacogenomic rule), each one source's "
    "assertion: corroborated when several sources make it. A claim without targets (a mechanism, a "
    "practice point) is a proposition of its own."
)
class Proposition:
    held: strawberry.Private[found.Proposition]
    context: strawberry.Private[Context]

    @strawberry.field(description="A stable key: the kind's, the drug's and the targets' IRIs.")
    def key(self) -> str:
        return self.held.key

    @strawberry.field(description="The kind of claim.")
    def kind(self) -> ClaimKind | None:
        return ClaimKind.from_iri(self.held.kind)

    @strawberry.field(
        description="The drug the claims are about.", graphql_type=node_annotation("Drug | None")
    )
    def drug(self) -> Any:
        return _then(
            _nodes(self.context, (self.held.drug,), "Drug"), lambda nodes: nodes[0] if nodes else None
        )

    @strawberry.field(
        description="What the claims are about besides the drug: conditions, drugs, genes.",
        graphql_type=node_annotation("list[Node]"),
    )
    def targets(self) -> Any:
        return _nodes(self.context, self.held.targets, "Node")

    @strawberry.field(
        description="Every claim asserting it, of every source.", graphql_type=node_annotation("list[Claim]")
    )
    def claims(self) -> Any:
        return _nodes(self.context, self.held.claims, "Claim")

    @strawberry.field(
        description="The sources asserting it.", graphql_type=node_annotation("list[SourceDocument]")
    )
    def sources(self) -> Any:
        return _nodes(self.context, self.held.sources, "SourceDocument")

    @strawberry.field(description="How many sources assert it.")
    def source_count(self) -> int:
        return len(self.held.sources)


@strawberry.enum(description="How two sources disagree about a proposition.")
class ConflictKind(Enum):
    NEGATION = strawberry.enum_value(
        "NEGATION", description="One states it, the other that it does not hold."
    )
    LICENSING = strawberry.enum_value(
        "LICENSING", description="Licensed in one, unlicensed in the other, in the same named jurisdiction."
    )
    GRADE = strawberry.enum_value(
        "GRADE", description="Their grades reach different GRADE certainty levels through the crosswalks."
    )


@strawberry.type(description="Two claims of one proposition, from different sources, that disagree.")
class Conflict:
    held: strawberry.Private[found.Conflict]
    context: strawberry.Private[Context]

    @strawberry.field(description="How they disagree.")
    def kind(self) -> ConflictKind:
        return ConflictKind(self.held.kind)

    @strawberry.field(description="The disagreement in words.")
    def detail(self) -> str:
        return self.held.detail

    @strawberry.field(description="The proposition both claims assert.")
    def proposition(self) -> Proposition:
        return Proposition(held=self.held.proposition, context=self.context)

    @strawberry.field(
        description="The two claims, in the order of their sources.",
        graphql_type=node_annotation("list[Claim]"),
    )
    def claims(self) -> Any:
        return _nodes(self.context, self.held.claims, "Claim")

    @strawberry.field(description="The two sources.", graphql_type=node_annotation("list[SourceDocument]"))
    def sources(self) -> Any:
        return _nodes(self.context, self.held.sources, "SourceDocument")
