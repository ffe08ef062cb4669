"""How the GraphQL types map to RDF: fields that know the predicates they read and follow.

Every RDF-backed field is made by :func:`rdf` (or :func:`computed` for one computed from its node):
it carries ``metadata={"rdf": <property IRI>}`` and the ontology's definition as its description,
and tells the look-ahead (api.graphql.lookahead) what it reads on its node, which predicate it
follows to other nodes, or which inverse list it serves. Fields computed from their node alone are
:class:`NodeField` s, which strawberry serves through its fast path for plain attributes.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Annotated, Any, Optional, Self, TypeAlias, TypeVar

import strawberry
from strawberry.annotation import StrawberryAnnotation
from strawberry.types.field import StrawberryField

from api.graphql.context import ReferrersKey
from api.graphql.descriptions import describe
from graph.namespaces import BIBO, EV, PREFIXES, PROV

RDFS_LABEL = PREFIXES["rdfs"] + "label"
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
RDFS = PREFIXES["rdfs"]
PAV = "http://purl.org/pav/"
PROV_NS = str(PROV)
BIBO_NS = str(BIBO)

T = TypeVar("T")
F = TypeVar("F", bound="PlannedField")
#: A value, or an awaitable of it when it needs a read first (graphql-core awaits it).
Resolved: TypeAlias = T | Awaitable[T]

#: Where each node type is defined, for annotations naming a type of another module ("Drug | None"):
#: strawberry imports it when the schema is built (strawberry.lazy), so modules need not import
#: each other. The kinds of claims (graph.kinds) are defined with ``Claim``.
TYPE_MODULES = {
    **dict.fromkeys(["Node", "Identified", "Resource"], "api.graphql.node_types"),
    **dict.fromkeys(["EvidenceItem", "Figure"], "api.graphql.evidence_types"),
    **dict.fromkeys(["Reference", "SourceDocument"], "api.graphql.reference_types"),
    **dict.fromkeys(["Proposition", "Conflict"], "api.graphql.proposition_types"),
    **dict.fromkeys(
        ["Substance", "Drug", "DrugClass", "Condition", "Gene", "Phenotype", "Grade", "GradingScheme"],
        "api.graphql.vocabulary_types",
    ),
}
CLAIM_MODULE = "api.graphql.claim_types"


class _Ev:
    """``ev:`` IRIs as plain strings, each made once (rdflib's namespace makes a URIRef per access)."""

    def __getattr__(self, name: str) -> str:
        iri = str(EV[name])
        setattr(self, name, iri)
        return iri


ev = _Ev()


@dataclass(frozen=True)
class Inverse:
    """An inverse list of a node: the live subjects linking to it through ``predicate``.

    ``kinds``: the classes the subjects must have (None: any); ``by_kind``: a ``kind`` argument
    narrows them to one claim kind; ``paged``: a connection (``first``, ``after``), else a list.
    """

    predicate: str
    kinds: str | tuple[str, ...] | None
    by_kind: bool = False
    paged: bool = True

    def key(self, kind_iri: str | None = None) -> ReferrersKey:
        """The list's key in the request's cache, narrowed to one kind (its class IRI) if given."""
        return (self.predicate, (kind_iri,) if kind_iri is not None else self.kinds)


#: A source document's references, and a grading scheme's grades: inverse lists, not paged.
REFERENCES = Inverse(DCTERMS + "isPartOf", ev.Reference, paged=False)
GRADES = Inverse(SKOS + "inScheme", None, paged=False)


class PlannedField(StrawberryField):
    """A field the look-ahead knows.

    A link (``follows``: the predicate it follows to other nodes) or an inverse list (``inverse``);
    ``reads``: the predicates it reads on its node (None: unknown), so that the look-ahead reads
    only those (a field reading another predicate still works: its node is then read whole).
    """

    follows: str | None = None
    inverse: Inverse | None = None
    reads: frozenset[str] | None = None
    #: Predicates its resolver reads on the nodes it returns (to sort them, say).
    below: frozenset[str] = frozenset()

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied.follows = self.follows
        copied.inverse = self.inverse
        copied.reads = self.reads
        copied.below = self.below
        return copied


class NodeField(PlannedField):
    """A field computed from its object alone: a resolver taking ``self`` only, no Info.

    Strawberry serves such a field through its fast path for plain attributes (no Info object,
    no argument conversion, no extension chain): about a third cheaper per value than a resolver.
    The resolver returns its value, or an awaitable of it when it must read nodes first.
    """

    #: The resolver's function, called with the object.
    compute: Callable[[Any], Any]

    def __call__(self, resolver: Any) -> Self:
        """Take the resolver, which must be a function of the node alone."""
        field = super().__call__(resolver)
        assert field.base_resolver is not None
        if len(field.base_resolver.signature.parameters) != 1 or not callable(resolver):
            raise TypeError(f"{field.base_resolver.name}: a NodeField resolver is a function of self only")
        field.compute = resolver
        return field

    def __copy__(self) -> Self:
        copied = super().__copy__()
        copied.compute = self.compute
        return copied

    @property
    def is_basic_field(self) -> bool:
        """Served like a plain attribute, unless a field extension needs the full resolver path."""
        return not self.extensions

    def get_result(self, source: Any, info: Any, args: list[Any], kwargs: Any) -> Any:
        """The resolver applied to the object (the fast path passes no Info and no arguments)."""
        return self.compute(source)


def below(*predicates: str) -> Callable[[F], F]:
    """Declare the predicates a link or list field's resolver reads on the nodes it returns."""

    def mark(field: F) -> F:
        field.below = frozenset(predicates)
        return field

    return mark


def _annotation(graphql_type: object | None) -> StrawberryAnnotation | None:
    if graphql_type is None:
        return None
    if isinstance(graphql_type, str):
        graphql_type = node_annotation(graphql_type)
    return StrawberryAnnotation.from_annotation(graphql_type)


def node_annotation(spec: str) -> object:
    """The annotation for ``"Drug | None"`` or ``"list[Drug]"``: the node type, imported lazily.

    >>> print(node_annotation("Drug | None"))  # doctest: +ELLIPSIS
    typing.Optional[typing.Annotated[ForwardRef('Drug'), <...StrawberryLazyReference ...>]]
    """
    if spec.startswith("list[") and spec.endswith("]"):
        return list[_lazy(spec[5:-1])]  # type: ignore[misc]
    if spec.endswith(" | None"):
        return Optional[_lazy(spec.removesuffix(" | None"))]  # noqa: UP045 - a runtime annotation object
    return _lazy(spec)


def _lazy(name: str) -> object:
    return Annotated[name, strawberry.lazy(TYPE_MODULES.get(name, CLAIM_MODULE))]


def computed(
    description: str,
    *,
    returns: object = None,
    inverse: Inverse | None = None,
    rdf: str | None = None,
    reads: Iterable[str] | None = None,
) -> Any:
    """A field computed from its node alone (a :class:`NodeField`).

    Typed by its resolver, or by ``returns`` (a type, or the name of a node type as
    :func:`node_annotation` reads it) when the resolver may return an awaitable;
    ``inverse``: the inverse list it serves; ``rdf``: the property it maps to; ``reads``: the
    predicates it reads besides ``rdf:type`` (None: unknown; an inverse list reads none).
    """
    field = NodeField(
        python_name=None,
        graphql_name=None,
        type_annotation=_annotation(returns),
        description=description,
        metadata=None if rdf is None else {"rdf": rdf},
    )
    field.inverse = inverse
    field.reads = frozenset() if inverse is not None else None if reads is None else frozenset(reads)
    return field


def rdf(
    predicate: str,
    extra: str = "",
    *,
    link: str | None = None,
    inverse: Inverse | None = None,
    also: Iterable[str] = (),
) -> Any:
    """A field mapped to an RDF property, described by the ontology (or ``extra`` alone).

    ``link``: the GraphQL type of a field whose resolver may return an awaitable: one following
    ``predicate`` to other nodes, or serving ``inverse``; ``also``: other predicates it reads.
    """
    try:
        description = describe(predicate, extra)
    except KeyError:
        if not extra:
            raise
        description = extra
    field = computed(description, returns=link, inverse=inverse, rdf=predicate, reads=(predicate, *also))
    field.follows = predicate if link and inverse is None else None
    return field
