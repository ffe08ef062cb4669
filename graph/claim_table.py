"""Claims as a table: one row per claim, for spreadsheets, as CSV (RFC 4180, UTF-8).

The claims are those a :class:`graph.claims.ClaimFilter` selects, in the order GraphQL lists them
(by label, then IRI). Reading takes two SPARQL queries whatever the number of claims: one finds
them, one describes them with the nodes they link to.

A cell that a spreadsheet would read as a formula (one starting with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return) is prefixed with an apostrophe, and every cell is quoted, as OWASP's
guidance on CSV injection says: a label is never run.

>>> safe_cell("=HYPERLINK(1)"), safe_cell("Behçet's disease")
("'=HYPERLINK(1)", "Behçet's disease")
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import pyoxigraph as ox

from graph.claims import ClaimFilter, matching_claims
from graph.entity import Entity, describe
from graph.fhir_codes import Nodes
from graph.fhir_evidence import reference_title
from graph.kinds import KINDS
from graph.namespaces import EV, PREFIXES, PROV
from graph.propositions import TARGET_PREDICATES
from graph.store import Store, text

_SKOS = PREFIXES["skos"]
_RDFS_LABEL = PREFIXES["rdfs"] + "label"

#: The columns, in order.
COLUMNS = (
    "iri",
    "kind",
    "label",
    "drug",
    "targets",
    "licensing_status",
    "jurisdiction",
    "grade",
    "grade_scheme",
    "grade_inferred",
    "negated",
    "source",
    "reference_numbers",
    "reference_titles",
)
#: Where several values share a cell, they are joined with this.
SEPARATOR = "; "
#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _ev(name: str) -> str:
    return str(EV[name])


_PATHS: tuple[tuple[str, ...], ...] = (
    (_ev("drug"),),
    *((p,) for p in TARGET_PREDICATES),
    (_ev("licensingStatus"),),
    (_ev("licensingJurisdiction"),),
    (_ev("evidenceGrade"),),
    (_ev("evidenceGrade"), _SKOS + "inScheme"),
    (str(PROV.wasDerivedFrom),),
    (_ev("citesAsEvidence"),),
)


def safe_cell(value: str) -> str:
    """``value``, prefixed with an apostrophe if a spreadsheet would take it for a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def claim_rows(store: Store, claim_filter: ClaimFilter) -> list[dict[str, str]]:
    """One row (column -> text) per claim the filter selects, in label order."""
    claims = matching_claims(store, claim_filter)
    nodes = Nodes(describe(store, claims, _PATHS))
    rows = []
    for iri in claims:
        claim = nodes.get(iri)
        if claim is not None:
            rows.append(_row(claim, nodes))
    return rows


def claims_csv(store: Store, claim_filter: ClaimFilter) -> str:
    """The claims the filter selects as CSV: a header, then one quoted row per claim, CRLF line ends."""
    return rows_csv(claim_rows(store, claim_filter))


def rows_csv(rows: Sequence[dict[str, str]]) -> str:
    """Rows as RFC 4180 CSV with the :data:`COLUMNS` header, every cell quoted and formula-safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows([safe_cell(row.get(column, "")) for column in COLUMNS] for row in rows)
    return buffer.getvalue()


def _label(nodes: Nodes, iri: str | None) -> str:
    if iri is None:
        return ""
    node = nodes.get(iri)
    label = (node.string(_RDFS_LABEL) or node.string(_SKOS + "prefLabel")) if node is not None else None
    return label or nodes.label(iri)


def _row(claim: Entity, nodes: Nodes) -> dict[str, str]:
    kind = next((k.enum for k in KINDS if k.iri in claim.types), "")
    targets = []
    for predicate in TARGET_PREDICATES:
        for value in claim.all(predicate):
            targets.append(_label(nodes, value.value) if isinstance(value, ox.NamedNode) else text(value))
    grade = claim.iri_of(_ev("evidenceGrade"))
    grade_node = nodes.get(grade) if grade else None
    references = []
    for ref in claim.iris(_ev("citesAsEvidence")):
        node = nodes.get(ref)
        references.append((node.string(_ev("citationNumber")) if node else None, reference_title(ref, nodes)))
    references.sort(key=lambda r: (r[0] is None, int(r[0]) if r[0] and r[0].isdigit() else 0, r[1]))
    return {
        "iri": claim.iri,
        "kind": kind,
        "label": claim.string(_RDFS_LABEL) or "",
        "drug": _label(nodes, claim.iri_of(_ev("drug"))),
        "targets": SEPARATOR.join(sorted(targets, key=str.casefold)),
        "licensing_status": _label(nodes, claim.iri_of(_ev("licensingStatus"))),
        "jurisdiction": _label(nodes, claim.iri_of(_ev("licensingJurisdiction"))),
        "grade": (grade_node.string(_SKOS + "notation") or "") if grade_node else "",
        "grade_scheme": _label(nodes, grade_node.iri_of(_SKOS + "inScheme")) if grade_node else "",
        "grade_inferred": "true" if claim.flag(_ev("gradeInferred")) else "false",
        "negated": "true" if claim.flag(_ev("negated")) else "false",
        "source": _label(nodes, claim.iri_of(str(PROV.wasDerivedFrom))),
        "reference_numbers": SEPARATOR.join(n for n, _ in references if n),
        "reference_titles": SEPARATOR.join(t for _, t in references),
    }
