"""Teaching material: the teaching sheet (HTML, Markdown, PDF), the claim CSV, JSON-LD and `export`."""

import csv
import io
import json
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pypdf  # installed with xhtml2pdf, which writes its PDFs with it
import pytest
from fastapi.testclient import TestClient

from api.exports import ExportFormat
from graph.claim_table import COLUMNS, claims_csv, rows_csv
from graph.claims import ClaimFilter
from graph.jsonld import context, dataset_jsonld
from graph.load import bundled_files, load_sources
from graph.sheet_formats import sheet_html, sheet_markdown, sheet_pdf
from graph.store import EvidenceStore, Store
from graph.teaching import Point, SeverityGroup, TeachingSheet, teaching_sheet

CLI = str(Path(sys.executable).parent / "evidence-graph")
AZATHIOPRINE = "https://w3id.org/evidence-graph/id/drug/azathioprine"
GRADE_A = [
    "Atopic dermatitis (monotherapy) [1, 3]",
    "Behçet's disease [1, 4]",
    "Chronic actinic dermatitis [1]",
]
REFERENCE_5 = (
    "Tan BB, Lear JT, Gawkrodger DJ, English JSC. Azathioprine in dermatology: a survey of current practice"
)


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], capture_output=True, text=True, timeout=120, check=False)


class SheetReader(HTMLParser):
    """The items of a sheet by heading (h2 > h3 > h4), and its references by id."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: dict[str, str] = {}
        self.items: dict[tuple[str, ...], list[str]] = {}
        self.references: dict[str, str] = {}
        self.open: list[str] = []
        self.text = ""
        self.reference: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(tag)
        if tag in ("h1", "h2", "h3", "h4", "li", "p"):
            self.text = ""
        if tag == "p":
            self.reference = dict(attrs).get("id")
        if tag in ("h2", "h3"):  # a new heading closes the deeper ones
            for deeper in ("h3", "h4")[("h2", "h3").index(tag) :]:
                self.headings.pop(deeper, None)

    def handle_endtag(self, tag: str) -> None:
        self.open.pop()
        text = " ".join(self.text.split())
        if tag in ("h2", "h3", "h4"):
            self.headings[tag] = text
        elif tag == "li":
            key = tuple(self.headings[h] for h in ("h2", "h3", "h4") if h in self.headings)
            self.items.setdefault(key, []).append(text)
        elif tag == "p" and self.reference:
            self.references[self.reference] = text

    def handle_data(self, data: str) -> None:
        self.text += data


@pytest.fixture(scope="module")
def store() -> EvidenceStore:
    evidence = EvidenceStore()
    load_sources(evidence, bundled_files())
    return evidence


@pytest.fixture(scope="module")
def sheet(store: EvidenceStore) -> TeachingSheet:
    return teaching_sheet(store, AZATHIOPRINE)


def test_the_sheet_reads_in_two_queries_on_every_backend(bundled_store: Store) -> None:
    before = bundled_store.query_count
    read = teaching_sheet(bundled_store, AZATHIOPRINE)
    assert bundled_store.query_count - before == 2
    assert [g.status for g in read.indications] == ["Licensed", "Unlicensed"]
    assert [r.number for r in read.references] == [1, 2, 3, 4, 5]


def test_html_sheet_lists_grade_a_unlicensed_indications_and_the_references(sheet: TeachingSheet) -> None:
    reader = SheetReader()
    reader.feed(sheet_html(sheet))
    grade_a = ("Indications", "Unlicensed (jurisdiction not stated)", "Grade A: Strong Evidence (Grade A)")
    assert reader.items[grade_a] == GRADE_A
    licensed = ("Indications", "Licensed (jurisdiction not stated)", "No grade given")
    assert len(reader.items[licensed]) == 3
    assert (
        "Indications",
        "Unlicensed (jurisdiction not stated)",
        "Grade B*: Moderate Evidence",
    ) in reader.items
    assert reader.items["Contraindications", "Absolute contraindication"][0] == "Active malignancy [1]"
    assert (
        "TPMT testing is required before initiating azathioprine [1]"
        in reader.items[("Pharmacogenomic testing",)]
    )
    assert reader.items[("Monitoring",)] == [
        "Monitor blood count throughout azathioprine treatment, regardless of TPMT status [1]"
    ]
    assert sorted(reader.references) == [f"ref-{n}" for n in range(1, 6)]
    assert reader.references["ref-5"].startswith(f"5. {REFERENCE_5}")
    assert "1997;136(3):351-355" in reader.references["ref-5"]
    assert reader.references["ref-2"] == "2. Cited by the source, whose reference list does not name it."


def test_html_sheet_has_print_css_for_one_a4_page(sheet: TeachingSheet) -> None:
    html = sheet_html(sheet)
    assert "@page { size: A4;" in html


def test_markdown_sheet_lists_grade_a_unlicensed_indications_and_the_references(sheet: TeachingSheet) -> None:
    lines = sheet_markdown(sheet).splitlines()
    assert lines[0] == "# Azathioprine"
    unlicensed = lines.index("### Unlicensed (jurisdiction not stated)")
    grade_a = lines.index("*Grade A: Strong Evidence (Grade A)*", unlicensed)
    items = []
    for line in lines[grade_a + 2 :]:
        if not line.startswith("- "):
            break
        items.append(line[2:])
    assert items == GRADE_A
    assert f"- [5] {REFERENCE_5}" in "\n".join(lines)
    assert "*Grade B\\*: Moderate Evidence*" in lines


def test_text_is_escaped_in_html_and_markdown() -> None:
    hostile = "<script>alert(1)</script> *bold* [link](http://x) | pipe"
    point = Point(claim="http://example.org/c", text=hostile, references=(1,))
    sheet = TeachingSheet(
        drug="<b>drug</b>",
        drug_iri="http://example.org/d",
        sources=(),
        indications=(),
        contraindications=(SeverityGroup(severity="Absolute", points=(point,)),),
        pharmacogenomics=(),
        monitoring=(),
        practice_points=(),
        references=(),
        source_numbering=False,
        schemes=(),
    )
    html = sheet_html(sheet)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "<b>drug" not in html
    reader = SheetReader()
    reader.feed(html)
    assert reader.items["Contraindications", "Absolute"] == [f"{hostile} [1]"]
    markdown = sheet_markdown(sheet)
    assert "\\<script\\>" in markdown
    assert "\\*bold\\*" in markdown
    assert "\\[link\\](http://x) \\| pipe" in markdown


def test_pdf_sheet_is_one_page_and_quick(store: EvidenceStore) -> None:
    started = time.perf_counter()
    pdf = sheet_pdf(teaching_sheet(store, AZATHIOPRINE))
    elapsed = time.perf_counter() - started
    assert pdf.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx((595.27, 841.89), abs=1)
    text = " ".join(page.extract_text().split())
    assert "Behçet's disease [1, 4]" in text
    assert "Tan BB, Lear JT, Gawkrodger DJ, English JSC" in text
    assert elapsed <= 2.0, f"the PDF took {elapsed:.2f} s"


FILTERS = [
    ('{drug: "azathioprine"}', ClaimFilter(drug="azathioprine")),
    ('{licensed: false, grade: "A"}', ClaimFilter(licensed=False, grade="A")),
    (
        '{source: "What is the role of azathioprine in treating autoimmune and inflammatory skin conditions in '
        'dermatology?", negated: true}',
        ClaimFilter(
            source="What is the role of azathioprine in treating autoimmune and inflammatory skin "
            "conditions in dermatology?",
            negated=True,
        ),
    ),
]


@pytest.mark.parametrize(("graphql_filter", "claim_filter"), FILTERS)
def test_csv_matches_graphql_for_the_same_filter(
    client: TestClient, bundled_store: Store, graphql_filter: str, claim_filter: ClaimFilter
) -> None:
    query = f"{{ claims(filter: {graphql_filter}, first: 500) {{ totalCount nodes {{ iri label kind negated }} }} }}"
    answer = client.post("/graphql", json={"query": query}).json()
    listed = answer["data"]["claims"]["nodes"]
    text = claims_csv(bundled_store, claim_filter)
    assert text.endswith("\r\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["iri"], r["label"], r["kind"], r["negated"]) for r in rows] == [
        (n["iri"], n["label"], n["kind"], str(n["negated"]).lower()) for n in listed
    ]
    assert len(rows) == answer["data"]["claims"]["totalCount"] > 0


def test_csv_row_says_licensing_grade_source_and_references(store: EvidenceStore) -> None:
    rows = list(csv.DictReader(io.StringIO(claims_csv(store, ClaimFilter(grade="A")), newline="")))
    atopic = next(r for r in rows if r["iri"].endswith("atopic-dermatitis-indication"))
    assert atopic["targets"] == "Atopic dermatitis"
    assert (atopic["licensing_status"], atopic["jurisdiction"]) == ("unlicensed", "jurisdiction not stated")
    assert (atopic["grade"], atopic["grade_scheme"]) == ("A", "Dr.Oracle evidence levels")
    assert atopic["reference_numbers"] == "1; 3"
    assert atopic["reference_titles"].startswith("Guideline Directed Topic Overview; Reference 3 of ")


def test_csv_cells_cannot_be_formulas() -> None:
    hostile = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", 'say "hi"', "Behçet's"]
    rows = [dict.fromkeys(COLUMNS, value) for value in hostile]
    text = rows_csv(rows)
    assert all(line.startswith('"') for line in text.split("\r\n") if line)  # every cell quoted
    parsed = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert [row[0] for row in parsed] == [
        '\'=HYPERLINK("http://x")',
        "'+1+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
        'say "hi"',
        "Behçet's",
    ]


def test_a_claim_labelled_as_a_formula_exports_as_text(tmp_path: Path) -> None:
    source = (Path(__file__).parent.parent / "examples" / "new-indication.ttl").read_text(encoding="utf-8")
    claim = tmp_path / "formula.ttl"
    claim.write_text(
        source.replace('"Azathioprine for example condition"', '"=1+2 example"'), encoding="utf-8"
    )
    evidence = EvidenceStore()
    load_sources(evidence, [*bundled_files(), claim])
    rows = list(csv.DictReader(io.StringIO(claims_csv(evidence, ClaimFilter(text="example")), newline="")))
    assert [r["label"] for r in rows] == ["'=1+2 example"]


def test_jsonld_holds_every_quad_with_the_project_context(store: EvidenceStore) -> None:
    document = json.loads(dataset_jsonld(store))
    assert document["@context"] == context()["@context"]  # the one /context.jsonld publishes
    back = ox.Store()
    back.load(json.dumps(document).encode(), format=ox.RdfFormat.JSON_LD)

    def named(quads: Any) -> set[str]:  # blank nodes get new labels in any round trip
        return {str(q) for q in quads if not any(isinstance(t, ox.BlankNode) for t in (q.subject, q.object))}

    assert len(back) == len(store)
    assert named(back) == named(store.quads())


def test_export_writes_every_format(tmp_path: Path) -> None:
    checks = {
        "trig": lambda data: len(list(ox.parse(data, format=ox.RdfFormat.TRIG))) > 1000,
        "nquads": lambda data: len(list(ox.parse(data, format=ox.RdfFormat.N_QUADS))) > 1000,
        "jsonld": lambda data: json.loads(data)["@context"]["ev"].endswith("ontology#"),
        "csv": lambda data: next(csv.reader(io.StringIO(data.decode(), newline=""))) == list(COLUMNS),
        "markdown": lambda data: data.startswith(b"# Azathioprine\n"),
        "html": lambda data: data.startswith(b"<!DOCTYPE html>") and "Behçet".encode() in data,
        "pdf": lambda data: len(pypdf.PdfReader(io.BytesIO(data)).pages) == 1,
        "fhir": lambda data: json.loads(data)["resourceType"] == "Bundle",
    }
    assert set(checks) == {f.value for f in ExportFormat}
    for name, check in checks.items():
        drug = () if name in ("trig", "nquads", "jsonld") else ("--drug", "Azathioprine")
        target = tmp_path / f"out.{name}"
        result = run("export", "--format", name, *drug, "-o", str(target))
        assert result.returncode == 0, (name, result.stderr)
        assert check(target.read_bytes()), name
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"out.{name}" for name in checks)


def test_export_to_standard_output() -> None:
    result = run("export", "--format", "markdown", "--drug", "RXNORM:1256")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# Azathioprine\n")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--format", "markdown"), "error: --format markdown writes a drug's teaching sheet: give --drug"),
        (
            ("--format", "pdf", "--drug", "azathioprin"),
            "error: --drug: no drug is named 'azathioprin'; closest: ",
        ),
        (
            ("--format", "csv", "--source", "nothing like it"),
            "error: --source: no source is named 'nothing like it'",
        ),
        (("--format", "trig", "--drug", "azathioprine"), "error: --format trig writes every named graph;"),
        (("--format", "docx", "--drug", "azathioprine"), "'docx' is not one of"),
    ],
)
def test_export_errors_are_one_line_exit_2_and_write_nothing(
    tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    target = tmp_path / "sheet.out"
    result = run("export", *args, "-o", str(target))
    assert result.returncode == 2
    assert message in result.stderr
    if message.startswith("error:"):
        assert len(result.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_export_into_a_missing_folder_leaves_nothing(tmp_path: Path) -> None:
    result = run("export", "--format", "pdf", "--drug", "azathioprine", "-o", str(tmp_path / "no" / "x.pdf"))
    assert result.returncode == 2
    assert "cannot write the file" in result.stderr
    assert list(tmp_path.iterdir()) == []
