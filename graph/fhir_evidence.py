"""The evidence behind a claim in FHIR R5: Citations for its references, an ArtifactAssessment for its grades.

A Citation gives a reference's title, authors in printed order, journal, year, volume, issue,
pages and PubMed/DOI ids; a reference the source cites without naming it says so. The
ArtifactAssessment rates the claim (its ClinicalUseDefinition) on the source's scale and on GRADE
certainty through the scale's crosswalk.
"""

from __future__ import annotations

from graph.authors import printed_authors
from graph.entity import Entity
from graph.fhir_codes import (
    CERTAINTY_RATING_SYSTEM,
    CERTAINTY_RATINGS,
    JSON,
    OVERALL_CERTAINTY,
    SKOS,
    Nodes,
    concept_coding,
    fhir_id,
    iri_identifier,
    local_name,
    urn_uuid,
)
from graph.namespaces import BIBO, EV, PREFIXES

DCTERMS = PREFIXES["dcterms"]


def _ev(name: str) -> str:
    return str(EV[name])


def citation(iri: str, nodes: Nodes) -> JSON:
    """A Citation for a reference of a source: title, authors in printed order, journal, year, pages, ids."""
    ref = nodes.get(iri) or Entity(iri)
    title = ref.string(DCTERMS + "title")
    cited: JSON = {}
    ids = [
        {"system": system, "value": value}
        for system, value in (
            ("https://pubmed.ncbi.nlm.nih.gov", ref.string(str(BIBO.pmid))),
            ("https://doi.org", ref.string(str(BIBO.doi))),
        )
        if value
    ]
    if ids:
        cited["identifier"] = ids
    if title:
        cited["title"] = [{"text": title}]
    form = _publication_form(ref)
    if form:
        cited["publicationForm"] = [form]
    authors = printed_authors(ref, nodes.entities)
    if authors:
        cited["contributorship"] = {
            "entry": [
                {"contributor": {"display": name}, "rankingOrder": i} for i, name in enumerate(authors, 1)
            ],
            "summary": [{"value": ", ".join(authors)}],
        }
    notes = list(ref.strings(_ev("curationNote")))
    if ref.flag(_ev("unresolved")):
        notes.insert(0, "Cited by the source, whose reference list does not name it.")
    if notes:
        cited["note"] = [{"text": n} for n in notes]
    resource: JSON = {
        "resourceType": "Citation",
        "id": fhir_id(iri),
        "identifier": iri_identifier(iri),
        "title": reference_title(iri, nodes),
        "status": "active",
        "citedArtifact": cited,
    }
    return resource


def reference_title(iri: str, nodes: Nodes) -> str:
    """A reference's title, or for one the source does not name, its number and source."""
    ref = nodes.get(iri) or Entity(iri)
    title = ref.string(DCTERMS + "title")
    if title:
        return title
    source = ref.iri_of(DCTERMS + "isPartOf")
    where = f" of {nodes.label(source)}" if source else ""
    return f"Reference {ref.string(_ev('citationNumber')) or local_name(iri)}{where}"


def _publication_form(ref: Entity) -> JSON:
    form: JSON = {}
    journal = ref.string(_ev("containerTitle"))
    if journal:
        form["publishedIn"] = {"title": journal}
    for key, predicate in (("volume", BIBO.volume), ("issue", BIBO.issue)):
        value = ref.string(str(predicate))
        if value:
            form[key] = value
    year = ref.string(DCTERMS + "issued")
    if year:
        form["publicationDateText"] = year
        if year.isdigit() and len(year) == 4:
            form["articleDate"] = year
    first, last = ref.string(str(BIBO.pageStart)), ref.string(str(BIBO.pageEnd))
    if first:
        form["firstPage"] = first
    if last:
        form["lastPage"] = last
    if first or last:
        form["pageString"] = "-".join(p for p in (first, last) if p)
    return form


def certainty(claim: Entity, nodes: Nodes) -> JSON | None:
    """The ArtifactAssessment of a claim's grades (None if it has none).

    One rating gives the grade in its own scheme; a second gives the GRADE certainty, the grade
    itself when it is a GRADE level, else the one its crosswalk names (the curators' mapping,
    said so in the summary). A strength of recommendation is a rating of its own.
    """
    content = []
    grade = claim.iri_of(_ev("evidenceGrade"))
    if grade is not None:
        content.append(_rating(grade, nodes, OVERALL_CERTAINTY, _printed(claim)))
        graded = _grade_certainty(grade, nodes)
        if graded is not None:
            content.append(graded)
    strength = claim.iri_of(_ev("recommendationStrength"))
    if strength is not None:
        content.append(_rating(strength, nodes, {"text": "Strength of recommendation"}, ""))
    if not content:
        return None
    full_url = urn_uuid(claim.iri, "certainty")
    return {
        "resourceType": "ArtifactAssessment",
        "id": full_url.removeprefix("urn:uuid:"),
        "title": f"Certainty of evidence: {nodes.label(claim.iri)}",
        "artifactReference": nodes.reference(claim.iri, "ClinicalUseDefinition"),
        "content": content,
    }


def _printed(claim: Entity) -> str:
    printed = claim.string(_ev("printedGrade"))
    said = [f'Printed as "{printed}".'] if printed else []
    if claim.flag(_ev("gradeInferred")):
        said.append("The grade was inferred by the curator, not printed by the source.")
    return " ".join(said)


def _rating(grade: str, nodes: Nodes, kind: JSON, remark: str) -> JSON:
    node = nodes.get(grade)
    scheme = node.iri_of(SKOS + "inScheme") if node is not None else None
    notes = node.strings(SKOS + "editorialNote") if node is not None else []
    summary = " ".join(
        [f"{nodes.label(grade)}, on the scale {nodes.label(scheme)}." if scheme else f"{nodes.label(grade)}."]
        + ([remark] if remark else [])
        + notes
    )
    return {
        "informationType": "rating",
        "summary": summary,
        "type": kind,
        "classifier": [{"coding": [concept_coding(grade, node)], "text": nodes.label(grade)}],
    }


def _grade_certainty(grade: str, nodes: Nodes) -> JSON | None:
    node = nodes.get(grade)
    if grade in CERTAINTY_RATINGS:
        target, how = grade, "The grade is a GRADE certainty level."
    else:
        target, how = None, ""
        for relation in ("closeMatch", "broadMatch"):
            found = [i for i in (node.iris(SKOS + relation) if node else []) if i in CERTAINTY_RATINGS]
            if found:
                target = found[0]
                how = (
                    f"GRADE certainty by the curators' crosswalk (skos:{relation}) from the grade, "
                    "not the source's own rating."
                )
                break
    if target is None:
        return None
    code, display = CERTAINTY_RATINGS[target]
    return {
        "informationType": "rating",
        "summary": how,
        "type": OVERALL_CERTAINTY,
        "classifier": [{"coding": [{"system": CERTAINTY_RATING_SYSTEM, "code": code, "display": display}]}],
    }
