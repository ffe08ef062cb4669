"""The pages for people: what the drug, claim, reference, source, grading scheme and other pages show,
read with html.parser; accessibility checks that can be made statically; bounded lists; no file
from another host; the public base in the links.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.graphql.paging import DEFAULT_PAGE, MAX_PAGE
from api.settings import Settings
from graph.load import load_sources
from graph.namespaces import BASE, EV, PREFIXES
from graph.remote import RemoteStore
from graph.store import EvidenceStore, Store
from testing.oxigraph_server import free_port
from tests.test_offline import is_external, page_references
from tests.test_propositions import TWO_DATASETS

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
#: A page of every kind.
PAGES = [
    "/",
    "/search?q=behcet",
    "/search",
    "/id/drug/azathioprine",
    "/id/drug/levonorgestrel",
    "/id/condition/atopic-dermatitis",
    "/id/gene/tpmt",
    "/id/claim/azathioprine-behcets-disease-indication",
    "/id/claim/azathioprine-levonorgestrel-no-interaction",
    "/id/evidence/azathioprine-atopic-dermatitis-2",
    "/id/reference/dr-oracle-azathioprine-5",
    "/id/reference/dr-oracle-azathioprine-2",
    "/id/source/dr-oracle-azathioprine-dermatology",
    "/grade/dr-oracle-evidence",
    "/grade/dr-oracle-A",
    "/ontology",
    "/shapes",
    "/id/drug/no-such-drug",
]


@dataclass
class Element:
    """An element of a parsed page: its tag, attributes and children (elements and text)."""

    tag: str
    attrs: dict[str, str]
    children: list[Element | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Element]:
        """This element and every element below it (of ``tag``), in document order."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter(tag)

    @property
    def text(self) -> str:
        """Its text, whitespace collapsed."""
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join(" ".join(parts).split())

    def links(self) -> list[tuple[str, str]]:
        """(href, text) of every link below it."""
        return [(a.attrs.get("href", ""), a.text) for a in self.iter("a")]


class TreeBuilder(HTMLParser):
    """A page as a tree of :class:`Element` (html.parser, no regular expression)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.open[-1].children.append(element)
        if tag not in VOID:
            self.open.append(element)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parse_page(html: str) -> Element:
    builder = TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page(client: TestClient, path: str, status: int = 200) -> Element:
    answer = client.get(path, headers={"Accept": "text/html"})
    assert answer.status_code == status, (path, answer.text[:500])
    assert answer.headers["content-type"].startswith("text/html")
    return parse_page(answer.text)


def table_with_caption(root: Element, start: str) -> Element:
    tables = [t for t in root.iter("table") if any(c.text.startswith(start) for c in t.iter("caption"))]
    assert len(tables) == 1, [c.text for c in root.iter("caption")]
    return tables[0]


def column(table: Element, heading: str) -> list[str]:
    """The cells of a column, by its heading."""
    headings = [th.text for th in next(table.iter("thead")).iter("th")]
    at = headings.index(heading)
    rows = next(table.iter("tbody")).iter("tr")
    return [[c for c in row.children if isinstance(c, Element)][at].text for row in rows]


def test_the_drug_page_shows_the_grade_a_unlicensed_indications_with_their_references(
    client: TestClient,
) -> None:
    root = page(client, "/id/drug/azathioprine")
    assert next(root.iter("h1")).text == "azathioprine"
    grade_a = table_with_caption(root, "Unlicensed indications, Grade A")
    assert sorted(column(grade_a, "Condition")) == [
        "Atopic dermatitis",
        "Behçet's disease",
        "Chronic actinic dermatitis",
    ]
    assert set(column(grade_a, "Grade")) == {"A: Strong Evidence (Grade A)"}
    references = {text for href, text in grade_a.links() if href.startswith("/id/reference/")}
    assert references == {
        "Guideline Directed Topic Overview",
        "Contraception Management in Behçet's Disease Patients on Azathioprine",
        "Reference 3 (not named in the source)",
    }
    evidence = " ".join(column(grade_a, "Evidence as printed"))
    assert (
        "Double-blind, placebo-controlled trials show efficacy, particularly for preventing ocular complications."
        in evidence
    )
    assert "[1, 4]" in evidence  # the citation markers as printed
    # licensed first, then unlicensed; Grade A before B before C
    groups = [h.text for h in root.iter("h3")]
    assert groups.index("Licensed") < groups.index("Unlicensed")
    captions = [c.text for c in root.iter("caption") if c.text.startswith("Unlicensed indications")]
    assert [c.split(",")[1].split(":")[0].strip() for c in captions] == ["Grade A", "Grade B", "Grade C"]


def test_the_drug_page_has_every_kind_of_claim(client: TestClient) -> None:
    root = page(client, "/id/drug/azathioprine")
    sections = [h.text.split(" (")[0] for h in root.iter("h2")]
    for title in [
        "Indications",
        "Contraindications",
        "Interactions",
        "Pharmacogenomics",
        "Monitoring",
        "Practice points",
    ]:
        assert title in sections
    absolute = table_with_caption(root, "Contraindications: absolute")
    assert "Pregnancy" in column(absolute, "Condition")
    absences = table_with_caption(root, "Interactions: stated not to hold")
    assert set(column(absences, "Interactant")) == {"levonorgestrel", "ethinyl estradiol"}
    pgx = table_with_caption(root, "Pharmacogenomics")
    assert {"TPMT", "NUDT15"} <= set(column(pgx, "Gene"))


def test_a_drug_named_by_other_drugs_claims_lists_them(client: TestClient) -> None:
    root = page(client, "/id/drug/levonorgestrel")
    named = table_with_caption(root, "Claims about other drugs that name it")
    assert any("levonorgestrel" in text for text in column(named, "Claim"))
    assert set(column(named, "Drug")) == {"azathioprine"}


def test_the_claim_page_links_to_its_reference_and_the_reference_back(client: TestClient) -> None:
    claim = "/id/claim/azathioprine-behcets-disease-indication"
    reference = "/id/reference/dr-oracle-azathioprine-4"
    root = page(client, claim)
    assert reference in {href for href, _ in root.links()}
    text = root.text
    for shown in [
        "Behçet's disease",
        "Strong Evidence (Grade A)",
        "Dr.Oracle",
        "jurisdiction not stated",
        "Grade A",
    ]:
        assert shown in text
    assert "History" in [h.text for h in root.iter("h2")]
    back = page(client, reference)
    assert claim in {href for href, _ in back.links()}
    assert "Praxis Medical Insights" in back.text


def test_the_reference_page_has_its_authors_in_printed_order(client: TestClient) -> None:
    root = page(client, "/id/reference/dr-oracle-azathioprine-5")
    facts = {dt.text: [dd.text for dd in div.iter("dd")] for div in root.iter("div") for dt in div.iter("dt")}
    assert facts["Authors (as printed)"] == ["Tan BB", "Lear JT", "Gawkrodger DJ", "English JSC"]
    unresolved = page(client, "/id/reference/dr-oracle-azathioprine-2")
    assert "does not name it" in unresolved.text


def test_the_source_page(client: TestClient) -> None:
    root = page(client, "/id/source/dr-oracle-azathioprine-dermatology")
    text = root.text
    assert "Dr.Oracle" in text
    assert "article" in text.lower()  # its type
    assert "never names the regulator" in text  # a curation note
    references = table_with_caption(root, "The source's references")
    assert column(references, "Number") == ["1", "2", "3", "4", "5"]


def test_the_grading_scheme_page_has_its_grades_and_crosswalks(client: TestClient) -> None:
    root = page(client, "/grade/dr-oracle-evidence")
    grades = table_with_caption(root, "Grades of this scheme")
    assert column(grades, "Notation")[0] == "A"
    crosswalks = column(grades, "Crosswalk to GRADE")
    assert crosswalks[0] == "close match: High"
    caveats = " ".join(column(grades, "Caveats"))
    assert "curators' mapping" in caveats
    assert "anecdotal" in caveats


def test_the_grade_page_lists_its_claims(client: TestClient) -> None:
    root = page(client, "/grade/dr-oracle-A")
    conditions = set(column(table_with_caption(root, "Unlicensed indications, Grade A"), "Condition"))
    assert conditions == {"Atopic dermatitis", "Behçet's disease", "Chronic actinic dermatitis"}


def test_search(client: TestClient) -> None:
    root = page(client, "/search?q=behcet%27s+disease")
    results = [text for href, text in next(root.iter("main")).links() if href.startswith("/id/")]
    assert results[0] == "Behçet's disease"  # exact matches of a name first
    assert "Azathioprine for Behçet's disease (particularly preventing ocular complications)" in results
    too_long = page(client, "/search?q=" + "x" * 201, status=400)
    assert "at most 200 characters" in too_long.text


def test_the_home_page(client: TestClient) -> None:
    root = page(client, "/")
    links = {href for href, _ in root.links()}
    assert {"/graphql", "/docs", "/search", "/ontology", "/id/drug/azathioprine"} <= links
    assert "/id/source/dr-oracle-azathioprine-dermatology" in links
    assert "/grade/dr-oracle-evidence" in links
    assert "/sparql" in root.text


def test_an_unknown_iri_is_a_404_page(client: TestClient) -> None:
    answer = client.get("/id/drug/no-such-drug", headers={"Accept": "text/html"})
    assert answer.status_code == 404
    assert answer.headers["vary"] == "Accept"
    assert next(parse_page(answer.text).iter("h1")).text == "Not found"


def test_node_pages_embed_their_json_ld_and_link_their_turtle(client: TestClient) -> None:
    for path in [p for p in PAGES if p.startswith(("/id/", "/grade/")) and "no-such" not in p]:
        root = page(client, path)
        scripts = list(root.iter("script"))
        assert [s.attrs.get("type") for s in scripts] == ["application/ld+json"], path
        document = json.loads(scripts[0].text)
        assert document["@context"] == "http://testserver/context.jsonld"
        alternates = {
            link.attrs["type"]: link.attrs["href"]
            for link in root.iter("link")
            if link.attrs.get("rel") == "alternate"
        }
        turtle = client.get(alternates["text/turtle"])
        assert turtle.status_code == 200
        assert turtle.headers["content-type"].startswith("text/turtle")


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_accessible(client: TestClient, path: str) -> None:
    answer = client.get(path, headers={"Accept": "text/html"})
    root = parse_page(answer.text)
    html = next(root.iter("html"))
    assert html.attrs.get("lang") == "en"
    assert next(root.iter("title")).text
    for landmark in ("header", "nav", "main", "footer"):
        assert len(list(root.iter(landmark))) >= 1, landmark
    assert len(list(root.iter("main"))) == 1
    levels = [int(e.tag[1]) for e in root.iter() if e.tag in {"h1", "h2", "h3", "h4", "h5", "h6"}]
    assert levels.count(1) == 1, levels
    assert levels[0] == 1, levels
    assert all(b <= a + 1 for a, b in pairwise(levels)), f"{path} skips a heading level: {levels}"
    for th in root.iter("th"):
        assert th.attrs.get("scope") in ("col", "row"), (path, th.text)
    for table in root.iter("table"):
        assert list(table.iter("caption")), path
    for img in root.iter("img"):
        assert "alt" in img.attrs
    ids = [e.attrs["id"] for e in root.iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids)), f"{path}: an id is used twice"
    labelled = {label.attrs.get("for") for label in root.iter("label")}
    for field_ in root.iter("input"):
        assert field_.attrs.get("id") in labelled, path
    for a in root.iter("a"):
        assert a.text, f"{path}: a link without text ({a.attrs.get('href')})"


@pytest.mark.parametrize("path", PAGES)
def test_pages_load_nothing_from_another_host(client: TestClient, path: str) -> None:
    html = client.get(path, headers={"Accept": "text/html"}).text
    references = page_references(html)
    assert not [r.url for r in references.urls() if is_external(r.url)]
    assert references.inline == []  # no script runs: the JSON-LD is data
    stylesheets = [r.url for r in references.urls() if r.kind == "stylesheet"]
    assert stylesheets == ["/static/pages/pages.css"]


def test_the_stylesheet_is_served_and_prints(client: TestClient) -> None:
    answer = client.get("/static/pages/pages.css")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/css")
    assert "@media print" in answer.text


# --- bounded pages --------------------------------------------------------------------------


def _many_indications(count: int) -> list[ox.Quad]:
    """A drug with ``count`` unlicensed indications, each with one passage (not validated: a test graph)."""
    g = ox.NamedNode(BASE + "graph/many")
    label = ox.NamedNode(PREFIXES["rdfs"] + "label")
    drug = ox.NamedNode(BASE + "id/drug/many")
    quads = [
        ox.Quad(drug, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(str(EV.Drug)), g),
        ox.Quad(drug, label, ox.Literal("many"), g),
    ]
    for i in range(count):
        claim = ox.NamedNode(f"{BASE}id/claim/many-{i:04}")
        condition = ox.NamedNode(f"{BASE}id/condition/many-{i:04}")
        item = ox.NamedNode(f"{BASE}id/evidence/many-{i:04}")
        quads += [
            ox.Quad(
                claim, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(str(EV.IndicationStatement)), g
            ),
            ox.Quad(claim, label, ox.Literal(f"Many for condition {i:04}"), g),
            ox.Quad(claim, ox.NamedNode(str(EV.drug)), drug, g),
            ox.Quad(claim, ox.NamedNode(str(EV.condition)), condition, g),
            ox.Quad(claim, ox.NamedNode(str(EV.licensingStatus)), ox.NamedNode(str(EV.Unlicensed)), g),
            ox.Quad(claim, ox.NamedNode(str(EV.evidence)), item, g),
            ox.Quad(condition, label, ox.Literal(f"condition {i:04}"), g),
            ox.Quad(item, ox.NamedNode(str(EV.text)), ox.Literal(f"Passage {i}."), g),
        ]
    return quads


def _queries(client: TestClient, store: Store, path: str) -> int:
    before = store.query_count
    assert client.get(path, headers={"Accept": "text/html"}).status_code == 200
    return store.query_count - before


def test_a_page_lists_a_bounded_number_of_claims_in_a_bounded_number_of_queries(
    bundled_quads: list[ox.Quad],
) -> None:
    store = EvidenceStore()
    store.add_quads([*bundled_quads, *_many_indications(MAX_PAGE + 20)])
    with TestClient(create_app(store=store, settings=Settings())) as client:
        root = page(client, "/id/drug/many")
        rows = [r for t in root.iter("table") for r in next(t.iter("tbody")).iter("tr")]
        assert len(rows) == DEFAULT_PAGE
        whole = [href for href, text in root.links() if text == f"All {MAX_PAGE + 20} indications"]
        assert whole == ["/id/drug/many?section=indications&offset=0#indications"]
        first = page(client, whole[0])
        assert sum(1 for t in first.iter("tbody") for _ in t.iter("tr")) == MAX_PAGE
        following = [href for href, text in first.links() if text == "Next page"]
        rest = page(client, following[0])
        assert sum(1 for t in rest.iter("tbody") for _ in t.iter("tr")) == 20
        # the same number of queries for a drug with 14 indications and one with 520
        assert _queries(client, store, "/id/drug/many") == _queries(client, store, "/id/drug/azathioprine")
        assert _queries(client, store, "/id/drug/many") <= 8


# --- the public base ------------------------------------------------------------------------


def _elsewhere() -> EvidenceStore:
    """A drug and its claim minted under another base, linking to a condition of the project's."""
    store = EvidenceStore()
    g = ox.NamedNode("https://example.org/kb/graph/test")
    label = ox.NamedNode(PREFIXES["rdfs"] + "label")
    drug = ox.NamedNode("https://example.org/kb/id/drug/x")
    claim = ox.NamedNode("https://example.org/kb/id/claim/x-for-eczema")
    condition = ox.NamedNode(BASE + "id/condition/atopic-dermatitis")
    store.add_quads(
        [
            ox.Quad(drug, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(str(EV.Drug)), g),
            ox.Quad(drug, label, ox.Literal("x"), g),
            ox.Quad(
                claim, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(str(EV.IndicationStatement)), g
            ),
            ox.Quad(claim, label, ox.Literal("x for eczema"), g),
            ox.Quad(claim, ox.NamedNode(str(EV.drug)), drug, g),
            ox.Quad(claim, ox.NamedNode(str(EV.condition)), condition, g),
            ox.Quad(condition, ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(str(EV.Condition)), g),
            ox.Quad(condition, label, ox.Literal("Atopic dermatitis"), g),
        ]
    )
    return store


def test_the_public_base_decides_which_iris_are_served_and_linked_here() -> None:
    store = _elsewhere()
    elsewhere = Settings(public_base="https://example.org/kb/")
    with TestClient(create_app(store=store, settings=elsewhere)) as client:
        links = {text: href for href, text in page(client, "/id/drug/x").links()}
        assert links["x for eczema"] == "/id/claim/x-for-eczema"
        assert links["Atopic dermatitis"] == BASE + "id/condition/atopic-dermatitis"  # not served here
        assert client.get("/id/condition/atopic-dermatitis").status_code == 404
    with TestClient(create_app(store=store, settings=Settings())) as client:
        assert client.get("/id/drug/x").status_code == 404
        links = {text: href for href, text in page(client, "/id/condition/atopic-dermatitis").links()}
        assert links["x"] == "https://example.org/kb/id/drug/x"
    with pytest.raises(ValueError, match="ending in '/'"):
        Settings(public_base="https://example.org/kb")


# --- several sources ------------------------------------------------------------------------


@pytest.fixture
def two_datasets(fresh_store: Store, tmp_path: Path) -> Iterator[TestClient]:
    """The bundled article and two small datasets that agree and disagree with it (tests.test_propositions)."""
    path = tmp_path / "two-datasets.ttl"
    path.write_text(TWO_DATASETS, encoding="utf-8")
    assert load_sources(fresh_store, [path]).report.conforms
    with TestClient(create_app(store=fresh_store, settings=Settings())) as client:
        yield client


def test_a_claim_page_shows_the_other_sources_and_where_they_disagree(two_datasets: TestClient) -> None:
    root = page(two_datasets, "/id/claim/azathioprine-behcets-disease-indication")
    others = table_with_caption(root, "Other claims of the same proposition")
    assert column(others, "Claim") == ["azathioprine is not for Behcet's disease (A) Stated not to hold"]
    assert column(others, "Source") == ["Dataset A"]
    disagreements = table_with_caption(root, "Where other sources disagree")
    assert column(disagreements, "Disagreement") == ["negation"]
    assert column(disagreements, "Its source") == ["Dataset A"]


def test_a_dataset_claim_shows_its_records_and_its_source_its_version_and_licence(
    two_datasets: TestClient,
) -> None:
    root = page(two_datasets, "/id/claim/a-lupus")
    assert "Dataset record a-3" in root.text
    assert "licence: UK" in root.text
    source = page(two_datasets, "/id/source/dataset-a")
    facts = {
        dt.text: [dd.text for dd in div.iter("dd")] for div in source.iter("div") for dt in div.iter("dt")
    }
    assert facts["Version"] == ["1"]
    assert facts["Licence"] == ["https://creativecommons.org/publicdomain/zero/1.0/"]
    assert facts["Source type"] == ["dataset"]
    drug = page(two_datasets, "/id/drug/azathioprine")
    absences = [
        row.text for table in drug.iter("table") for row in table.iter("tr") if "not for Behcet" in row.text
    ]
    assert len(absences) == 1
    assert "Stated not to hold" in absences[0]


def test_pages_may_run_no_script(client: TestClient) -> None:
    for path in ("/", "/search?q=tpmt", "/id/drug/azathioprine", "/ontology", "/id/drug/no-such-drug"):
        policy = client.get(path, headers={"Accept": "text/html"}).headers["content-security-policy"]
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
        assert directives["default-src"] == "'none'"
        assert "script-src" not in directives
        assert directives["style-src"] == "'self'"


def test_a_store_that_does_not_answer_is_a_503() -> None:
    port = free_port()  # nothing listens there
    down = RemoteStore(f"http://127.0.0.1:{port}/query", f"http://127.0.0.1:{port}/update", timeout=0.5)
    with TestClient(create_app(store=down, settings=Settings())) as client:
        for path in ("/", "/search?q=tpmt", "/id/drug/azathioprine"):
            for media_type in ("text/html", "text/turtle"):
                answer = client.get(path, headers={"Accept": media_type})
                assert answer.status_code == 503, (path, answer.text[:300])
                assert answer.headers["retry-after"] == "1"
    down.close()
