"""References (the cited works) and the source documents whose reference lists hold them."""

from __future__ import annotations

import strawberry

from api.graphql.claim_types import Claim
from api.graphql.descriptions import describe
from api.graphql.enums import SourceType
from api.graphql.evidence_types import integer
from api.graphql.fields import BIBO_NS, DCTERMS, PAV, REFERENCES, Resolved, computed, ev, rdf
from api.graphql.node_types import Node
from api.graphql.reading import _then, claims_linking, concept, inverse_nodes, linked_one
from graph.entity import members
from graph.store import text

AUTHOR_LIST = BIBO_NS + "authorList"


@strawberry.type(description=describe(ev.Reference))
class Reference(Node):
    @rdf(ev.citationNumber)
    def citation_number(self) -> int | None:
        return integer(self.entity, ev.citationNumber)

    @rdf(DCTERMS + "title", "Title as printed; null when the source does not name the reference.")
    def title(self) -> str | None:
        return self.entity.string(DCTERMS + "title")

    @rdf(ev.referenceType)
    def reference_type(self) -> str | None:
        return self.entity.string(ev.referenceType)

    @rdf(ev.containerTitle)
    def container_title(self) -> str | None:
        return self.entity.string(ev.containerTitle)

    @rdf(DCTERMS + "issued", "Year of publication.")
    def year(self) -> str | None:
        return self.entity.string(DCTERMS + "issued")

    @computed(
        "Authors as printed, in printed order (the reference's author list, bibo:authorList; in a "
        "stable order when it has none).",
        returns=list[str],
        rdf=DCTERMS + "creator",
        reads=(DCTERMS + "creator", AUTHOR_LIST),
    )
    def creators(self) -> Resolved[list[str]]:
        listed = self.entity.iri_of(AUTHOR_LIST)
        unordered = [text(v) for v in self.entity.all(DCTERMS + "creator")]
        if listed is None:
            return unordered
        return _then(
            self.context.load([listed]),
            lambda found: [text(m) for m in members(found[0])] if found and found[0] else unordered,
        )

    @rdf(BIBO_NS + "volume", "Journal volume.")
    def volume(self) -> str | None:
        return self.entity.string(BIBO_NS + "volume")

    @rdf(BIBO_NS + "issue", "Journal issue.")
    def issue(self) -> str | None:
        return self.entity.string(BIBO_NS + "issue")

    @rdf(BIBO_NS + "pageStart", "First page.")
    def page_start(self) -> str | None:
        return self.entity.string(BIBO_NS + "pageStart")

    @rdf(BIBO_NS + "pageEnd", "Last page.")
    def page_end(self) -> str | None:
        return self.entity.string(BIBO_NS + "pageEnd")

    @rdf(BIBO_NS + "pmid", "PubMed ID.")
    def pmid(self) -> str | None:
        return self.entity.string(BIBO_NS + "pmid")

    @rdf(BIBO_NS + "doi", "DOI.")
    def doi(self) -> str | None:
        return self.entity.string(BIBO_NS + "doi")

    @rdf(ev.unresolved)
    def unresolved(self) -> bool:
        return self.entity.flag(ev.unresolved)

    @rdf(ev.markerMappingInferred)
    def marker_mapping_inferred(self) -> bool:
        return self.entity.flag(ev.markerMappingInferred)

    @rdf(ev.curationNote)
    def curation_notes(self) -> list[str]:
        return self.entity.strings(ev.curationNote)

    @rdf(
        DCTERMS + "isPartOf",
        "The source document whose reference list holds this reference.",
        link="SourceDocument | None",
    )
    def source(self) -> Resolved[SourceDocument | None]:
        return linked_one(self, DCTERMS + "isPartOf", SourceDocument)

    # claims only (evidence items cite references too), and no kind argument
    claims = claims_linking(
        ev.citesAsEvidence,
        "The claims that cite this reference (inverse of citesAsEvidence).",
        of=Claim,
    )


@strawberry.type(description=describe(ev.SourceDocument))
class SourceDocument(Node):
    @rdf(DCTERMS + "title", "Title of the document.")
    def title(self) -> str | None:
        return self.entity.string(DCTERMS + "title")

    @rdf(DCTERMS + "modified", "Last updated, as the document says (ISO date).")
    def last_updated(self) -> str | None:
        return self.entity.string(DCTERMS + "modified")

    @rdf(DCTERMS + "publisher", "Publisher.")
    def publisher(self) -> str | None:
        return self.entity.string(DCTERMS + "publisher")

    @rdf(ev.editorialStatus)
    def editorial_status(self) -> str | None:
        return self.entity.string(ev.editorialStatus)

    @rdf(ev.sourceType)
    def source_type(self) -> SourceType | None:
        return concept(SourceType, self.entity.iri_of(ev.sourceType))  # type: ignore[no-any-return]

    @rdf(PAV + "version", "The version of the document or dataset (a release, a commit).")
    def version(self) -> str | None:
        return self.entity.string(PAV + "version")

    @rdf(DCTERMS + "license", "The licence the document or dataset is published under (an IRI).")
    def license(self) -> str | None:
        return self.entity.iri_of(DCTERMS + "license")

    @rdf(PAV + "retrievedFrom", "Where the document or dataset was retrieved from.")
    def retrieved_from(self) -> str | None:
        return self.entity.iri_of(PAV + "retrievedFrom")

    @rdf(PAV + "retrievedOn", "When it was retrieved (ISO date).")
    def retrieved_on(self) -> str | None:
        return self.entity.string(PAV + "retrievedOn")

    @rdf(
        ev.curationNote,
        "The curators' notes on the document as a whole: what it leaves unresolved (an unnamed "
        "regulator, unnumbered references, unprinted grade letters) and how the curation reads it.",
    )
    def curation_notes(self) -> list[str]:
        return self.entity.strings(ev.curationNote)

    @rdf(
        DCTERMS + "hasPart", "The document's numbered references.", link="list[Reference]", inverse=REFERENCES
    )
    def references(self) -> Resolved[list[Reference]]:
        return _then(
            inverse_nodes(self, REFERENCES, Reference),
            lambda refs: sorted(refs, key=lambda r: integer(r.entity, ev.citationNumber) or 0),
        )
