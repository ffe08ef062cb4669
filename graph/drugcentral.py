"""DrugCentral 2016 (github.com/olegursu/drugtarget): drug indications with their codes.

``drug_indication.tsv`` (unquoted) has one row per drug and indication, the indication named
as FDB MedKnowledge names it (INDICATION_FDB) and coded by UMLS, SNOMED CT and Disease Ontology
ids where DrugCentral has them. ``identifiers.tsv`` (double-quoted fields) gives each drug's
identifiers in other vocabularies; :data:`IDENTIFIER_PREFIXES` says which CURIE prefix each
ID_TYPE becomes. Each row is an indication claim's evidence; the file does not say which
regulator's labelling an indication comes from, so no claim has a licensing status (the source
document's curation notes say so).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from graph.datasets import Dataset, ImportResult, Record, import_records, read_table, required
from graph.errors import SourceError
from graph.identity import Mention, as_curie
from graph.store import Store

INDICATION_COLUMNS = ("DRUG_ID", "DRUG_NAME", "INDICATION_FDB", "UMLS_CUI", "SNOMEDCT_CUI", "DOID")
IDENTIFIER_COLUMNS = ("DRUG_ID", "DRUG_NAME", "ID_TYPE", "IDENTIFIER")

#: ID_TYPE of identifiers.tsv -> the CURIE prefix its identifiers get (the prefixes the bundled
#: content uses where it has them: DRUGBANK, RXNORM, UNII, CHEBI, SNOMEDCT, KEGG.DRUG,
#: PUBCHEM.COMPOUND, CAS). NUI and NDFRT are both NDF-RT ids (idtype.tsv); VUID is kept apart
#: from VANDF as idtype.tsv lists them apart.
IDENTIFIER_PREFIXES: dict[str, str] = {
    "DRUGBANK_ID": "DRUGBANK",
    "RXNORM": "RXNORM",
    "UNII": "UNII",
    "CHEBI": "CHEBI",
    "SNOMEDCT_US": "SNOMEDCT",
    "KEGG_DRUG": "KEGG.DRUG",
    "PUBCHEM_CID": "PUBCHEM.COMPOUND",
    "SECONDARY_CAS_RN": "CAS",
    "ChEMBL_ID": "CHEMBL.COMPOUND",
    "MESH_DESCRIPTOR_UI": "MESH",
    "MESH_SUPPLEMENTAL_RECORD_UI": "MESH",
    "UMLSCUI": "UMLS",
    "IUPHAR_LIGAND_ID": "IUPHAR.LIGAND",
    "INN_ID": "INN",
    "NDFRT": "NDFRT",
    "NUI": "NDFRT",
    "VANDF": "VANDF",
    "VUID": "VUID",
    "NDDF": "NDDF",
    "MMSL": "MMSL",
    "MDDB": "MDDB",
    "MMX": "MMX",
    "PDB_CHEM_ID": "PDB.LIGAND",
}
#: Condition columns of drug_indication.tsv -> CURIE prefix (DOID values carry theirs).
CONDITION_PREFIXES = {"UMLS_CUI": "UMLS", "SNOMEDCT_CUI": "SNOMEDCT", "DOID": "DOID"}
#: DrugCentral's own drug ids.
DRUG_ID_PREFIX = "DRUGCENTRAL"

DATASET = Dataset(
    name="drugcentral",
    title="DrugCentral 2016: drug indications and identifiers",
    publisher="DrugCentral (Ursu O et al.)",
    version="64630f7c2bc050f5af0a7cac7b08e778125284bc",
    modified="2016-11-16",
    license="https://creativecommons.org/licenses/by/4.0/",
    retrieved_from="https://github.com/olegursu/drugtarget",
    notes=(
        "Imported from drug_indication.tsv: each row is an evidence item (ev:recordId "
        "'<DRUG_ID> <INDICATION_FDB>', each non-empty column as an ev:recordValue); the rows "
        "about one drug and condition are one ev:IndicationStatement.",
        "drug_indication.tsv does not say which regulator's labelling an indication comes from "
        "(INDICATION_FDB names an FDB MedKnowledge indication): no claim has a licensing status.",
        "Conditions are identified by UMLS_CUI (UMLS:), SNOMEDCT_CUI (SNOMEDCT:) and DOID (DOID:); "
        "drugs by DRUG_ID (DRUGCENTRAL:) and the identifiers of identifiers.tsv ("
        + ", ".join(f"{t} as {p}:" for t, p in IDENTIFIER_PREFIXES.items())
        + "). Both are matched to the graph's drugs and conditions by identifier, then by name.",
        "Not imported: pharm_class.tsv (pharmacologic classes) and idtype.tsv (the list of ID types).",
        "Released under CC BY 4.0; attribution: Ursu O et al., DrugCentral: online drug compendium, "
        "Nucleic Acids Res 2017;45:D932-D939. The upstream repository says this export is frozen "
        "(2016) and superseded by drugcentral.org.",
    ),
)


def read_identifiers(path: Path) -> tuple[dict[str, list[str]], list[str]]:
    """Each DRUG_ID's identifiers as CURIEs, and remarks on the identifiers left out.

    An ID_TYPE without a prefix in :data:`IDENTIFIER_PREFIXES` is left out, and so is an
    identifier the file gives to more than one DRUG_ID (a parent drug's DrugBank id listed for its
    salts and prodrugs too, "MMSL:NOCODE" for over a hundred drugs): it identifies none of them,
    and matching by it would merge different drugs.
    """
    drugs: dict[str, set[str]] = {}  # CURIE -> the DRUG_IDs it is given to
    names: dict[str, str] = {}
    unknown: Counter[str] = Counter()
    for line, row in read_table(path, IDENTIFIER_COLUMNS, quoted=True):
        drug, id_type, value = (required(path, line, row, c) for c in ("DRUG_ID", "ID_TYPE", "IDENTIFIER"))
        names.setdefault(drug, row["DRUG_NAME"].strip())
        prefix = IDENTIFIER_PREFIXES.get(id_type)
        if prefix is None:
            unknown[id_type] += 1
            continue
        drugs.setdefault(as_curie(prefix, value), set()).add(drug)
    found: dict[str, list[str]] = {}
    shared: dict[str, set[str]] = {}
    for curie, ids in drugs.items():
        if len(ids) > 1:
            shared[curie] = ids
            continue
        (drug,) = ids
        found.setdefault(drug, []).append(curie)
    remarks = [
        f"{path.name}: {n} identifier(s) of ID_TYPE {t} left out (no CURIE prefix for it)"
        for t, n in sorted(unknown.items())
    ]
    if shared:
        examples = "; ".join(
            f"{curie} for {', '.join(sorted(names[i] for i in ids)[:3])}{' ...' if len(ids) > 3 else ''}"
            for curie, ids in sorted(shared.items(), key=lambda item: (-len(item[1]), item[0]))[:3]
        )
        remarks.append(
            f"{path.name}: {len(shared)} identifier(s) given to more than one DRUG_ID left out, "
            f"as they identify none of them (e.g. {examples})"
        )
    return found, remarks


def read_records(folder: Path) -> tuple[list[Record], list[str]]:
    """Every row of ``drug_indication.tsv`` as a record, and remarks on identifiers left out."""
    if not folder.is_dir():
        raise SourceError(str(folder), "no such folder" if not folder.exists() else "is a file, not a folder")
    identifiers, remarks = read_identifiers(folder / "identifiers.tsv")
    path = folder / "drug_indication.tsv"
    records = []
    for line, row in read_table(path, INDICATION_COLUMNS):
        drug_id, drug, indication = (
            required(path, line, row, c) for c in ("DRUG_ID", "DRUG_NAME", "INDICATION_FDB")
        )
        codes = tuple(as_curie(p, row[c].strip()) for c, p in CONDITION_PREFIXES.items() if row[c].strip())
        records.append(
            Record(
                file=str(path),
                line=line,
                record_id=f"{drug_id} {indication}",
                values=tuple((c, row[c].strip()) for c in INDICATION_COLUMNS if row[c].strip()),
                drug=Mention(drug, (f"{DRUG_ID_PREFIX}:{drug_id}", *sorted(identifiers.get(drug_id, [])))),
                condition=Mention(indication, codes),
                label=f"{drug} for {indication} (DrugCentral)",
            )
        )
    return records, remarks


def import_drugcentral(store: Store, folder: Path | str, *, replace: bool = False) -> ImportResult:
    """Import DrugCentral from its folder into the graph ``graph/drugcentral``."""
    records, remarks = read_records(Path(folder))
    return import_records(store, DATASET, records, replace=replace, remarks=remarks)
