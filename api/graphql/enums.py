"""GraphQL enums for the ontology's fixed value sets.

Each member's name is the concept's ``skos:notation`` and its value the ``ev:`` local name; a
test checks both against the ontology, so enums and vocabulary cannot drift apart.
"""

from enum import Enum

import strawberry

from graph.namespaces import EV, GRADE


class _Concept(Enum):
    @property
    def iri(self) -> str:
        """The concept's IRI."""
        return str(EV[self.value])

    @classmethod
    def from_iri(cls, iri: str | None) -> "_Concept | None":
        """The member for a concept IRI, or None."""
        for member in cls:
            if member.iri == iri:
                return member
        return None


@strawberry.enum(description="Whether a regulator has licensed the drug for the indication.")
class LicensingStatus(_Concept):
    LICENSED = "Licensed"
    UNLICENSED = "Unlicensed"


@strawberry.enum(description="How strictly a contraindication forbids use.")
class Severity(_Concept):
    ABSOLUTE = "Absolute"
    RELATIVE = "Relative"


@strawberry.enum(description="Design of the study behind an evidence item.")
class StudyDesign(_Concept):
    RANDOMIZED_CONTROLLED_TRIAL = "RandomizedControlledTrial"
    DOUBLE_BLIND_PLACEBO_CONTROLLED_TRIAL = "DoubleBlindPlaceboControlledTrial"
    CASE_SERIES = "CaseSeries"
    PROSPECTIVE_STUDY = "ProspectiveStudy"
    RETROSPECTIVE_STUDY = "RetrospectiveStudy"
    SURVEY = "Survey"
    ANECDOTAL_EVIDENCE = "AnecdotalEvidence"
    GUIDELINE_OR_EXPERT_OPINION = "GuidelineOrExpertOpinion"


@strawberry.enum(description="The role a drug plays in the treatment of a condition.")
class TherapyRole(_Concept):
    MONOTHERAPY = "Monotherapy"
    STEROID_SPARING = "SteroidSparing"
    SECOND_LINE = "SecondLine"
    MAINTENANCE = "Maintenance"
    ADJUNCTIVE = "Adjunctive"
    COMBINATION_THERAPY = "CombinationTherapy"


@strawberry.enum(description="What a pharmacogenomic rule tells the prescriber to do.")
class PharmacogenomicAction(_Concept):
    TEST_BEFORE_TREATMENT = "TestBeforeTreatment"
    AVOID_DRUG = "AvoidDrug"
    MODIFY_DOSE = "ModifyDose"
    CONSIDER_ALTERNATIVE = "ConsiderAlternative"


@strawberry.enum(description="How a printed figure's numbers are to be read.")
class QuantityKind(_Concept):
    PERCENTAGE = "Percentage"
    P_VALUE = "PValue"
    ONE_IN_N = "OneInN"
    COUNT = "Count"


@strawberry.enum(description="Which axis a grading scheme grades.")
class GradingAxis(_Concept):
    QUALITY_OF_EVIDENCE = "QualityOfEvidence"
    STRENGTH_OF_RECOMMENDATION = "StrengthOfRecommendation"


@strawberry.enum(
    description="GRADE certainty of evidence. Filters with a minimum certainty follow each "
    "grade's crosswalk (skos:closeMatch / skos:broadMatch) to GRADE, whatever scale graded it."
)
class Certainty(Enum):
    HIGH = 4
    MODERATE = 3
    LOW = 2
    VERY_LOW = 1

    @property
    def iri(self) -> str:
        """The GRADE certainty concept."""
        return str(GRADE["grade-certainty-" + self.name.lower().replace("_", "-")])


@strawberry.enum(description="The kind of a clinical claim.")
class ClaimKind(_Concept):
    INDICATION = "IndicationStatement"
    CONTRAINDICATION = "ContraindicationStatement"
    INTERACTION = "InteractionStatement"
    PHARMACOGENOMIC = "PharmacogenomicStatement"
    MONITORING = "MonitoringStatement"
    PRACTICE_POINT = "PracticePointStatement"
    MECHANISM = "MechanismStatement"
    PRACTICE_PATTERN = "PracticePatternStatement"
