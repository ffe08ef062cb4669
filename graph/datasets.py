"""Importing a dataset: its rows become indication claims in the dataset's own named graph.

An importer (graph.pharmacotherapydb, graph.drugcentral) reads its files into
:class:`Record` values, one per row, and describes the dataset (:class:`Dataset`: title,
version, licence, address, curation notes). :func:`import_records` does the rest, the same for
every dataset:

- the dataset is one ``ev:SourceDocument`` of ``ev:sourceType ev:Dataset``;
- each row's drug and condition are resolved to shared nodes (graph.identity); a row whose drug
  or condition is ambiguous or unresolved is not imported and is reported;
- each row is one evidence item, a dataset record (``ev:recordId``, ``ev:recordValue``
  "column: value" as the dataset gives it), and the rows about one drug and condition (with the
  same negation) are one ``ev:IndicationStatement`` with all of them as its evidence, since a
  source states a proposition once;
- the graph is validated with what the store holds and committed atomically (graph.changes:
  only what the import affects is validated, which finds what validating everything finds).
"""

from __future__ import annotations

import csv
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from graph.changes import ChangeSet, validate_change
from graph.errors import SourceError, SourceExistsError, ValidationFailedError
from graph.identity import CONDITION, DRUG, Mention, ResolutionReport, Resolver, slug
from graph.namespaces import EV, PREFIXES, PROV, graph_iri, shorten
from graph.report import ValidationReport
from graph.store import Store

_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_DCTERMS = PREFIXES["dcterms"]
_PAV = "http://purl.org/pav/"
_XSD_DATE = ox.NamedNode(PREFIXES["xsd"] + "date")
_XSD_BOOLEAN = ox.NamedNode(PREFIXES["xsd"] + "boolean")
_INDICATION = ox.NamedNode(EV.IndicationStatement)
_DRUG = ox.NamedNode(EV.drug)
_CONDITION = ox.NamedNode(EV.condition)
_DERIVED_FROM = ox.NamedNode(PROV.wasDerivedFrom)
_NEGATED = ox.NamedNode(EV.negated)
_NOTE = ox.NamedNode(EV.curationNote)
_EVIDENCE = ox.NamedNode(EV.evidence)
_EVIDENCE_ITEM = ox.NamedNode(EV.EvidenceItem)
_RECORD_ID = ox.NamedNode(EV.recordId)
_RECORD_VALUE = ox.NamedNode(EV.recordValue)
#: Quads per query when asking the store about many at once.
_BATCH = 1000


@dataclass(frozen=True)
class Dataset:
    """A dataset as a source document: what it is, which version, under which licence, from where."""

    #: Names its named graph and its source document (``graph/<name>``, ``source:<name>``).
    name: str
    title: str
    publisher: str
    version: str
    #: The version's date (xsd:date, "2016-03-15").
    modified: str
    license: str
    retrieved_from: str
    #: What was imported and how; what the dataset leaves unsaid.
    notes: tuple[str, ...] = ()

    @property
    def graph(self) -> str:
        """The IRI of the dataset's named graph."""
        return graph_iri(self.name)

    @property
    def source(self) -> str:
        """The IRI of the dataset's source document."""
        return PREFIXES["source"] + self.name


@dataclass(frozen=True)
class Record:
    """One row of a dataset: where it is, its record id and values, and the claim it states."""

    file: str
    line: int
    record_id: str
    #: (column, value) as the dataset gives them; empty values are left out.
    values: tuple[tuple[str, str], ...]
    drug: Mention
    condition: Mention
    #: The claim's label, with the names as the dataset prints them.
    label: str
    negated: bool = False
    #: Notes for the claim (what a category means, say).
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skipped:
    """A row that was not imported, and why."""

    record: Record
    reason: str

    def to_text(self) -> str:
        """``file:line: reason``."""
        return f"{self.record.file}:{self.record.line}: {self.reason}"


@dataclass
class ImportResult:
    """What an import did: rows read and imported, claims, resolution, validation, time."""

    dataset: Dataset
    rows: int = 0
    claims: int = 0
    negated_claims: int = 0
    quad_count: int = 0
    replaced: bool = False
    drugs: ResolutionReport = field(default_factory=lambda: ResolutionReport(DRUG.name))
    conditions: ResolutionReport = field(default_factory=lambda: ResolutionReport(CONDITION.name))
    skipped: list[Skipped] = field(default_factory=list)
    #: What else the importer has to say (identifiers it could not map, say).
    remarks: list[str] = field(default_factory=list)
    #: The files the records were read from.
    files: list[str] = field(default_factory=list)
    report: ValidationReport = field(default_factory=ValidationReport)
    seconds: float = 0.0

    @property
    def imported_rows(self) -> int:
        """Rows that became evidence items."""
        return self.rows - len(self.skipped)

    def to_text(self, most: int = 5) -> str:
        """What a person reads after an import: rows, claims, resolution, rows left out, warnings.

        The rows left out and the warnings are grouped by reason; ``most`` groups of each are shown.
        """
        files = ", ".join(self.files) or "no file"
        verb = "replaced" if self.replaced else "imported"
        lines = [
            f"{verb} <{self.dataset.graph}>: {self.imported_rows} of {self.rows} rows of {files} "
            f"as {self.claims} claims ({self.negated_claims} negated), {self.quad_count} quads, "
            f"in {self.seconds:.1f} s",
            self.drugs.summary(),
            self.conditions.summary(),
            *self.remarks,
        ]
        if self.skipped:
            lines.append(
                f"{len(self.skipped)} row(s) not imported: a drug or condition is ambiguous or unresolved"
            )
            lines += _grouped(
                [(s.reason, f"{s.record.file}:{s.record.line}") for s in self.skipped], most, "row"
            )
        warnings = self.report.warnings
        lines.append(f"{len(warnings)} warning(s)")
        reasons = [
            (w.message if w.path is None else f"{w.path}: {w.message}", shorten(w.focus_node))
            for w in warnings
        ]
        lines += _grouped(reasons, most, "node")
        return "\n".join(lines)


def _grouped(items: list[tuple[str, str]], most: int, noun: str) -> list[str]:
    """Lines for (reason, example) pairs grouped by reason: count, reason and the first example."""
    groups: dict[str, list[str]] = {}
    for reason, example in items:
        groups.setdefault(reason, []).append(example)
    lines = [
        f"  {len(examples)} {noun}(s): {reason} (first: {examples[0]})"
        for reason, examples in sorted(groups.items(), key=lambda g: -len(g[1]))[:most]
    ]
    if len(groups) > most:
        lines.append(f"  ... and {len(groups) - most} other reason(s)")
    return lines


def import_records(
    store: Store,
    dataset: Dataset,
    records: Iterable[Record],
    *,
    replace: bool = False,
    remarks: Iterable[str] = (),
) -> ImportResult:
    """Import a dataset's records into its named graph, if the result conforms (module docstring).

    Without ``replace``, a dataset already in the store is refused (:class:`SourceExistsError`);
    with it, its graph is replaced. Raises :class:`ValidationFailedError` on a Violation; in both
    cases nothing is written.
    """
    started = time.perf_counter()
    graph = ox.NamedNode(dataset.graph)
    result = ImportResult(dataset, remarks=list(remarks))
    with store.write_lock:  # nothing may change what the resolvers read before this commit
        existing = store.has_graph(graph)
        if existing and not replace:
            raise SourceExistsError(f"already in the store: <{graph.value}>; use --replace to replace it")
        drugs, conditions = Resolver(store, DRUG, graph.value), Resolver(store, CONDITION, graph.value)
        claims: dict[tuple[str, str, bool], list[Record]] = {}
        for record in records:
            result.rows += 1
            if record.file not in result.files:
                result.files.append(record.file)
            drug, condition = drugs.resolve(record.drug), conditions.resolve(record.condition)
            if drug.iri is None or condition.iri is None:
                reasons = [r.problem() for r in (drug, condition) if r.iri is None]
                result.skipped.append(Skipped(record, "; ".join(reasons)))
                continue
            drugs.use(drug)
            conditions.use(condition)
            claims.setdefault((drug.iri, condition.iri, record.negated), []).append(record)
        quads = list(
            dict.fromkeys(
                [
                    *_source_quads(dataset, graph),
                    *_claim_quads(dataset, graph, claims),
                    *drugs.quads(),
                    *conditions.quads(),
                    *(drugs.carried() if existing else ()),
                    *(conditions.carried() if existing else ()),
                ]
            )
        )
        result.report = _commit(store, graph, quads, existing=existing)
    result.claims = len(claims)
    result.negated_claims = sum(1 for (_, _, negated) in claims if negated)
    result.quad_count, result.replaced = len(quads), existing
    result.drugs, result.conditions = drugs.report, conditions.report
    result.seconds = time.perf_counter() - started
    return result


def _commit(store: Store, graph: ox.NamedNode, quads: list[ox.Quad], *, existing: bool) -> ValidationReport:
    """Validate the graph's new quads in place of its old ones, then write them in one transaction.

    The change validated and written is the difference between the old graph and the new one
    (validated less the triples that stay in another graph); a re-import of the same data
    changes nothing.
    """
    old = set(store.quads(graph)) if existing else set()
    new = set(quads)
    gone = [q for q in old if q not in new]
    added = [q for q in quads if q not in old]
    kept = _held_elsewhere(store, graph, gone)
    report = validate_change(
        store, ChangeSet(deletes=[q for q in gone if q.triple not in kept], inserts=added)
    )
    if not report.conforms:
        raise ValidationFailedError(report)
    if existing:  # one update of the difference: a re-import of the same data writes nothing
        store.apply(gone, added)
    else:
        store.add_quads(quads)
    store.flush()
    return report


def _held_elsewhere(store: Store, graph: ox.NamedNode, quads: list[ox.Quad]) -> set[ox.Triple]:
    """The triples of ``quads`` that a graph other than ``graph`` holds too (they stay in the union)."""
    held: set[ox.Triple] = set()
    named = [
        q for q in quads if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)
    ]
    for start in range(0, len(named), _BATCH):  # a blank node is its graph's own: held nowhere else
        rows = " ".join(f"({q.subject} {q.predicate} {q.object})" for q in named[start : start + _BATCH])
        found = store.query(
            f"SELECT ?s ?p ?o WHERE {{ VALUES (?s ?p ?o) {{ {rows} }} "
            f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != {graph}) }}"
        )
        assert isinstance(found, ox.QuerySolutions)
        held |= {ox.Triple(r["s"], r["p"], r["o"]) for r in found}
    return held


def _source_quads(dataset: Dataset, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    source = ox.NamedNode(dataset.source)
    values: list[tuple[str, ox.NamedNode | ox.Literal]] = [
        (PREFIXES["rdf"] + "type", ox.NamedNode(EV.SourceDocument)),
        (_DCTERMS + "title", ox.Literal(dataset.title)),
        (_DCTERMS + "modified", ox.Literal(dataset.modified, datatype=_XSD_DATE)),
        (_DCTERMS + "publisher", ox.Literal(dataset.publisher)),
        (str(EV.sourceType), ox.NamedNode(EV.Dataset)),
        (_PAV + "version", ox.Literal(dataset.version)),
        (_DCTERMS + "license", ox.NamedNode(dataset.license)),
        (_PAV + "retrievedFrom", ox.NamedNode(dataset.retrieved_from)),
        *((str(EV.curationNote), ox.Literal(note)) for note in dataset.notes),
    ]
    for predicate, value in values:
        yield ox.Quad(source, ox.NamedNode(predicate), value, graph)


def _claim_quads(
    dataset: Dataset, graph: ox.NamedNode, claims: dict[tuple[str, str, bool], list[Record]]
) -> Iterator[ox.Quad]:
    source = ox.NamedNode(dataset.source)
    names = _LocalNames(dataset.name)
    for (drug, condition, negated), records in claims.items():
        claim = ox.NamedNode(PREFIXES["claim"] + names.next(records[0].record_id, "claim"))
        triples: list[tuple[ox.NamedNode, ox.NamedNode | ox.Literal]] = [
            (_RDF_TYPE, _INDICATION),
            (_LABEL, ox.Literal(records[0].label)),
            (_DRUG, ox.NamedNode(drug)),
            (_CONDITION, ox.NamedNode(condition)),
            (_DERIVED_FROM, source),
        ]
        if negated:
            triples.append((_NEGATED, ox.Literal("true", datatype=_XSD_BOOLEAN)))
        for note in dict.fromkeys(n for r in records for n in r.notes):
            triples.append((_NOTE, ox.Literal(note)))
        for record in records:
            item = ox.NamedNode(PREFIXES["evidence"] + names.next(record.record_id, "evidence"))
            triples.append((_EVIDENCE, item))
            yield from _evidence_quads(item, record, graph)
        for predicate, value in triples:
            yield ox.Quad(claim, predicate, value, graph)


def _evidence_quads(item: ox.NamedNode, record: Record, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    yield ox.Quad(item, _RDF_TYPE, _EVIDENCE_ITEM, graph)
    yield ox.Quad(item, _RECORD_ID, ox.Literal(record.record_id), graph)
    for column, value in record.values:
        yield ox.Quad(item, _RECORD_VALUE, ox.Literal(f"{column}: {value}"), graph)


class _LocalNames:
    """Local names of one dataset's claims and evidence items: ``<dataset>-<record id>``, unique."""

    def __init__(self, dataset: str) -> None:
        self._dataset = dataset
        self._taken: dict[str, set[str]] = {}

    def next(self, record_id: str, kind: str) -> str:
        """The local name of the next ``kind`` of node made from ``record_id``."""
        base = f"{self._dataset}-{slug(record_id) or 'record'}"
        taken = self._taken.setdefault(kind, set())
        name, number = base, 1
        while name in taken:
            number += 1
            name = f"{base}-{number}"
        taken.add(name)
        return name


def read_table(
    path: Path, columns: Sequence[str], *, quoted: bool = False
) -> Iterator[tuple[int, dict[str, str]]]:
    """The rows of a tab-separated file whose header names ``columns``: (line number, column -> value).

    ``quoted``: fields may be double-quoted (the csv module's rules); otherwise quotes are text.
    Raises :class:`SourceError` naming the file and line for a missing file, a header without
    one of ``columns``, a row with more or fewer fields than the header, or text that is not UTF-8.
    """
    if not path.is_file():
        raise SourceError(str(path), "is a directory, not a file" if path.is_dir() else "no such file")
    line = 1
    try:
        with path.open(encoding="utf-8", newline="") as stream:
            reader = csv.reader(
                stream, delimiter="\t", quoting=csv.QUOTE_MINIMAL if quoted else csv.QUOTE_NONE, strict=True
            )
            header = next(reader, None)
            missing = [c for c in columns if header is None or c not in header]
            if header is None or missing:
                expected = "\t".join(columns)
                raise SourceError(
                    str(path), f"the header lacks {', '.join(missing)}; expected {expected!r}", line=1
                )
            for row in reader:
                line = reader.line_num
                if not row:
                    continue
                if len(row) != len(header):
                    raise SourceError(
                        str(path),
                        f"{len(row)} field(s) where the header has {len(header)} ({', '.join(header)})",
                        line=line,
                    )
                yield line, dict(zip(header, row, strict=True))
    except UnicodeDecodeError as error:
        raise SourceError(
            str(path), f"not UTF-8 text (byte {error.object[error.start]:#04x})", line=line + 1
        ) from None
    except csv.Error as error:
        raise SourceError(str(path), f"not a valid tab-separated row: {error}", line=line + 1) from None
    except OSError as error:
        raise SourceError(str(path), f"cannot read the file: {error.strerror or error}") from None


def required(path: Path, line: int, row: dict[str, str], column: str) -> str:
    """The value of ``column``, stripped; an empty one is a :class:`SourceError` at ``path:line``."""
    value = row[column].strip()
    if not value:
        raise SourceError(str(path), f"empty {column}", line=line)
    return value
