"""The GraphQL filter inputs of claim lists, propositions and conflicts, and their graph-layer filter."""

from __future__ import annotations

import strawberry

from api.graphql.enums import Certainty, ClaimKind, Jurisdiction, Severity, StudyDesign
from api.graphql.errors import BadUserInputError
from api.graphql.ids import to_iri
from api.graphql.proposition_types import ConflictKind
from graph.claims import ClaimFilter

#: The longest name or text a filter takes, in characters.
MAX_TEXT = 200
#: The largest minSources a proposition filter takes (more sources than any store holds).
MAX_SOURCES = 1000


@strawberry.input(description="Conditions a claim must meet; all given fields must hold.")
class ClaimFilterInput:
    drug: str | None = strawberry.field(
        default=None, description='Drug: label, synonym, identifier (e.g. "RXNORM:1256"), IRI or ID.'
    )
    condition: str | None = strawberry.field(
        default=None,
        description='Condition: label, synonym, identifier (e.g. "MONDO:0004980"), IRI or ID. Claims on a '
        'narrower condition match too ("Vasculitis" finds cutaneous leukocytoclastic vasculitis), unless '
        "conditionExact.",
    )
    condition_exact: bool = strawberry.field(
        default=False, description="Match only claims on the named condition itself, not on narrower ones."
    )
    licensed: bool | None = strawberry.field(
        default=None,
        description="Licensed (true) or unlicensed (false) indications only: in the jurisdiction given, "
        "else in any.",
    )
    jurisdiction: Jurisdiction | None = strawberry.field(
        default=None,
        description="Indications whose licensing status is stated for this jurisdiction (NOT_STATED: the "
        "source did not say which).",
    )
    grade: str | None = strawberry.field(
        default=None,
        description='Grade notation as printed in its scale ("A") or its label ("Moderate Evidence"), '
        "case-insensitive.",
    )
    grade_scheme: str | None = strawberry.field(
        default=None, description='Only grades of this scheme: its IRI or name ("dr-oracle-evidence").'
    )
    min_certainty: Certainty | None = strawberry.field(
        default=None, description="At least this GRADE certainty, directly or through a crosswalk."
    )
    study_design: StudyDesign | None = strawberry.field(
        default=None, description="Supported by evidence of this design (or a narrower one)."
    )
    source: str | None = strawberry.field(default=None, description="Source document: IRI, ID or title.")
    negated: bool | None = strawberry.field(
        default=None, description="Negative findings only (true) or positive ones only (false)."
    )
    text: str | None = strawberry.field(
        default=None,
        description="Words in the claim's label or evidence text (case- and accent-insensitive).",
    )
    severity: Severity | None = strawberry.field(default=None, description="Contraindication severity.")
    gene: str | None = strawberry.field(default=None, description="Gene of a pharmacogenomic rule.")
    interactant: str | None = strawberry.field(
        default=None,
        description="The other drug of an interaction: label, synonym, identifier, IRI or ID.",
    )
    include_retracted: bool = strawberry.field(default=False, description="Also list retracted claims.")


def lookup_key(value: str | None, name: str) -> str | None:
    """A user's lookup key: a global ID becomes its IRI; over-long text is refused."""
    if value is None:
        return None
    if len(value) > MAX_TEXT:
        raise BadUserInputError(f"{name} is longer than {MAX_TEXT} characters")
    return to_iri(value) or value


def to_claim_filter(given: ClaimFilterInput | None, kinds: tuple[ClaimKind, ...]) -> ClaimFilter:
    """The graph layer's filter for a GraphQL filter input."""
    f = given or ClaimFilterInput()
    return ClaimFilter(
        kinds=tuple(k.iri for k in kinds),
        drug=lookup_key(f.drug, "drug"),
        condition=lookup_key(f.condition, "condition"),
        condition_exact=f.condition_exact,
        licensed=f.licensed,
        jurisdiction=f.jurisdiction.iri if f.jurisdiction else None,
        grade=lookup_key(f.grade, "grade"),
        grade_scheme=lookup_key(f.grade_scheme, "gradeScheme"),
        min_certainty=f.min_certainty.rank if f.min_certainty else None,
        study_design=f.study_design.iri if f.study_design else None,
        source=lookup_key(f.source, "source"),
        negated=f.negated,
        text=lookup_key(f.text, "text"),
        severity=f.severity.iri if f.severity else None,
        gene=lookup_key(f.gene, "gene"),
        interactant=lookup_key(f.interactant, "interactant"),
        include_retracted=f.include_retracted,
    )


@strawberry.input(description="Which propositions: those of the claims these name.")
class PropositionFilterInput:
    kind: ClaimKind | None = strawberry.field(default=None, description="Claims of this kind only.")
    drug: str | None = strawberry.field(
        default=None, description="Drug: label, synonym, identifier, IRI or ID."
    )
    condition: str | None = strawberry.field(
        default=None, description="Condition (or a narrower one): label, synonym, identifier, IRI or ID."
    )
    min_sources: int = strawberry.field(
        default=1, description="Stated by at least this many sources (2: corroborated)."
    )


@strawberry.input(description="Which conflicts: those about the claims these name.")
class ConflictFilterInput:
    kind: ClaimKind | None = strawberry.field(default=None, description="Claims of this kind only.")
    drug: str | None = strawberry.field(
        default=None, description="Drug: label, synonym, identifier, IRI or ID."
    )
    condition: str | None = strawberry.field(
        default=None, description="Condition (or a narrower one): label, synonym, identifier, IRI or ID."
    )
    conflict: ConflictKind | None = strawberry.field(
        default=None, description="This kind of disagreement only."
    )


def selection(kind: ClaimKind | None, drug: str | None, condition: str | None) -> ClaimFilter:
    """The claims a proposition or conflict filter names: of a kind, a drug, a condition."""
    return ClaimFilter(
        kinds=(kind.iri,) if kind else (),
        drug=lookup_key(drug, "drug"),
        condition=lookup_key(condition, "condition"),
    )
