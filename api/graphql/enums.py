"""GraphQL enums for the ontology's fixed value sets.

Each member's name is the concept's ``skos:notation`` and its value the ``ev:`` local name; a
test checks both against the ontology, so enums and vocabulary cannot drift apart.
"""

from collections.abc import Mapping
from enum import Enum
from functools import cache
from typing import TYPE_CHECKING, cast

import strawberry

from api.graphql.descriptions import describe
from graph.kinds import in_use
from graph.namespaces import EV, GRADE


def _define(local_name: str) -> str:
    """The ontology's definition of an ``ev:`` concept or class."""
    return describe(str(EV[local_name]))


class _Concept(Enum):
    @property
    def iri(self) -> str:
        """The concept's IRI."""
        return _iris(type(self))[self]

    def make_iri(self) -> str:
        """The concept's IRI, made from its value (an ``ev:`` local name)."""
        return str(EV[str(self.value)])

    @classmethod
    def from_iri(cls, iri: str | None) -> "_Concept | None":
        """The member for a concept IRI, or None."""
        return _members(cls).get(iri) if iri is not None else None


@cache
def _iris(enum: type[_Concept]) -> dict[_Concept, str]:
    """Each member's IRI (made once per enum: resolvers ask for them for every value)."""
    return {member: member.make_iri() for member in enum}


@cache
def _members(enum: type[_Concept]) -> dict[str, _Concept]:
    return {iri: member for member, iri in _iris(enum).items()}


@strawberry.enum(description="Whether a regulator has licensed the drug for the indication.")
class LicensingStatus(_Concept):
    LICENSED = strawberry.enum_value("Licensed", description=_define("Licensed"))
    UNLICENSED = strawberry.enum_value("Unlicensed", description=_define("Unlicensed"))


@strawberry.enum(description="The regulator or jurisdiction a licensing status applies to.")
class Jurisdiction(_Concept):
    US_FDA = strawberry.enum_value("JurisdictionUSFDA", description=_define("JurisdictionUSFDA"))
    EU_EMA = strawberry.enum_value("JurisdictionEUEMA", description=_define("JurisdictionEUEMA"))
    UK_MHRA = strawberry.enum_value("JurisdictionUKMHRA", description=_define("JurisdictionUKMHRA"))
    NOT_STATED = strawberry.enum_value("JurisdictionNotStated", description=_define("JurisdictionNotStated"))


@strawberry.enum(description="What kind of document a source is.")
class SourceType(_Concept):
    ARTICLE = strawberry.enum_value("Article", description=_define("Article"))
    GUIDELINE = strawberry.enum_value("Guideline", description=_define("Guideline"))
    DRUG_LABEL = strawberry.enum_value("DrugLabel", description=_define("DrugLabel"))
    DATASET = strawberry.enum_value("Dataset", description=_define("Dataset"))


@strawberry.enum(description="How strictly a contraindication forbids use.")
class Severity(_Concept):
    ABSOLUTE = strawberry.enum_value("Absolute", description=_define("Absolute"))
    RELATIVE = strawberry.enum_value("Relative", description=_define("Relative"))


@strawberry.enum(description="Design of the study behind an evidence item.")
class StudyDesign(_Concept):
    RANDOMIZED_CONTROLLED_TRIAL = strawberry.enum_value(
        "RandomizedControlledTrial", description=_define("RandomizedControlledTrial")
    )
    DOUBLE_BLIND_PLACEBO_CONTROLLED_TRIAL = strawberry.enum_value(
        "DoubleBlindPlaceboControlledTrial", description=_define("DoubleBlindPlaceboControlledTrial")
    )
    CASE_SERIES = strawberry.enum_value("CaseSeries", description=_define("CaseSeries"))
    PROSPECTIVE_STUDY = strawberry.enum_value("ProspectiveStudy", description=_define("ProspectiveStudy"))
    RETROSPECTIVE_STUDY = strawberry.enum_value(
        "RetrospectiveStudy", description=_define("RetrospectiveStudy")
    )
    SURVEY = strawberry.enum_value("Survey", description=_define("Survey"))
    ANECDOTAL_EVIDENCE = strawberry.enum_value("AnecdotalEvidence", description=_define("AnecdotalEvidence"))
    GUIDELINE_OR_EXPERT_OPINION = strawberry.enum_value(
        "GuidelineOrExpertOpinion", description=_define("GuidelineOrExpertOpinion")
    )


@strawberry.enum(description="The role a drug plays in the treatment of a condition.")
class TherapyRole(_Concept):
    MONOTHERAPY = strawberry.enum_value("Monotherapy", description=_define("Monotherapy"))
    STEROID_SPARING = strawberry.enum_value("SteroidSparing", description=_define("SteroidSparing"))
    SECOND_LINE = strawberry.enum_value("SecondLine", description=_define("SecondLine"))
    MAINTENANCE = strawberry.enum_value("Maintenance", description=_define("Maintenance"))
    ADJUNCTIVE = strawberry.enum_value("Adjunctive", description=_define("Adjunctive"))
    COMBINATION_THERAPY = strawberry.enum_value(
        "CombinationTherapy", description=_define("CombinationTherapy")
    )


@strawberry.enum(description="What a pharmacogenomic rule tells the prescriber to do.")
class PharmacogenomicAction(_Concept):
    TEST_BEFORE_TREATMENT = strawberry.enum_value(
        "TestBeforeTreatment", description=_define("TestBeforeTreatment")
    )
    AVOID_DRUG = strawberry.enum_value("AvoidDrug", description=_define("AvoidDrug"))
    MODIFY_DOSE = strawberry.enum_value("ModifyDose", description=_define("ModifyDose"))
    CONSIDER_ALTERNATIVE = strawberry.enum_value(
        "ConsiderAlternative", description=_define("ConsiderAlternative")
    )


@strawberry.enum(description="How a printed figure's numbers are to be read.")
class QuantityKind(_Concept):
    PERCENTAGE = strawberry.enum_value("Percentage", description=_define("Percentage"))
    P_VALUE = strawberry.enum_value("PValue", description=_define("PValue"))
    ONE_IN_N = strawberry.enum_value("OneInN", description=_define("OneInN"))
    COUNT = strawberry.enum_value("Count", description=_define("Count"))


@strawberry.enum(description="Which axis a grading scheme grades.")
class GradingAxis(_Concept):
    QUALITY_OF_EVIDENCE = strawberry.enum_value("QualityOfEvidence", description=_define("QualityOfEvidence"))
    STRENGTH_OF_RECOMMENDATION = strawberry.enum_value(
        "StrengthOfRecommendation", description=_define("StrengthOfRecommendation")
    )


@strawberry.enum(
    description="GRADE certainty of evidence. Filters with a minimum certainty follow each "
    "grade's crosswalk (skos:closeMatch / skos:broadMatch) to GRADE, whatever scale graded it."
)
class Certainty(Enum):
    HIGH = strawberry.enum_value(4, description=describe(str(GRADE["grade-certainty-high"])))
    MODERATE = strawberry.enum_value(3, description=describe(str(GRADE["grade-certainty-moderate"])))
    LOW = strawberry.enum_value(2, description=describe(str(GRADE["grade-certainty-low"])))
    VERY_LOW = strawberry.enum_value(1, description=describe(str(GRADE["grade-certainty-very-low"])))

    @property
    def rank(self) -> int:
        """The concept's ev:rank (4 high ... 1 very low)."""
        return int(str(self.value))

    @property
    def iri(self) -> str:
        """The GRADE certainty concept."""
        return str(GRADE["grade-certainty-" + self.name.lower().replace("_", "-")])


def _claim_kinds() -> type[_Concept]:
    """The ``ClaimKind`` enum, one member per kind of the kinds table (graph.kinds), in its order."""
    members = {
        kind.enum: strawberry.enum_value(kind.class_name, description=_define(kind.class_name))
        for kind in in_use()
    }
    made: type[_Concept] = _make_enum("ClaimKind", members)
    return strawberry.enum(made, description="The kind of a clinical claim.")


def _make_enum(name: str, members: Mapping[str, object]) -> type[_Concept]:
    """A concept enum with these members, made at run time (its members come from data)."""
    made = Enum(name, dict(members), type=_Concept, module=__name__)  # type: ignore[misc]
    return cast("type[_Concept]", made)


#: The kind of a claim: one member per row of graph.kinds.KINDS (made at import: to a type
#: checker, a concept enum).
if TYPE_CHECKING:
    ClaimKind = _Concept
else:
    ClaimKind = _claim_kinds()
#: The class IRIs of every kind of claim.
ALL_CLAIM_KINDS = tuple(kind.iri for kind in in_use())
