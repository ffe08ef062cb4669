"""Authoring through GraphQL: auth, the SHACL gate, attribution, history, retraction; and the
incremental validation that gates each write, checked against a full validation."""

import json
import re
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from api.app import create_app
from api.settings import Settings
from graph.changes import ChangeSet, validate_change
from graph.namespaces import BASE, EV, PREFIXES
from graph.paths import PROJECT_ROOT
from graph.store import EvidenceStore, Store
from graph.validation import use_validator, validate_quads
from graph.validation import validator as validator_in_use
from tests.conftest import snapshot

ALICE = "alice-token-0123456789abcdef"
BOB = "bob-token-0123456789abcdef0123"
SOURCE = (
    "What is the role of azathioprine in treating autoimmune and inflammatory skin conditions in dermatology?"
)

CREATE = """mutation($input: ClaimInput!) { createClaim(input: $input) {
  claim { id label attributedTo created modified kind references { citationNumber }
          ... on IndicationStatement { condition { label } licensingStatus grade { notation } } }
  warnings { severity path message } } }"""


def new_indication(condition: str = "lichen planus pigmentosus", **extra: Any) -> dict[str, Any]:
    return {
        "kind": "INDICATION",
        "label": f"Azathioprine for {condition}",
        "drug": "azathioprine",
        "source": SOURCE,
        "section": "Curated through the API",
        "conditions": ["vasculitis"],
        "licensingStatus": "UNLICENSED",
        "jurisdictionNotStated": True,
        "grade": {"notation": "C", "scheme": "dr-oracle-evidence"},
        "printedGrade": "Grade C",
        "evidence": [
            {
                "text": "A passage as printed.",
                "citationMarkers": "1",
                "references": [REF1],
                "studyDesigns": ["CASE_SERIES"],
                "figures": [
                    {
                        "label": "patients improved",
                        "printedValue": "40%",
                        "quantityKind": "PERCENTAGE",
                        "value": 40,
                    }
                ],
            }
        ],
        **extra,
    }


REF1 = BASE + "id/reference/dr-oracle-azathioprine-1"


@pytest.fixture
def writable(fresh_store: Store) -> Iterator[tuple[TestClient, Store]]:
    settings = Settings(api_tokens={"alice": SecretStr(ALICE), "bob": SecretStr(BOB)})
    with TestClient(create_app(store=fresh_store, settings=settings)) as client:
        yield client, fresh_store


def call(client: TestClient, query: str, token: str | None = ALICE, **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ok(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    data: dict[str, Any] = body["data"]
    return data


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def test_writes_are_off_without_configured_tokens(fresh_store: Store) -> None:
    before = snapshot(fresh_store)
    with TestClient(create_app(store=fresh_store, settings=Settings())) as client:
        body = call(client, CREATE, input=new_indication())
    assert codes(body) == ["UNAUTHENTICATED"]
    assert "EVIDENCE_GRAPH_API_TOKENS" in body["errors"][0]["message"]
    assert snapshot(fresh_store) == before


@pytest.mark.parametrize("token", [None, "wrong-token-0123456789", ALICE[:-1], ALICE + "x"])
def test_a_missing_or_wrong_token_is_unauthenticated(
    writable: tuple[TestClient, Store], token: str | None
) -> None:
    client, store = writable
    before = snapshot(store)
    body = call(client, CREATE, token=token, input=new_indication())
    assert codes(body) == ["UNAUTHENTICATED"]
    assert "Authorization: Bearer" in body["errors"][0]["message"]
    assert snapshot(store) == before


def test_short_or_nameless_tokens_are_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="shorter than 16"):
        Settings(api_tokens={"alice": SecretStr("short")})
    with pytest.raises(ValidationError, match="author name"):
        Settings(api_tokens={" ": SecretStr("x" * 32)})


def test_tokens_are_never_shown(capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings(api_tokens={"alice": SecretStr(ALICE)})
    print(settings)
    print(repr(settings.api_tokens))
    assert ALICE not in capsys.readouterr().out


def test_create_claim_is_attributed_versioned_and_listed(writable: tuple[TestClient, Store]) -> None:
    client, store = writable
    payload = ok(call(client, CREATE, input=new_indication()))["createClaim"]
    claim = payload["claim"]
    assert claim["kind"] == "INDICATION"
    assert claim["attributedTo"] == BASE + "id/agent/alice"
    assert claim["created"].endswith("Z")
    assert claim["modified"] == claim["created"]
    assert claim["condition"]["label"].casefold() == "vasculitis"
    assert claim["grade"]["notation"] == "C"
    assert [r["citationNumber"] for r in claim["references"]] == [1]
    assert payload["warnings"] == []
    listed = ok(
        call(
            client,
            '{ indications(filter: {condition: "vasculitis", conditionExact: true}) { nodes { id } } }',
        )
    )
    assert [n["id"] for n in listed["indications"]["nodes"]] == [claim["id"]]
    history = ok(
        call(client, "query($id: ID!) { history(id: $id) { number action author } }", id=claim["id"])
    )
    assert history["history"] == [{"number": 1, "action": "created", "author": "alice"}]
    assert validate_quads(store.quads()).conforms


def test_a_violation_rejects_the_whole_write_with_its_report(
    writable: tuple[TestClient, Store],
) -> None:
    client, store = writable
    before = snapshot(store)
    duplicate = new_indication(conditions=["psoriasis"])
    body = call(client, CREATE, input=duplicate)
    assert codes(body) == ["VALIDATION_FAILED"]
    report = body["errors"][0]["extensions"]["report"]
    assert any(r["message"].startswith("Duplicate claim") for r in report)
    assert all({"focus_node", "path", "message", "severity"} <= set(r) for r in report)
    assert snapshot(store) == before

    no_evidence = new_indication(evidence=[])
    body = call(client, CREATE, input=no_evidence)
    assert codes(body) == ["VALIDATION_FAILED"]
    assert [r["path"] for r in body["errors"][0]["extensions"]["report"]] == ["ev:evidence"]
    assert snapshot(store) == before


def test_writes_validated_by_pyshacl_get_the_same_reports(bundled_quads: list[ox.Quad]) -> None:
    """EVIDENCE_GRAPH_VALIDATOR=pyshacl: every write is validated by pySHACL, with the same reports."""
    answers = {}
    try:
        for validator in ("pyshacl", "compiled"):
            store = EvidenceStore()
            store.add_quads(bundled_quads)
            settings = Settings(api_tokens={"alice": SecretStr(ALICE)}, validator=validator)
            with TestClient(create_app(store=store, settings=settings)) as client:
                assert validator_in_use() == validator
                duplicate = call(client, CREATE, input=new_indication(conditions=["psoriasis"]))
                inferred = new_indication(
                    gradeInferred=True,
                    printedGrade=None,
                    grade={"notation": "B", "scheme": "dr-oracle-evidence"},
                )
                created = ok(call(client, CREATE, input=inferred))["createClaim"]
                answers[validator] = (duplicate["errors"][0]["extensions"]["report"], created["warnings"])
    finally:
        use_validator("compiled")
    minted = re.compile(r"-[0-9a-f]{8}\b")  # the random part of new IRIs
    same = {v: minted.sub("-", json.dumps(a, sort_keys=True)) for v, a in answers.items()}
    assert same["pyshacl"] == same["compiled"]
    assert any(r["message"].startswith("Duplicate claim") for r in answers["pyshacl"][0])


def test_warnings_are_accepted_and_returned(writable: tuple[TestClient, Store]) -> None:
    client, _ = writable
    inferred = new_indication(
        gradeInferred=True, printedGrade=None, grade={"notation": "B", "scheme": "dr-oracle-evidence"}
    )
    payload = ok(call(client, CREATE, input=inferred))["createClaim"]
    assert payload["claim"]["grade"]["notation"] == "B"
    assert [w["path"] for w in payload["warnings"]] == ["ev:gradeInferred"]
    assert payload["warnings"][0]["severity"] == "Warning"


def test_unknown_names_are_bad_user_input(writable: tuple[TestClient, Store]) -> None:
    client, store = writable
    before = snapshot(store)
    body = call(client, CREATE, input=new_indication(conditions=["no such disease"]))
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "no condition matches 'no such disease'" in body["errors"][0]["message"]
    body = call(client, CREATE, input=new_indication(grade={"notation": "Z", "scheme": "dr-oracle-evidence"}))
    assert codes(body) == ["BAD_USER_INPUT"]
    assert snapshot(store) == before


UPDATE = """mutation($id: ID!, $input: ClaimInput!) { updateClaim(id: $id, input: $input) {
  claim { label population attributedTo modified evidence { text citationMarkers } } warnings { message } } }"""


def test_update_changes_only_what_is_given(writable: tuple[TestClient, Store]) -> None:
    client, store = writable
    claim = ok(call(client, CREATE, input=new_indication()))["createClaim"]["claim"]
    updated = ok(
        call(client, UPDATE, token=BOB, id=claim["id"], input={"population": "adults with severe disease"})
    )
    state = updated["updateClaim"]["claim"]
    assert state["population"] == "adults with severe disease"
    assert state["label"] == claim["label"]
    assert state["attributedTo"] == BASE + "id/agent/bob"
    assert [e["text"] for e in state["evidence"]] == ["A passage as printed."]
    replaced = ok(
        call(
            client,
            UPDATE,
            id=claim["id"],
            input={
                "evidence": [
                    {
                        "text": "Another passage.",
                        "citationMarkers": "4",
                        "references": [BASE + "id/reference/dr-oracle-azathioprine-4"],
                    }
                ]
            },
        )
    )["updateClaim"]["claim"]
    assert replaced["evidence"] == [{"text": "Another passage.", "citationMarkers": "4"}]
    assert not store.ask("ASK WHERE { ?item ev:text 'A passage as printed.' }")
    history = ok(
        call(client, "query($id: ID!) { history(id: $id) { number action author snapshot } }", id=claim["id"])
    )
    assert [(v["number"], v["action"], v["author"]) for v in history["history"]] == [
        (1, "created", "alice"),
        (2, "updated", "bob"),
        (3, "updated", "alice"),
    ]
    assert "adults with severe disease" in history["history"][1]["snapshot"]
    assert "Another passage." in history["history"][2]["snapshot"]
    assert validate_quads(store.quads()).conforms


def test_update_of_a_seed_claim_keeps_it_in_its_source_graph(
    writable: tuple[TestClient, Store],
) -> None:
    client, store = writable
    psoriasis = ok(call(client, '{ indications(filter: {condition: "psoriasis"}) { nodes { id } } }'))
    claim_id = psoriasis["indications"]["nodes"][0]["id"]
    ok(call(client, UPDATE, id=claim_id, input={"population": "adults"}))
    assert store.ask(
        "ASK WHERE { GRAPH ?g { ?c ev:population 'adults' ; ev:condition condition:psoriasis } }",
        {"g": ox.NamedNode(BASE + "graph/azathioprine-dermatology")},
    )
    history = ok(call(client, "query($id: ID!) { history(id: $id) { number action } }", id=claim_id))[
        "history"
    ]
    assert [v["action"] for v in history] == ["loaded", "updated"]


RETRACT = """mutation($id: ID!, $reason: String!) { retractClaim(id: $id, reason: $reason) {
  claim { retractedAt retractionReason retractedBy } } }"""


def test_retraction_hides_the_claim_but_keeps_it(writable: tuple[TestClient, Store]) -> None:
    client, store = writable
    found = ok(call(client, '{ indications(filter: {condition: "lichen planus"}) { nodes { id } } }'))
    claim_id = found["indications"]["nodes"][0]["id"]
    state = ok(call(client, RETRACT, id=claim_id, reason="superseded by a newer review"))["retractClaim"][
        "claim"
    ]
    assert state["retractedAt"].endswith("Z")
    assert state["retractionReason"] == "superseded by a newer review"
    assert state["retractedBy"] == BASE + "id/agent/alice"
    assert (
        ok(call(client, '{ indications(filter: {condition: "lichen planus"}) { totalCount } }'))[
            "indications"
        ]["totalCount"]
        == 0
    )
    shown = ok(
        call(
            client,
            '{ indications(filter: {condition: "lichen planus", includeRetracted: true}) { totalCount } }',
        )
    )
    assert shown["indications"]["totalCount"] == 1
    assert ok(call(client, "{ indications { totalCount } }"))["indications"]["totalCount"] == 13
    history = ok(call(client, "query($id: ID!) { history(id: $id) { action reason } }", id=claim_id))[
        "history"
    ]
    assert history[-1] == {"action": "retracted", "reason": "superseded by a newer review"}
    again = call(client, RETRACT, id=claim_id, reason="twice")
    assert codes(again) == ["BAD_USER_INPUT"]
    assert validate_quads(store.quads()).conforms


def test_attach_and_detach_references(writable: tuple[TestClient, Store]) -> None:
    client, store = writable
    claim = ok(call(client, CREATE, input=new_indication()))["createClaim"]["claim"]
    refs = {
        r["citationNumber"]: r["id"]
        for r in ok(call(client, "{ references { nodes { id citationNumber } } }"))["references"]["nodes"]
    }
    attach = """mutation($c: ID!, $r: ID!) { attachReference(claim: $c, reference: $r) { claim { references { citationNumber } } } }"""
    detach = """mutation($c: ID!, $r: ID!) { detachReference(claim: $c, reference: $r) { claim { references { citationNumber } } } }"""
    after = ok(call(client, attach, c=claim["id"], r=refs[5]))["attachReference"]["claim"]
    assert [r["citationNumber"] for r in after["references"]] == [1, 5]
    after = ok(call(client, detach, c=claim["id"], r=refs[1]))["detachReference"]["claim"]
    assert [r["citationNumber"] for r in after["references"]] == [5]
    assert codes(call(client, detach, c=claim["id"], r=refs[1])) == ["BAD_USER_INPUT"]
    assert validate_quads(store.quads()).conforms


def test_create_and_update_reference(writable: tuple[TestClient, Store]) -> None:
    client, store = writable
    create = """mutation($input: ReferenceInput!) { createReference(input: $input) {
        reference { id citationNumber title year source { title } } warnings { path } } }"""
    payload = ok(call(client, create, input={"source": SOURCE, "citationNumber": 6}))["createReference"]
    assert payload["reference"]["citationNumber"] == 6
    assert payload["reference"]["source"]["title"] == SOURCE
    assert sorted(w["path"] for w in payload["warnings"]) == ["dcterms:issued", "dcterms:title"]
    update = """mutation($id: ID!, $input: ReferenceInput!) { updateReference(id: $id, input: $input) {
        reference { title year } warnings { path } } }"""
    done = ok(call(client, update, id=payload["reference"]["id"], input={"title": "A trial", "year": "2024"}))
    assert done["updateReference"] == {"reference": {"title": "A trial", "year": "2024"}, "warnings": []}
    assert codes(call(client, update, id=payload["reference"]["id"], input={"year": "not a year"})) == [
        "BAD_USER_INPUT"
    ]
    assert codes(call(client, update, id=payload["reference"]["id"], input={"citationNumber": 0})) == [
        "VALIDATION_FAILED"
    ]
    assert validate_quads(store.quads()).conforms


def test_licensing_is_stated_per_jurisdiction(writable: tuple[TestClient, Store]) -> None:
    client, store = writable
    fda = ok(
        call(
            client,
            CREATE,
            input={
                **new_indication(),
                "licensingStatus": "LICENSED",
                "jurisdiction": "US_FDA",
                "jurisdictionNotStated": None,
            },
        )
    )
    claim = fda["createClaim"]["claim"]
    read = """query($id: ID!) { node(id: $id) { ... on IndicationStatement { licensed jurisdiction } } }"""
    assert ok(call(client, read, id=claim["id"]))["node"] == {"licensed": True, "jurisdiction": "US_FDA"}
    listed = """query($j: Jurisdiction, $l: Boolean) {
        indications(filter: {licensed: $l, jurisdiction: $j}) { nodes { id } } }"""
    assert [n["id"] for n in ok(call(client, listed, j="US_FDA", l=True))["indications"]["nodes"]] == [
        claim["id"]
    ]
    assert ok(call(client, listed, j="US_FDA", l=False))["indications"]["nodes"] == []
    anywhere = ok(call(client, listed, l=True))["indications"]["nodes"]
    assert claim["id"] in [n["id"] for n in anywhere]
    assert len(anywhere) == 4  # and the seed's three
    # a source that does not speak of licensing states neither
    silent = {
        **new_indication(),
        "licensingStatus": None,
        "jurisdictionNotStated": None,
        "label": "Silent",
        "conditions": ["pemphigoid"],
    }
    made = ok(call(client, CREATE, input=silent))["createClaim"]["claim"]
    assert ok(call(client, read, id=made["id"]))["node"] == {"licensed": None, "jurisdiction": None}
    # a status without its jurisdiction
    half = {**new_indication(), "jurisdictionNotStated": None, "label": "Half", "conditions": ["pemphigus"]}
    body = call(client, CREATE, input=half)
    assert codes(body) == ["VALIDATION_FAILED"]
    contradiction = {**new_indication(), "jurisdiction": "EU_EMA", "label": "Both"}
    assert codes(call(client, CREATE, input=contradiction)) == ["BAD_USER_INPUT"]
    assert validate_quads(store.quads()).conforms


def test_a_reference_known_by_a_pmid_alone(writable: tuple[TestClient, Store]) -> None:
    client, store = writable
    create = """mutation($input: ReferenceInput!) { createReference(input: $input) {
        reference { citationNumber pmid source { title } } } }"""
    made = ok(call(client, create, input={"pmid": "28936969", "title": "A trial"}))["createReference"]
    assert made["reference"] == {"citationNumber": None, "pmid": "28936969", "source": None}
    assert codes(call(client, create, input={"title": "Nothing to know it by"})) == ["BAD_USER_INPUT"]
    assert validate_quads(store.quads()).conforms


def test_authors_keep_their_printed_order(writable: tuple[TestClient, Store]) -> None:
    client, store = writable
    read = """query($key: String!) { search(text: $key) { nodes { ... on Reference { id creators } } } }"""
    seeded = ok(call(client, read, key="survey of current practice"))["search"]["nodes"][0]
    assert seeded["creators"] == ["Tan BB", "Lear JT", "Gawkrodger DJ", "English JSC"]  # not alphabetical
    create = """mutation($input: ReferenceInput!) { createReference(input: $input) {
        reference { id creators } } }"""
    printed = ["Zeta A", "Alpha B", "Mu C"]
    made = ok(call(client, create, input={"source": SOURCE, "citationNumber": 7, "creators": printed}))
    reference = made["createReference"]["reference"]
    assert reference["creators"] == printed
    update = """mutation($id: ID!, $input: ReferenceInput!) { updateReference(id: $id, input: $input) {
        reference { creators } } }"""
    again = ["Mu C", "Zeta A"]
    done = ok(call(client, update, id=reference["id"], input={"creators": again}))
    assert done["updateReference"]["reference"]["creators"] == again
    members = store.select(
        "SELECT ?n WHERE { ?r <http://purl.org/ontology/bibo/authorList> ?l . ?l ?p ?n "
        'FILTER STRSTARTS(STR(?p), "http://www.w3.org/1999/02/22-rdf-syntax-ns#_") '
        'FILTER(STRENDS(STR(?l), "/authors") && ?r != <https://w3id.org/evidence-graph/id/reference/dr-oracle-azathioprine-5>) }'
    )
    assert sorted(str(m["n"].value) for m in members) == sorted(again)  # the old list is gone
    assert validate_quads(store.quads()).conforms


# --- incremental validation == full validation --------------------------------------------------

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
CONTENT = ox.NamedNode(BASE + "graph/azathioprine-dermatology")


def node(path: str) -> ox.NamedNode:
    return ox.NamedNode(BASE + "id/" + path)


def quad(s: str, p: ox.NamedNode, o: ox.NamedNode | ox.Literal) -> ox.Quad:
    return ox.Quad(node(s), p, o, CONTENT)


def ev(name: str) -> ox.NamedNode:
    return ox.NamedNode(str(EV[name]))


def _existing(store: Store, subject: str, predicate: ox.NamedNode) -> list[ox.Quad]:
    return [q for q in store.quads() if q.subject == node(subject) and q.predicate == predicate]


CHANGES: dict[str, Any] = {
    "a condition loses its type (claims pointing at it break)": lambda s: ChangeSet(
        deletes=_existing(s, "condition/psoriasis", RDF_TYPE)
    ),
    "a claim gains a second drug": lambda s: ChangeSet(
        inserts=[quad("claim/azathioprine-psoriasis-indication", ev("drug"), node("drug/allopurinol"))]
    ),
    "an indication becomes a duplicate": lambda s: ChangeSet(
        deletes=_existing(s, "claim/azathioprine-lichen-planus-indication", ev("condition")),
        inserts=[
            quad("claim/azathioprine-lichen-planus-indication", ev("condition"), node("condition/psoriasis"))
        ],
    ),
    "an evidence item cites a reference its claim does not": lambda s: ChangeSet(
        inserts=[
            quad(
                next(
                    q.object.value
                    for q in _existing(s, "claim/azathioprine-psoriasis-indication", ev("evidence"))
                ).removeprefix(BASE + "id/"),
                ev("citesAsEvidence"),
                node("reference/dr-oracle-azathioprine-5"),
            )
        ]
    ),
    "a quality grade from a strength scheme": lambda s: ChangeSet(
        inserts=[
            quad(
                "claim/azathioprine-psoriasis-indication",
                ev("recommendationStrength"),
                ox.NamedNode(BASE + "grade/grade-certainty-high"),
            )
        ]
    ),
    "a reference loses its number": lambda s: ChangeSet(
        deletes=_existing(s, "reference/dr-oracle-azathioprine-5", ev("citationNumber"))
    ),
    "a valid change": lambda s: ChangeSet(
        inserts=[
            quad("claim/azathioprine-psoriasis-indication", ev("curationNote"), ox.Literal("checked again"))
        ]
    ),
}


@pytest.mark.parametrize("name", list(CHANGES))
def test_incremental_validation_finds_what_full_validation_finds(fresh_store: Store, name: str) -> None:
    change: ChangeSet = CHANGES[name](fresh_store)
    assert change.deletes or change.inserts
    incremental = validate_change(fresh_store, change)
    removed = {str(q) for q in change.deletes}
    candidate = [q for q in fresh_store.quads() if str(q) not in removed] + change.inserts
    full = validate_quads(candidate)

    def key(report: Any) -> set[tuple[str, str | None, str]]:
        return {(r.focus_node, r.path, r.message) for r in report.violations}

    assert key(incremental) == key(full)
    assert (name == "a valid change") == full.conforms


def test_whole_number_figures_from_python_are_written_as_decimals(fresh_store: Store) -> None:
    # regression: a Python int (40) was written as xsd:integer and refused by the figure shape
    from graph.authoring import create_claim  # noqa: PLC0415
    from graph.drafts import ClaimData, EvidenceData, FigureData  # noqa: PLC0415

    data = ClaimData(
        kind=str(EV.PracticePointStatement),
        label="A practice point with a figure",
        drug=BASE + "id/drug/azathioprine",
        source=BASE + "id/source/dr-oracle-azathioprine-dermatology",
        section="Test",
        evidence=[
            EvidenceData(
                text="40% of patients.",
                citation_markers="1",
                references=[REF1],
                figures=[
                    FigureData(
                        label="patients", printed_value="40%", quantity_kind=str(EV.Percentage), value=40
                    )
                ],
            )
        ],
    )
    result = create_claim(fresh_store, data, "alice")
    assert result.report.conforms
    assert fresh_store.ask("ASK WHERE { ?f ev:printedValue '40%' ; ev:value 40.0 }")


def test_the_readmes_authoring_example_works(writable: tuple[TestClient, Store]) -> None:
    """The mutation README.md shows is accepted as written."""
    client, _ = writable
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    example = readme[readme.index("mutation { createClaim") :]
    example = example[: example.index("```")]
    created = ok(call(client, example))["createClaim"]
    assert created["claim"]["label"] == "Azathioprine for vasculitis"
    assert created["claim"]["attributedTo"].endswith("/agent/alice")


def test_references_by_citation_number_in_the_claims_source(writable: tuple[TestClient, Store]) -> None:
    client, _ = writable
    by_number = new_indication(evidence=[{"text": "A passage.", "citationMarkers": "3", "references": ["3"]}])
    created = ok(call(client, CREATE, input=by_number))["createClaim"]
    assert created["claim"]["references"] == [{"citationNumber": 3}]
    unknown = new_indication("another condition", evidence=[{"text": "A.", "references": ["99"]}])
    body = call(client, CREATE, input=unknown)
    assert codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["message"] == "the source has no reference numbered 99"
