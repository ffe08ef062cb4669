"""The interfaces every node type builds on (``Node``, ``Identified``) and the fallback type."""

from __future__ import annotations

import strawberry
from graphql import GraphQLAbstractType, GraphQLResolveInfo

from api.graphql.context import Context
from api.graphql.fields import DCTERMS, RDFS_LABEL, SKOS, Resolved, computed, ev, rdf
from api.graphql.ids import to_global_id
from api.graphql.reading import linked
from api.graphql.registry import TYPE_NAME
from api.graphql.resolver_hints import info_free
from graph.entity import Entity


@strawberry.interface(description="Anything with a global ID, fetchable with node(id:).")
class Node:
    entity: strawberry.Private[Entity]
    context: strawberry.Private[Context]

    @staticmethod
    @info_free
    def resolve_type(
        node: Node, info: GraphQLResolveInfo[Context], abstract_type: GraphQLAbstractType
    ) -> str:
        """The GraphQL type of a node returned as an interface: the one of its class.

        Strawberry's default resolver tries casts and generic types first, for every node.
        """
        return TYPE_NAME[type(node)]

    @classmethod
    def is_type_of(cls, obj: object, info: GraphQLResolveInfo[Context]) -> bool:
        """Whether ``obj`` may be served as this type (graphql-core asks for every object)."""
        return isinstance(obj, cls)

    @computed("Global ID: opaque and stable; pass it to node(id:).", reads=())
    def id(self) -> strawberry.ID:
        return strawberry.ID(to_global_id(type(self).__name__, self.entity.iri))

    @computed("The node's IRI in the evidence graph.", reads=())
    def iri(self) -> str:
        return self.entity.iri

    @rdf(RDFS_LABEL, "A short human-readable name.", also=[SKOS + "prefLabel", DCTERMS + "title"])
    def label(self) -> str | None:
        return (
            self.entity.string(RDFS_LABEL)
            or self.entity.string(SKOS + "prefLabel")
            or self.entity.string(DCTERMS + "title")
        )


@strawberry.interface(description="Nodes that carry standard identifiers and synonyms.")
class Identified(Node):
    @rdf(SKOS + "altLabel", "Synonyms (searchable).")
    def alt_labels(self) -> list[str]:
        return self.entity.strings(SKOS + "altLabel")

    @rdf(ev.identifier)
    def identifiers(self) -> list[str]:
        return self.entity.strings(ev.identifier)

    @rdf(SKOS + "exactMatch", "IRIs of the same concept in standard terminologies.")
    def exact_matches(self) -> list[str]:
        return self.entity.iris(SKOS + "exactMatch")

    @rdf(SKOS + "closeMatch", "IRIs of close concepts in standard terminologies.")
    def close_matches(self) -> list[str]:
        return self.entity.iris(SKOS + "closeMatch")

    @rdf(
        SKOS + "broader",
        "Broader concepts (e.g. pemphigoid for bullous pemphigoid).",
        link="list[Identified]",
    )
    def broader(self) -> Resolved[list[Identified]]:
        return linked(self, SKOS + "broader", Identified)


@strawberry.type(description="A node of a type the API does not model; only its IRI and label.")
class Resource(Node):
    pass
