"""What ``evidence-graph export`` writes, format by format, for the command line and any route.

Datasets (TriG, N-Quads, JSON-LD) hold every named graph; CSV is the claims of a drug or a
source; the teaching sheet (Markdown, HTML, PDF) is one drug's, of one source if given; FHIR is a
collection Bundle. Drugs and sources are named here by IRI: finding them from what a person
typed, and saying what is wrong, is the caller's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum

import pyoxigraph as ox

from graph.claim_table import claims_csv
from graph.claims import ClaimFilter
from graph.fhir import fhir_bundle
from graph.jsonld import dataset_jsonld
from graph.sheet_formats import sheet_html, sheet_markdown, sheet_pdf
from graph.store import Store
from graph.teaching import TeachingSheet, teaching_sheet


class ExportFormat(StrEnum):
    """Formats of ``export``: datasets (every named graph), claim tables, teaching sheets, FHIR."""

    trig = "trig"
    nquads = "nquads"
    jsonld = "jsonld"
    csv = "csv"
    markdown = "markdown"
    html = "html"
    pdf = "pdf"
    fhir = "fhir"


#: The formats that hold the whole dataset: a drug or a source does not apply to them.
DATASETS = frozenset({ExportFormat.trig, ExportFormat.nquads, ExportFormat.jsonld})
#: The teaching sheet's formats: they need a drug.
SHEETS = frozenset({ExportFormat.markdown, ExportFormat.html, ExportFormat.pdf})


def export_bytes(store: Store, output_format: ExportFormat, drug: str | None, source: str | None) -> bytes:
    """The export in ``output_format`` (UTF-8 text, or PDF); ``drug`` and ``source`` are IRIs or None.

    Raises ValueError for a teaching sheet without a drug.
    """
    if output_format in SHEETS and drug is None:
        raise ValueError(f"{output_format} is a drug's teaching sheet: name the drug")

    def sheet() -> TeachingSheet:
        return teaching_sheet(store, drug or "", source)

    def fhir() -> bytes:
        bundle = fhir_bundle(store, drug=drug, source=source)
        return (json.dumps(bundle, indent=2, ensure_ascii=False) + "\n").encode("utf-8")

    writers: dict[ExportFormat, Callable[[], bytes]] = {
        ExportFormat.trig: lambda: store.dump(ox.RdfFormat.TRIG),
        ExportFormat.nquads: lambda: store.dump(ox.RdfFormat.N_QUADS),
        ExportFormat.jsonld: lambda: dataset_jsonld(store).encode("utf-8"),
        ExportFormat.csv: lambda: claims_csv(store, ClaimFilter(drug=drug, source=source)).encode("utf-8"),
        ExportFormat.markdown: lambda: sheet_markdown(sheet()).encode("utf-8"),
        ExportFormat.html: lambda: sheet_html(sheet()).encode("utf-8"),
        ExportFormat.pdf: lambda: sheet_pdf(sheet()),
        ExportFormat.fhir: fhir,
    }
    return writers[output_format]()
