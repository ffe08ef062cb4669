"""Teaching material and the gap report over HTTP (``/sheets``, ``/claims.csv``, ``/gaps``).

Each answer is compared with what the graph layer makes for the command line, and read with a
real parser: HTML with html.parser, PDF with pypdf, CSV with the csv module.
"""

import csv
import io
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from api.exports import ExportFormat, export_bytes
from graph.gaps import gap_report
from graph.store import Store

DRUG = "https://w3id.org/evidence-graph/id/drug/azathioprine"


class Links(HTMLParser):
    """The links of a page and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [v for k, v in attrs if k == "href" and v]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(html: str) -> Links:
    links = Links()
    links.feed(html)
    return links


def test_the_teaching_sheet_in_each_format_is_the_exports(client: TestClient, bundled_store: Store) -> None:
    for fmt, output in (("html", ExportFormat.html), ("markdown", ExportFormat.markdown)):
        answer = client.get(f"/sheets/azathioprine?format={fmt}")
        assert answer.status_code == 200
        assert answer.content == export_bytes(bundled_store, output, DRUG, None)
    page = parsed(client.get("/sheets/azathioprine").text)
    text = " ".join(page.text)
    for condition in ("Atopic dermatitis", "Chronic actinic dermatitis", "Behçet's disease"):
        assert condition in text
    assert "Tan BB, Lear JT, Gawkrodger DJ, English JSC" in text
    pdf = client.get("/sheets/azathioprine?format=pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert len(PdfReader(io.BytesIO(pdf.content)).pages) == 1
    # the sheet runs no script and loads nothing
    policy = client.get("/sheets/azathioprine").headers["content-security-policy"]
    assert "script-src" not in policy
    assert "default-src 'none'" in policy


def test_a_name_that_names_no_drug_says_so_with_the_closest(client: TestClient) -> None:
    answer = client.get("/sheets/azathioprin")
    assert answer.status_code == 404
    assert "azathioprine" in " ".join(parsed(answer.text).text)
    assert client.get("/sheets/azathioprine?format=docx").status_code == 422
    assert client.get("/sheets/" + "x" * 300).status_code == 400
    missing = client.get("/claims.csv?drug=azathioprin")
    assert missing.status_code == 404
    assert "azathioprine" in " ".join(parsed(missing.text).text)  # the closest name


@pytest.mark.parametrize(
    ("parameters", "graphql"),
    [
        ({"licensed": "false", "grade": "A"}, '{licensed: false, grade: "A"}'),
        ({"kind": "CONTRAINDICATION", "severity": "ABSOLUTE"}, "{severity: ABSOLUTE}"),
        ({"condition": "Vasculitis"}, '{condition: "Vasculitis"}'),
        (
            {"jurisdiction": "NOT_STATED", "minCertainty": "LOW"},
            "{jurisdiction: NOT_STATED, minCertainty: LOW}",
        ),
    ],
)
def test_claims_csv_takes_graphqls_filters(
    client: TestClient, parameters: dict[str, str], graphql: str
) -> None:
    rows = list(csv.DictReader(io.StringIO(client.get("/claims.csv", params=parameters).text)))
    kind = f"kind: {parameters['kind']}, " if "kind" in parameters else ""
    listed = client.post(
        "/graphql", json={"query": f"{{ claims({kind}filter: {graphql}, first: 500) {{ nodes {{ iri }} }} }}"}
    ).json()["data"]["claims"]["nodes"]
    assert [r["iri"] for r in rows] == [n["iri"] for n in listed]
    assert rows  # each of these filters selects some claims


@pytest.mark.parametrize(
    "query",
    [
        "color=red",
        "licensed=maybe",
        "jurisdiction=MARS",
        "kind=RUMOUR",
        "drug=a&drug=b",
        "grade=" + "A" * 300,
    ],
)
def test_a_filter_that_does_not_fit_is_a_clear_400(client: TestClient, query: str) -> None:
    answer = client.get(f"/claims.csv?{query}")
    assert answer.status_code == 400
    assert "text/html" in answer.headers["content-type"]


def test_claims_csv_is_the_exports(client: TestClient, bundled_store: Store) -> None:
    answer = client.get("/claims.csv", params={"drug": "azathioprine"})
    assert answer.status_code == 200
    assert answer.content == export_bytes(bundled_store, ExportFormat.csv, DRUG, None)
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:3] == ["iri", "kind", "label"]
    assert len(rows) - 1 == 38  # every claim of the bundled content is about azathioprine


def test_the_gap_report_page_lists_the_reports_findings(client: TestClient, bundled_store: Store) -> None:
    answer = client.get("/gaps")
    assert answer.status_code == 200
    page = parsed(answer.text)
    report = gap_report(bundled_store)
    unresolved = [g for g in report.gaps if g.kind == "UNRESOLVED_REFERENCE"]
    assert len(unresolved) == 2  # references 2 and 3 are cited, not named
    for gap in unresolved:
        assert "/id/reference/" + gap.iri.rsplit("/", 1)[1] in page.hrefs
    assert client.get("/gaps?source=nothing%20like%20it").status_code == 404
