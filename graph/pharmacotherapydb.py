"""PharmacotherapyDB 1.0: physician-curated drug-disease pairs (github.com/dhimmel/indications).

``catalog/indications.tsv`` has one row per drug and disease, with the category three
physicians agreed on: DM (disease-modifying), SYM (symptomatic) or NOT (not an indication).
Each row becomes an indication claim, negated for NOT; the category stays with the claim as a
record value and a curation note (the ontology's therapy roles, such as monotherapy or
maintenance, describe something else). Drugs are known by DrugBank accession, diseases by
Disease Ontology id. The dataset does not speak of licensing, so no claim has a licensing status.
"""

from __future__ import annotations

from pathlib import Path

from graph.datasets import Dataset, ImportResult, Record, import_records, read_table, required
from graph.errors import SourceError
from graph.identity import Mention, as_curie
from graph.store import Store

COLUMNS = ("doid_id", "drugbank_id", "disease", "drug", "category", "n_curators", "n_resources")
#: The categories of the dataset, what each means and whether it denies the indication.
CATEGORIES: dict[str, tuple[str, bool]] = {
    "DM": ("disease-modifying", False),
    "SYM": ("symptomatic", False),
    "NOT": ("non-indication, as judged by the physician curators", True),
}

DATASET = Dataset(
    name="pharmacotherapydb",
    title="PharmacotherapyDB v1.0: physician-curated drug-disease indications",
    publisher="Himmelstein DS et al. (github.com/dhimmel/indications)",
    version="11d535ba0884ee56c3cd5756fdfb4985f313bd80",
    modified="2016-03-15",
    license="https://creativecommons.org/publicdomain/zero/1.0/",
    retrieved_from="https://github.com/dhimmel/indications",
    notes=(
        "Imported from catalog/indications.tsv: one ev:IndicationStatement per row, whose evidence "
        "item is the row (ev:recordId '<doid_id> <drugbank_id>', each column as an ev:recordValue).",
        "Category DM (disease-modifying) and SYM (symptomatic) rows are indications; NOT rows are "
        "negated indications (ev:negated true). The category is kept as a record value and a "
        "curation note of the claim: no therapy role of the ontology describes it.",
        "Drugs are identified by DrugBank accession (DRUGBANK:), diseases by Disease Ontology id "
        "(DOID:); both are matched to the graph's drugs and conditions by identifier, then by name.",
        "The dataset does not speak of licensing: no claim has a licensing status.",
        "Not imported: catalog/drugs.tsv and catalog/diseases.tsv (counts per drug and disease) "
        "and curation/results-three-curators.tsv (each curator's category and notes).",
        "Released under CC0 1.0. Cite: Himmelstein DS et al. (2017) Systematic integration of "
        "biomedical knowledge prioritizes drugs for repurposing. eLife 6:e26726; PharmacotherapyDB, "
        "doi:10.6084/m9.figshare.3103054.",
    ),
)


def indications_file(folder: Path) -> Path:
    """``indications.tsv`` in ``folder``, or in its ``catalog/`` as in the upstream repository."""
    if not folder.is_dir():
        raise SourceError(str(folder), "no such folder" if not folder.exists() else "is a file, not a folder")
    upstream = folder / "catalog" / "indications.tsv"
    return upstream if upstream.is_file() else folder / "indications.tsv"


def read_records(folder: Path) -> list[Record]:
    """Every row of the dataset's ``indications.tsv`` as a record (:class:`SourceError` on a bad row)."""
    path = indications_file(folder)
    records = []
    for line, row in read_table(path, COLUMNS):
        doid, drugbank, disease, drug, category = (
            required(path, line, row, c) for c in ("doid_id", "drugbank_id", "disease", "drug", "category")
        )
        if category not in CATEGORIES:
            raise SourceError(
                str(path), f"category {category!r} is not one of {', '.join(CATEGORIES)}", line=line
            )
        meaning, negated = CATEGORIES[category]
        shown = f"{drug} for {disease}" + (": not an indication" if negated else "")
        records.append(
            Record(
                file=str(path),
                line=line,
                record_id=f"{doid} {drugbank}",
                values=tuple((c, row[c].strip()) for c in COLUMNS if row[c].strip()),
                drug=Mention(drug, (as_curie("DRUGBANK", drugbank),)),
                condition=Mention(disease, (as_curie("DOID", doid),)),
                label=f"{shown} (PharmacotherapyDB)",
                negated=negated,
                notes=(f"PharmacotherapyDB category {category}, {meaning}.",),
            )
        )
    return records


def import_pharmacotherapydb(store: Store, folder: Path | str, *, replace: bool = False) -> ImportResult:
    """Import PharmacotherapyDB from its folder into the graph ``graph/pharmacotherapydb``."""
    return import_records(store, DATASET, read_records(Path(folder)), replace=replace)
