"""What claims are about and graded with: drugs, conditions, genes, phenotypes, grades, schemes.

Their lists of claims by kind (a drug's ``indications``, a condition's ``contraindications``, a
gene's ``pharmacogenomics``) are made from the kinds table (graph.kinds), with ``claims`` (every
kind, or one by argument) beside them.
"""

from __future__ import annotations

from typing import TypeVar

import strawberry

from api.graphql.claim_types import CLAIM_TYPES, Claim
from api.graphql.descriptions import describe
from api.graphql.enums import ClaimKind, GradingAxis
from api.graphql.evidence_types import integer
from api.graphql.fields import DCTERMS, GRADES, SKOS, Resolved, below, computed, ev, rdf
from api.graphql.node_types import Identified, Node
from api.graphql.reading import _then, claims_linking, concept, inverse_nodes, linked, linked_one
from graph.kinds import KINDS

T = TypeVar("T")


def with_kind_lists(cls: type[T]) -> type[T]:
    """Add a type's lists of claims by kind: each kind's on drugs, and what the kinds table adds."""
    for kind in KINDS:
        member = ClaimKind.__members__[kind.enum]
        of = CLAIM_TYPES[kind.class_name]
        if cls.__name__ == "Drug":
            setattr(cls, kind.list_name, claims_linking(ev.drug, kind.drug_list, of=of, kind=member))
        for on, predicate, name, description in kind.listed_on:
            if on == cls.__name__:
                setattr(cls, name, claims_linking(predicate, description, of=of, kind=member))
    return cls


@strawberry.type(description=describe(ev.Substance))
class Substance(Identified):
    pass


@strawberry.type(description=describe(ev.Drug))
@with_kind_lists
class Drug(Substance):
    @rdf(ev.drugClassLabel)
    def drug_classes(self) -> list[str]:
        return self.entity.strings(ev.drugClassLabel)

    claims = claims_linking(
        ev.drug, "Claims about this drug, optionally of one kind.", of=Claim, kind_argument=True
    )


@strawberry.type(description=describe(ev.DrugClass))
class DrugClass(Drug):
    pass


@strawberry.type(description=describe(ev.Condition))
@with_kind_lists
class Condition(Identified):
    @computed("True for patient states such as pregnancy and breastfeeding.", reads=())
    def patient_state(self) -> bool:
        return ev.PatientState in self.entity.types

    claims = claims_linking(
        ev.condition,
        "Every claim naming this condition, optionally of one kind.",
        of=Claim,
        kind_argument=True,
    )


@strawberry.type(description=describe(ev.Gene))
@with_kind_lists
class Gene(Identified):
    pass


@strawberry.type(description=describe(ev.Phenotype))
class Phenotype(Identified):
    @rdf(ev.gene, link="Gene | None")
    def gene(self) -> Resolved[Gene | None]:
        return linked_one(self, ev.gene, Gene)


# --- grades -------------------------------------------------------------------------------------


@strawberry.type(description=describe(ev.Grade))
class Grade(Node):
    @rdf(SKOS + "notation", 'The grade as written in its scale ("A", "high", "1++").')
    def notation(self) -> str | None:
        return self.entity.string(SKOS + "notation")

    @rdf(SKOS + "definition", "What the grade means.")
    def definition(self) -> str | None:
        return self.entity.string(SKOS + "definition")

    @rdf(ev.rank)
    def rank(self) -> int | None:
        return integer(self.entity, ev.rank)

    @rdf(ev.notationInferred)
    def notation_inferred(self) -> bool:
        return self.entity.flag(ev.notationInferred)

    @rdf(SKOS + "inScheme", "The grading scheme this grade belongs to.", link="GradingScheme | None")
    def scheme(self) -> Resolved[GradingScheme | None]:
        return linked_one(self, SKOS + "inScheme", GradingScheme)

    @rdf(SKOS + "closeMatch", "Close equivalents in other scales (curated crosswalks).", link="list[Grade]")
    def close_matches(self) -> Resolved[list[Grade]]:
        return linked(self, SKOS + "closeMatch", Grade)

    @rdf(SKOS + "broadMatch", "Broader equivalents in other scales (curated crosswalks).", link="list[Grade]")
    def broad_matches(self) -> Resolved[list[Grade]]:
        return linked(self, SKOS + "broadMatch", Grade)

    @rdf(
        SKOS + "editorialNote",
        "The curators' notes on the grade: how its notation was read, and whose crosswalk its "
        "closeMatches and broadMatches are, with its caveats (a crosswalk the curators made is not the "
        "scale's own).",
    )
    def editorial_notes(self) -> list[str]:
        return self.entity.strings(SKOS + "editorialNote")


@strawberry.type(description=describe(ev.GradingScheme))
class GradingScheme(Node):
    @rdf(SKOS + "definition", "What the scheme grades and where it comes from.")
    def definition(self) -> str | None:
        return self.entity.string(SKOS + "definition")

    @rdf(DCTERMS + "bibliographicCitation", "Where the scale is published.")
    def citation(self) -> str | None:
        return self.entity.string(DCTERMS + "bibliographicCitation")

    @rdf(
        SKOS + "editorialNote",
        "The curators' notes on the scheme: what is taken from its source and what is not.",
    )
    def editorial_notes(self) -> list[str]:
        return self.entity.strings(SKOS + "editorialNote")

    @rdf(ev.axis)
    def axis(self) -> GradingAxis | None:
        return concept(GradingAxis, self.entity.iri_of(ev.axis))  # type: ignore[no-any-return]

    @below(ev.rank)
    @computed("The scheme's grades, strongest first.", returns="list[Grade]", inverse=GRADES)
    def grades(self) -> Resolved[list[Grade]]:
        return _then(
            inverse_nodes(self, GRADES, Grade),
            lambda grades: sorted(grades, key=lambda g: -(integer(g.entity, ev.rank) or 0)),
        )
