"""The kinds table (graph.kinds) against the ontology and the shapes, and a kind added at start-up.

The table, the ontology and the shapes each say something about every kind of claim; these
tests fail as soon as two of them disagree on a class, a property or a cardinality. The last
test adds a kind the project does not have (a test fixture: ontology and shapes files and one
table row) and uses it through the API with no other edit.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH
from rdflib.term import Node

from graph.kinds import COMMON, KINDS, ClaimProperty
from graph.namespaces import EV, PREFIXES
from graph.paths import PROJECT_ROOT
from graph.shapes import ontology_graph, shapes_graph

#: What the server writes on every claim (attribution, retraction) and rdf:type: in the shapes of
#: claims, not in the table (authors never set them as properties).
MANAGED = {
    PREFIXES["rdf"] + "type",
    PREFIXES["dcterms"] + "created",
    PREFIXES["dcterms"] + "modified",
    PREFIXES["prov"] + "wasAttributedTo",
    PREFIXES["prov"] + "invalidatedAtTime",
    str(EV.retractionReason),
    str(EV.retractedBy),
}


@cache
def _shapes() -> Graph:
    return shapes_graph()


def _property_shapes(node: Node) -> list[tuple[Node, bool]]:
    """A node shape's property shapes, each with whether it applies to every focus node.

    Those inside sh:xone / sh:or apply to some focus nodes only: they bound how many values
    there may be, never how many there must be.
    """
    shapes = _shapes()
    found = [(p, True) for p in shapes.objects(node, SH.property)]
    for operator in (SH.xone, SH["or"]):
        for members in shapes.objects(node, operator):
            for member in Collection(shapes, members):
                if shapes.value(member, SH.path) is not None:
                    found.append((member, False))
                found += [(p, False) for p in shapes.objects(member, SH.property)]
    return found


def _length_only(prop: Node) -> bool:
    """A property shape that only bounds the length of values (the shapes' length limits)."""
    parameters = {p for p, _ in _shapes().predicate_objects(prop)} - {
        SH.path,
        SH.message,
        SH.severity,
        RDF.type,
    }
    return parameters == {SH.maxLength}


def _cardinality(class_iri: str) -> dict[str, tuple[int, int | None]]:
    """Path -> (least, most) values the Violation shapes targeting ``class_iri`` allow."""
    shapes = _shapes()
    found: dict[str, tuple[int, int | None]] = {}
    for shape in shapes.subjects(SH.targetClass, URIRef(class_iri)):
        for prop, everywhere in _property_shapes(shape):
            path = shapes.value(prop, SH.path)
            severity = shapes.value(prop, SH.severity, default=SH.Violation)
            if not isinstance(path, URIRef) or severity != SH.Violation or _length_only(prop):
                continue
            least, most = found.get(str(path), (0, None))
            minimum, maximum = shapes.value(prop, SH.minCount), shapes.value(prop, SH.maxCount)
            if minimum is not None and everywhere:
                least = max(least, int(minimum))
            if maximum is not None:
                most = int(maximum) if most is None else min(most, int(maximum))
            found[str(path)] = (least, most)
    return found


def _domains(predicate: str) -> set[str]:
    ontology = ontology_graph()
    found: set[str] = set()
    for domain in ontology.objects(URIRef(predicate), RDFS.domain):
        union = ontology.value(domain, OWL.unionOf)
        found |= {str(c) for c in Collection(ontology, union)} if union is not None else {str(domain)}
    return found


def test_the_kinds_are_the_ontologys_kinds() -> None:
    declared = {str(c) for c in ontology_graph().subjects(RDFS.subClassOf, EV.ClinicalStatement)}
    assert {kind.iri for kind in KINDS} == declared


def test_every_property_of_a_kind_has_that_kind_in_its_domain() -> None:
    """Its kind, or every claim: the claim vocabulary shape allows a claim these properties only."""
    wrong = [
        f"{kind.enum}.{prop.name}: {prop.predicate}"
        for kind in KINDS
        for prop in kind.properties
        if not {kind.iri, str(EV.ClinicalStatement)} & _domains(prop.predicate)
    ]
    assert not wrong, "the ontology does not give these properties their kind as domain:\n" + "\n".join(wrong)


def test_common_properties_belong_to_every_claim() -> None:
    ours = [p for p in COMMON if p.predicate.startswith(str(EV))]
    assert ours
    # a property without a domain (ev:curationNote) may be used on anything
    wrong = [
        p.name for p in ours if _domains(p.predicate) - {str(EV.ClinicalStatement), str(EV.EvidenceItem)}
    ]
    assert not wrong


def _mismatches(class_iri: str, properties: tuple[ClaimProperty, ...], what: str) -> list[str]:
    shaped = _cardinality(class_iri)
    wrong = []
    for prop in properties:
        expected = shaped.get(prop.predicate)
        if expected is None:
            wrong.append(f"{what}.{prop.name}: no shape targeting {class_iri} has {prop.predicate}")
        elif expected != (prop.min_count, prop.max_count):
            wrong.append(f"{what}.{prop.name}: table {(prop.min_count, prop.max_count)}, shapes {expected}")
    return wrong


def test_cardinalities_are_the_shapes() -> None:
    wrong = _mismatches(str(EV.ClinicalStatement), COMMON, "COMMON")
    for kind in KINDS:
        wrong += _mismatches(kind.iri, kind.properties, kind.enum)
    assert not wrong, "\n".join(wrong)


def test_every_shaped_property_of_a_kind_is_in_the_table() -> None:
    listed = {p.predicate for p in COMMON} | MANAGED
    missing = [
        f"{kind.enum}: {path}"
        for kind in KINDS
        for path in _cardinality(kind.iri)
        if path not in listed | {p.predicate for p in kind.properties}
    ]
    missing += [f"every claim: {p}" for p in _cardinality(str(EV.ClinicalStatement)) if p not in listed]
    assert not missing, "shape properties missing from graph.kinds:\n" + "\n".join(missing)


def test_a_table_row_that_disagrees_with_the_shapes_is_found() -> None:
    """The check above can fail: a monitored parameter made optional in the table is caught."""
    monitoring = next(k for k in KINDS if k.enum == "MONITORING")
    loosened = tuple(
        ClaimProperty(**{**p.__dict__, "min_count": 0}) if p.name == "monitored_parameter" else p
        for p in monitoring.properties
    )
    assert _mismatches(monitoring.iri, loosened, "MONITORING") == [
        "MONITORING.monitored_parameter: table (0, 1), shapes (1, 1)"
    ]


# --- a kind added at start-up -------------------------------------------------------------------

ONTOLOGY = """\
@prefix ev: <https://w3id.org/evidence-graph/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

ev:DoseStatement a owl:Class ;
    rdfs:subClassOf ev:ClinicalStatement ;
    rdfs:label "dose recommendation"@en ;
    skos:definition "A recommended dose of the drug, as printed."@en .

ev:doseText a owl:DatatypeProperty ;
    rdfs:domain ev:DoseStatement ;
    rdfs:range xsd:string ;
    rdfs:label "dose"@en ;
    skos:definition "The dose as printed, e.g. 1-3 mg/kg/day."@en .
"""

SHAPES = """\
@prefix ev: <https://w3id.org/evidence-graph/ontology#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix shape: <https://w3id.org/evidence-graph/shapes#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

shape:DoseStatementShape a sh:NodeShape ;
    sh:targetClass ev:DoseStatement ;
    sh:property [
        sh:path ev:doseText ;
        sh:minCount 1 ;
        sh:maxCount 1 ;
        sh:datatype xsd:string ;
        sh:maxLength 1000 ;
        sh:message "A dose recommendation must give exactly one dose (ev:doseText)."@en ;
    ] .
"""

#: Run in a process of its own: the kind is added before the API is imported.
SCRIPT = """\
import json, sys
from pathlib import Path

from graph.kinds import ClaimProperty, Kind, add_kind
from graph.namespaces import EV

here = Path(sys.argv[1])
dose = ClaimProperty("dose", str(EV.doseText), "text", min_count=1)
add_kind(
    Kind("DOSE", "DoseStatement", "doses", "Dose recommendations.", "Dose recommendations of this drug.", (dose,)),
    ontology=here / "dose.ttl",
    shapes=here / "dose-shapes.ttl",
)

from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.app import create_app
from api.settings import Settings
from graph.load import open_store

TOKEN = "t" * 32
CLAIM = {
    "kind": "DOSE",
    "label": "Azathioprine dose",
    "drug": "azathioprine",
    "source": "https://w3id.org/evidence-graph/id/source/dr-oracle-azathioprine-dermatology",
    "section": "Dosing",
    "dose": "1-3 mg/kg/day",
    "evidence": [{"text": "A passage as printed.", "citationMarkers": "1",
                  "references": ["https://w3id.org/evidence-graph/id/reference/dr-oracle-azathioprine-1"]}],
}
CREATE = "mutation($i: ClaimInput!) { createClaim(input: $i) { claim { kind ... on DoseStatement { dose } } } }"
READ = '''{ doses(filter: {drug: "azathioprine"}) { totalCount nodes { label dose } }
            claims(filter: {drug: "azathioprine"}, first: 500) { nodes { kind } }
            drug(key: "azathioprine") { doses { totalCount nodes { dose } } } }'''
settings = Settings(api_tokens={"alice": SecretStr(TOKEN)})
with TestClient(create_app(open_store(), settings)) as client:
    headers = {"Authorization": "Bearer " + TOKEN}
    created = client.post("/graphql", json={"query": CREATE, "variables": {"i": CLAIM}}, headers=headers).json()
    refused = client.post(
        "/graphql", json={"query": CREATE, "variables": {"i": {**CLAIM, "dose": None}}}, headers=headers
    ).json()
    read = client.post("/graphql", json={"query": READ}).json()
print(json.dumps({"created": created, "refused": refused, "read": read}))
"""


def test_a_kind_added_at_start_up_is_listed_filtered_written_and_checked(tmp_path: Path) -> None:
    (tmp_path / "dose.ttl").write_text(ONTOLOGY, encoding="utf-8")
    (tmp_path / "dose-shapes.ttl").write_text(SHAPES, encoding="utf-8")
    result = _python(SCRIPT, str(tmp_path))
    assert result.returncode == 0, result.stderr
    answers = json.loads(result.stdout.splitlines()[-1])
    assert answers["created"] == {
        "data": {"createClaim": {"claim": {"kind": "DOSE", "dose": "1-3 mg/kg/day"}}}
    }
    (error,) = answers["refused"]["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert [r["message"] for r in error["extensions"]["report"]] == [
        "A dose recommendation must give exactly one dose (ev:doseText)."
    ]
    read = answers["read"]["data"]
    assert read["doses"] == {
        "totalCount": 1,
        "nodes": [{"label": "Azathioprine dose", "dose": "1-3 mg/kg/day"}],
    }
    assert read["drug"]["doses"] == {"totalCount": 1, "nodes": [{"dose": "1-3 mg/kg/day"}]}
    assert "DOSE" in {node["kind"] for node in read["claims"]["nodes"]}


def _python(code: str, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a Python process of its own (the kinds are fixed once per process)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *arguments],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=PROJECT_ROOT,
        check=False,
    )


def test_kinds_cannot_be_added_once_the_api_is_made() -> None:
    result = _python(
        """
        from pathlib import Path
        import api.graphql.schema
        from graph.kinds import Kind, add_kind
        try:
            add_kind(Kind("DOSE", "DoseStatement", "doses", "", ""), ontology=Path("x"), shapes=Path("y"))
        except RuntimeError as error:
            print(error)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "the kinds are in use already" in result.stdout


def test_a_kind_must_not_reuse_a_name() -> None:
    result = _python(
        """
        from pathlib import Path
        from graph.kinds import KINDS, add_kind
        try:
            add_kind(KINDS[0], ontology=Path("x"), shapes=Path("y"))
        except ValueError as error:
            print(error)
        """
    )
    assert "is in the table already" in result.stdout, result.stderr
