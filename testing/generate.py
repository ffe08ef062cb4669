"""Scale generator: realistic evidence graphs of about 10k, 100k and 1M triples.

Everything comes from the project's own vocabulary (docs/modelling.md) and is built to conform to
shapes/evidence-shapes.ttl: many source documents, each with its numbered references, covering a
few drugs; per drug, claims of every kind (indications licensed or not, contraindications by
condition or co-medication, interactions and documented absences of interaction, pharmacogenomic
rules, monitoring, practice points, mechanisms, practice patterns), each with evidence items that
carry citation markers, study designs and figures, and grades in several schemes (the dr-oracle
scale, GRADE certainty and strength, BAD, SIGN).

The only randomness is ``random.Random(seed)``, so a tier and a seed always give the same file.
Files are N-Triples in ``bench/.cache/`` (git-ignored), written once and reused.

    python -m testing.generate 10k 100k        # writes (or finds) the cached files, prints their paths
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent.parent / "bench"
CACHE_DIR = BENCH_DIR / ".cache"
SEED = 20260130
#: Bump when the generator's output changes, so stale cached files are not reused.
GENERATOR_VERSION = 1

TIERS: dict[str, int] = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000}

BASE = "https://w3id.org/evidence-graph/"
EV = BASE + "ontology#"
GRADE = BASE + "grade/"
ID = BASE + "id/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
BIBO = "http://purl.org/ontology/bibo/"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Grades as (evidence grade, printed grade, inferred, recommendation strength) per scheme.
QUALITY_GRADES: list[tuple[str, str | None, bool]] = [
    ("dr-oracle-A", "Grade A", False),
    ("dr-oracle-B", "Moderate Evidence", True),
    ("dr-oracle-C", "Grade C", False),
    ("grade-certainty-high", "High certainty", False),
    ("grade-certainty-moderate", "Moderate certainty", False),
    ("grade-certainty-low", "Low certainty", False),
    ("grade-certainty-very-low", "Very low certainty", False),
    ("bad-quality-I", "Level I", False),
    ("bad-quality-II-i", "Level II-i", False),
    ("bad-quality-II-ii", "Level II-ii", False),
    ("bad-quality-III", "Level III", False),
    ("bad-quality-IV", "Level IV", False),
    ("sign-level-1pp", "1++", False),
    ("sign-level-1p", "1+", False),
    ("sign-level-2p", "2+", False),
    ("sign-level-3", "3", False),
    ("sign-level-4", "4", False),
]
STRENGTH_FOR_SCHEME = {
    "grade-certainty": ["grade-strength-strong", "grade-strength-weak"],
    "bad-quality": ["bad-strength-A", "bad-strength-B", "bad-strength-C", "bad-strength-D"],
}
STUDY_DESIGNS = [
    "RandomizedControlledTrial",
    "DoubleBlindPlaceboControlledTrial",
    "CaseSeries",
    "ProspectiveStudy",
    "RetrospectiveStudy",
    "Survey",
    "AnecdotalEvidence",
    "GuidelineOrExpertOpinion",
]
THERAPY_ROLES = [
    "Monotherapy",
    "SteroidSparing",
    "SecondLine",
    "Maintenance",
    "Adjunctive",
    "CombinationTherapy",
]
PGX_ACTIONS = ["TestBeforeTreatment", "AvoidDrug", "ModifyDose", "ConsiderAlternative"]

DRUG_STEMS = [
    "aza", "metho", "cyclo", "myco", "tacro", "siro", "predni", "hydroxy", "dapso", "ciclo",
    "apre", "baric", "tofa", "upada", "abro", "dupi", "tralo", "omali", "ritu", "inflix",
    "adali", "etaner", "secu", "ixeki", "guselk", "risank", "ustek", "thali", "colchi", "isotre",
]  # fmt: skip
DRUG_SUFFIXES = [
    "prine",
    "trexate",
    "sporin",
    "phenolate",
    "limus",
    "lone",
    "chloroquine",
    "mab",
    "citinib",
    "cept",
]
DRUG_CLASSES = [
    "thiopurine immunosuppressant", "antimetabolite", "calcineurin inhibitor", "JAK inhibitor",
    "monoclonal antibody", "corticosteroid", "antimalarial", "retinoid", "sulfone", "PDE4 inhibitor",
]  # fmt: skip
CONDITION_BASES = [
    "dermatitis", "psoriasis", "pemphigus", "pemphigoid", "vasculitis", "lupus erythematosus",
    "lichen planus", "urticaria", "alopecia areata", "vitiligo", "hidradenitis suppurativa", "sarcoidosis",
    "dermatomyositis", "scleroderma", "morphea", "pyoderma gangrenosum", "prurigo nodularis", "eczema",
    "Behçet's disease", "pityriasis rubra pilaris", "granuloma annulare", "erythema multiforme",
]  # fmt: skip
CONDITION_MODIFIERS = [
    "atopic", "chronic", "severe", "refractory", "juvenile", "cutaneous", "generalized", "localized",
    "recalcitrant", "bullous", "nodular", "erosive", "actinic", "plaque", "pustular", "acute",
]  # fmt: skip
PATIENT_STATES = ["Pregnancy", "Breastfeeding", "Renal impairment", "Hepatic impairment", "Older age"]
MONITORED = [
    "full blood count", "liver function tests", "renal function", "blood pressure", "lipid profile",
    "TPMT activity", "thiopurine metabolite levels", "skin cancer screening", "hepatitis B serology",
    "tuberculosis screening", "pregnancy test", "urinalysis", "serum creatinine", "glucose",
]  # fmt: skip
JOURNALS = [
    "The British journal of dermatology", "Journal of the American Academy of Dermatology",
    "JAMA dermatology", "Clinical and experimental dermatology", "Acta dermato-venereologica",
    "The Lancet", "New England Journal of Medicine", "Cochrane Database of Systematic Reviews",
]  # fmt: skip
SURNAMES = [
    "Tan",
    "Lear",
    "Smith",
    "Nguyen",
    "Garcia",
    "Müller",
    "Rossi",
    "Kowalski",
    "Sato",
    "Okafor",
    "Patel",
]
VERBS = ["improved", "reduced", "did not change", "doubled", "halved", "stabilised", "delayed", "prevented"]
OUTCOMES = [
    "disease activity", "itch scores", "relapse rate", "steroid requirement", "time to remission",
    "lesion count", "quality of life", "adverse events", "body surface area affected",
]  # fmt: skip
POPULATIONS = [
    "adults",
    "children",
    "older adults",
    "East Asian patients",
    "pregnant women",
    "transplant recipients",
]


def iri(local: str) -> str:
    """An IRI in N-Triples syntax (locals are generated, never need escaping)."""
    return f"<{local}>"


def lit(value: str, datatype: str | None = None) -> str:
    """A literal in N-Triples syntax; only the characters N-Triples requires are escaped."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"' if datatype is None else f'"{escaped}"^^<{XSD}{datatype}>'


@dataclass
class Writer:
    """Collects N-Triples lines and counts them."""

    lines: list[str] = field(default_factory=list)

    def add(self, s: str, p: str, o: str) -> None:
        """One triple (subject and predicate are bare IRIs, object already serialized)."""
        self.lines.append(f"<{s}> <{p}> {o} .")

    def __len__(self) -> int:
        return len(self.lines)


@dataclass
class Pools:
    """Shared entities that claims point at: drugs, conditions, genes, phenotypes, substances."""

    drugs: list[str]
    conditions: list[str]
    patient_states: list[str]
    genes: list[str]
    phenotypes: dict[str, str]  # phenotype IRI -> gene IRI
    substances: list[str]
    agents: list[str]
    labels: dict[str, str] = field(default_factory=dict)


def _entities(w: Writer, rng: random.Random, scale: float) -> Pools:  # noqa: PLR0915 - one block per entity kind
    n_drugs = max(40, int(140 * scale))
    n_conditions = max(60, int(220 * scale))
    n_genes = max(10, int(30 * scale))
    labels: dict[str, str] = {}
    drugs: list[str] = []
    for i in range(n_drugs):
        s = f"{ID}drug/bench-{i}"
        name = f"{rng.choice(DRUG_STEMS)}{rng.choice(DRUG_SUFFIXES)}-{i}"
        is_class = i % 25 == 24
        w.add(s, RDF_TYPE, iri(EV + ("DrugClass" if is_class else "Drug")))
        w.add(s, RDFS + "label", lit(name))
        labels[s] = name
        if rng.random() < 0.4:
            w.add(s, SKOS + "altLabel", lit(name.upper().replace("-", " ")))
        w.add(s, EV + "drugClassLabel", lit(rng.choice(DRUG_CLASSES)))
        if not is_class:
            w.add(s, EV + "identifier", lit(f"RXNORM:{900000 + i}"))
            w.add(s, EV + "identifier", lit(f"DRUGBANK:DB{10000 + i:05d}"))
            w.add(s, SKOS + "exactMatch", iri(f"http://purl.bioontology.org/ontology/RXNORM/{900000 + i}"))
        drugs.append(s)
    conditions: list[str] = []
    for i in range(n_conditions):
        s = f"{ID}condition/bench-{i}"
        base = rng.choice(CONDITION_BASES)
        label = f"{rng.choice(CONDITION_MODIFIERS)} {base} {i}".capitalize()
        w.add(s, RDF_TYPE, iri(EV + "Condition"))
        w.add(s, RDFS + "label", lit(label))
        labels[s] = label.lower()
        if rng.random() < 0.3:
            w.add(s, SKOS + "altLabel", lit(f"{base} variant {i}"))
        w.add(s, EV + "identifier", lit(f"MONDO:{7000000 + i:07d}"))
        w.add(s, SKOS + "exactMatch", iri(f"http://purl.obolibrary.org/obo/MONDO_{7000000 + i:07d}"))
        if rng.random() < 0.5:
            w.add(s, EV + "identifier", lit(f"ICD10:L{i % 100:02d}.{i % 10}"))
            w.add(s, SKOS + "closeMatch", iri(f"http://id.who.int/icd/release/10/L{i % 100:02d}.{i % 10}"))
        if conditions and rng.random() < 0.2:
            w.add(s, SKOS + "broader", iri(rng.choice(conditions)))
        conditions.append(s)
    patient_states: list[str] = []
    for i, name in enumerate(PATIENT_STATES):
        s = f"{ID}condition/bench-state-{i}"
        w.add(s, RDF_TYPE, iri(EV + "PatientState"))
        w.add(s, RDFS + "label", lit(name))
        labels[s] = name.lower()
        patient_states.append(s)
    genes: list[str] = []
    phenotypes: dict[str, str] = {}
    for i in range(n_genes):
        s = f"{ID}gene/bench-{i}"
        symbol = f"G{i}X{rng.randint(1, 9)}"
        w.add(s, RDF_TYPE, iri(EV + "Gene"))
        w.add(s, RDFS + "label", lit(symbol))
        w.add(s, EV + "identifier", lit(f"HGNC:{50000 + i}"))
        w.add(s, SKOS + "exactMatch", iri(f"http://identifiers.org/hgnc/{50000 + i}"))
        genes.append(s)
        for level in ("absent", "intermediate", "rapid"):
            p = f"{ID}phenotype/bench-{i}-{level}"
            w.add(p, RDF_TYPE, iri(EV + "Phenotype"))
            w.add(p, RDFS + "label", lit(f"{level} {symbol} activity"))
            labels[p] = f"{level} {symbol} activity"
            w.add(p, EV + "gene", iri(s))
            phenotypes[p] = s
    substances: list[str] = []
    for i in range(max(5, int(20 * scale))):
        s = f"{ID}substance/bench-{i}"
        w.add(s, RDF_TYPE, iri(EV + "Substance"))
        w.add(s, RDFS + "label", lit(f"metabolite M-{i}"))
        substances.append(s)
    agents: list[str] = []
    for i in range(3):
        s = f"{ID}agent/bench-curator-{i}"
        w.add(s, RDF_TYPE, iri(PROV + "Agent"))
        w.add(s, RDFS + "label", lit(f"Benchmark curator {i}"))
        agents.append(s)
    return Pools(drugs, conditions, patient_states, genes, phenotypes, substances, agents, labels)


def _source(w: Writer, rng: random.Random, number: int) -> tuple[str, list[tuple[int, str]]]:
    """A source document and its numbered references."""
    s = f"{ID}source/bench-{number}"
    w.add(s, RDF_TYPE, iri(EV + "SourceDocument"))
    w.add(s, DCTERMS + "title", lit(f"Systemic therapy in dermatology: guideline {number}"))
    w.add(s, DCTERMS + "modified", lit(f"20{rng.randint(15, 26)}-{rng.randint(1, 12):02d}-15", "date"))
    w.add(s, DCTERMS + "publisher", lit(rng.choice(["Dr.Oracle", "BAD", "EADV", "AAD"])))
    refs: list[tuple[int, str]] = []
    for n in range(1, rng.randint(20, 40) + 1):
        r = f"{ID}reference/bench-{number}-{n}"
        w.add(s, DCTERMS + "hasPart", iri(r))
        w.add(r, RDF_TYPE, iri(EV + "Reference"))
        w.add(r, EV + "citationNumber", lit(str(n), "integer"))
        w.add(r, DCTERMS + "isPartOf", iri(s))
        if rng.random() < 0.03:  # cited but not named by the source (a Warning, as in the seed)
            w.add(r, EV + "unresolved", lit("true", "boolean"))
            refs.append((n, r))
            continue
        w.add(
            r, DCTERMS + "title", lit(f"{rng.choice(OUTCOMES).capitalize()} with systemic agents: study {n}")
        )
        w.add(r, EV + "referenceType", lit(rng.choice(["Research", "Guideline", "Review"])))
        w.add(r, EV + "containerTitle", lit(rng.choice(JOURNALS)))
        w.add(r, DCTERMS + "issued", lit(str(rng.randint(1985, 2025)), "gYear"))
        for _ in range(rng.randint(1, 4)):
            w.add(r, DCTERMS + "creator", lit(f"{rng.choice(SURNAMES)} {chr(65 + rng.randint(0, 25))}"))
        w.add(r, BIBO + "volume", lit(str(rng.randint(1, 200))))
        page = rng.randint(1, 900)
        w.add(r, BIBO + "pageStart", lit(str(page)))
        w.add(r, BIBO + "pageEnd", lit(str(page + rng.randint(2, 15))))
        if rng.random() < 0.6:
            w.add(r, BIBO + "pmid", lit(str(rng.randint(1_000_000, 39_999_999))))
            w.add(r, BIBO + "doi", lit(f"10.{rng.randint(1000, 9999)}/bench.{number}.{n}"))
        refs.append((n, r))
    return s, refs


@dataclass
class ClaimWriter:
    """Writes claims with their evidence items and figures, keeping every IRI unique."""

    w: Writer
    rng: random.Random
    pools: Pools
    source: str
    refs: list[tuple[int, str]]
    counter: int = 0
    _cited: set[str] = field(default_factory=set)

    def evidence(self, claim_id: str, k: int) -> list[str]:
        """An evidence item: a passage with markers, references, design, maybe a figure."""
        rng, w = self.rng, self.w
        e = f"{ID}evidence/{claim_id}-{k}"
        w.add(e, RDF_TYPE, iri(EV + "EvidenceItem"))
        outcome, verb = rng.choice(OUTCOMES), rng.choice(VERBS)
        population = rng.choice(POPULATIONS)
        w.add(e, EV + "text", lit(f"In {population}, treatment {verb} {outcome} compared with placebo."))
        cited = sorted(rng.sample(self.refs, rng.randint(1, 2)))
        if rng.random() < 0.9:
            w.add(e, EV + "citationMarkers", lit(", ".join(str(n) for n, _ in cited)))
            for _, r in cited:
                w.add(e, EV + "citesAsEvidence", iri(r))
        else:
            cited = []
        w.add(e, EV + "studyDesign", iri(EV + rng.choice(STUDY_DESIGNS)))
        w.add(e, EV + "population", lit(population))
        w.add(e, EV + "finding", lit(f"{verb} {outcome}"))
        if rng.random() < 0.3:
            w.add(e, EV + "duration", lit(f"{rng.choice([3, 6, 12, 24])}-month"))
        if rng.random() < 0.25:
            w.add(e, EV + "comparator", iri(rng.choice(self.pools.drugs)))
        if rng.random() < 0.35:
            w.add(e, EV + "figure", iri(self.figure(f"{claim_id}-{k}")))
        self._cited.update(r for _, r in cited)
        return [e]

    def figure(self, figure_id: str) -> str:
        """A figure of one of the four quantity kinds, printed and parsed."""
        rng, w = self.rng, self.w
        f = f"{ID}figure/{figure_id}"
        w.add(f, RDF_TYPE, iri(EV + "Figure"))
        kind = rng.choice(["Percentage", "PValue", "OneInN", "Count"])
        w.add(f, EV + "quantityKind", iri(EV + kind))
        if kind == "Percentage":
            low = rng.randint(5, 60)
            high = low + rng.randint(1, 30)
            w.add(f, RDFS + "label", lit("patients showing improvement"))
            w.add(f, EV + "printedValue", lit(f"{low}-{high}%"))
            w.add(f, EV + "minValue", lit(str(low), "decimal"))
            w.add(f, EV + "maxValue", lit(str(high), "decimal"))
        elif kind == "PValue":
            p = rng.choice(["0.001", "0.01", "0.025", "0.04"])
            w.add(f, RDFS + "label", lit("P value versus comparator"))
            w.add(f, EV + "printedValue", lit(f"P = {p}"))
            w.add(f, EV + "value", lit(p, "decimal"))
        elif kind == "OneInN":
            n = rng.randint(100, 500)
            w.add(f, RDFS + "label", lit("individuals affected (1 in N)"))
            w.add(f, EV + "printedValue", lit(f"approximately 1 in {n}"))
            w.add(f, EV + "value", lit(str(n), "decimal"))
            w.add(f, EV + "approximate", lit("true", "boolean"))
        else:
            d = rng.randint(8, 200)
            num = rng.randint(0, d)
            w.add(f, RDFS + "label", lit("patients who responded"))
            w.add(f, EV + "printedValue", lit(f"{num} of {d}"))
            w.add(f, EV + "numerator", lit(str(num), "integer"))
            w.add(f, EV + "denominator", lit(str(d), "integer"))
        return f

    def claim(self, kind: str, drug: str, drug_label: str, label: str, section: str) -> str:
        """The properties every claim has; returns its IRI for the kind-specific ones."""
        rng, w = self.rng, self.w
        self.counter += 1
        claim_id = f"{self.source.rsplit('/', 1)[1]}-{self.counter}"
        c = f"{ID}claim/{claim_id}"
        self._cited = set()
        items = [e for k in range(1, rng.choice([1, 1, 2, 2, 3]) + 1) for e in self.evidence(claim_id, k)]
        w.add(c, RDF_TYPE, iri(EV + kind))
        w.add(c, RDFS + "label", lit(f"{drug_label.capitalize()} {label}"))
        w.add(c, EV + "drug", iri(drug))
        for e in items:
            w.add(c, EV + "evidence", iri(e))
        for r in sorted(self._cited):
            w.add(c, EV + "citesAsEvidence", iri(r))
        w.add(c, PROV + "wasDerivedFrom", iri(self.source))
        w.add(c, EV + "section", lit(section))
        w.add(c, PROV + "wasAttributedTo", iri(rng.choice(self.pools.agents)))
        w.add(
            c,
            DCTERMS + "created",
            lit(f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}T12:00:00Z", "dateTime"),
        )
        return c

    def grade(self, c: str) -> None:
        """An evidence grade from one of the schemes, with a strength where the scheme has one."""
        rng, w = self.rng, self.w
        grade, printed, inferred = rng.choice(QUALITY_GRADES)
        w.add(c, EV + "evidenceGrade", iri(GRADE + grade))
        if printed:
            w.add(c, EV + "printedGrade", lit(printed))
        if inferred:
            w.add(c, EV + "gradeInferred", lit("true", "boolean"))
        for scheme, strengths in STRENGTH_FOR_SCHEME.items():
            if grade.startswith(scheme) and rng.random() < 0.7:
                w.add(c, EV + "recommendationStrength", iri(GRADE + rng.choice(strengths)))


def _drug_claims(cw: ClaimWriter, drug: str) -> None:  # noqa: PLR0912, PLR0915 - one block per claim kind
    """Claims of every kind about one drug; each target is used once per kind (no duplicates)."""
    rng, w, pools = cw.rng, cw.w, cw.pools
    name = pools.labels[drug]
    conditions = rng.sample(pools.conditions, 14)
    others = rng.sample([d for d in pools.drugs if d != drug], 6)
    for condition in conditions[:8]:  # indications
        licensed = rng.random() < 0.3
        c = cw.claim("IndicationStatement", drug, name, f"for {pools.labels[condition]}", "Indications")
        w.add(c, EV + "condition", iri(condition))
        w.add(c, EV + "licensingStatus", iri(EV + ("Licensed" if licensed else "Unlicensed")))
        w.add(c, EV + "licensingJurisdiction", iri(EV + "JurisdictionNotStated"))
        for role in rng.sample(THERAPY_ROLES, rng.randint(0, 2)):
            w.add(c, EV + "therapyRole", iri(EV + role))
        if not licensed or rng.random() < 0.3:
            cw.grade(c)
        if rng.random() < 0.3:
            w.add(c, EV + "population", lit(rng.choice(POPULATIONS)))
    for condition in [*conditions[8:10], rng.choice(pools.patient_states)]:
        c = cw.claim(
            "ContraindicationStatement",
            drug,
            name,
            f"contraindicated in {pools.labels[condition]}",
            "Contraindications",
        )
        w.add(c, EV + "condition", iri(condition))
        w.add(c, EV + "severity", iri(EV + rng.choice(["Absolute", "Relative"])))
        if rng.random() < 0.3:
            w.add(c, EV + "exception", lit("except where benefit outweighs risk"))
    c = cw.claim("ContraindicationStatement", drug, name, "with a co-medication", "Contraindications")
    w.add(c, EV + "coMedication", iri(others[0]))
    w.add(c, EV + "severity", iri(EV + "Absolute"))
    for i, other in enumerate(others[:3]):
        c = cw.claim(
            "InteractionStatement", drug, name, f"and {pools.labels[other]}: interaction", "Interactions"
        )
        w.add(c, EV + "interactant", iri(other))
        if i == 2:
            w.add(c, EV + "negated", lit("true", "boolean"))
        else:
            w.add(c, EV + "effect", lit(f"increased {rng.choice(OUTCOMES)}"))
            w.add(c, EV + "mechanismText", lit("shared metabolic pathway"))
        if rng.random() < 0.3:
            cw.grade(c)
    gene = rng.choice(pools.genes)
    phenotypes = [p for p, g in pools.phenotypes.items() if g == gene]
    for i, phenotype in enumerate(phenotypes[:2]):
        c = cw.claim(
            "PharmacogenomicStatement",
            drug,
            name,
            f"in {pools.labels.get(phenotype, 'a phenotype')}",
            "Safety",
        )
        w.add(c, EV + "gene", iri(gene))
        w.add(c, EV + "phenotype", iri(phenotype))
        w.add(c, EV + "pgxAction", iri(EV + PGX_ACTIONS[i]))
        if rng.random() < 0.5:
            w.add(c, EV + "risk", iri(conditions[10]))
    for parameter in rng.sample(MONITORED, 2):
        c = cw.claim("MonitoringStatement", drug, name, f"needs monitoring of {parameter}", "Monitoring")
        w.add(c, EV + "monitoredParameter", lit(parameter))
        w.add(
            c,
            EV + "monitoringTiming",
            lit(rng.choice(["at baseline", "every 3 months", "weekly for 8 weeks"])),
        )
    c = cw.claim("PracticePointStatement", drug, name, "practice point", "Practice points")
    w.add(c, EV + "condition", iri(conditions[11]))
    w.add(c, EV + "relatedDrug", iri(others[3]))
    c = cw.claim("MechanismStatement", drug, name, "mechanism", "Mechanism of action")
    w.add(c, EV + "metabolite", iri(rng.choice(pools.substances)))
    w.add(c, EV + "enzyme", iri(gene))
    c = cw.claim("PracticePatternStatement", drug, name, "practice pattern", "Practice patterns")
    w.add(c, EV + "condition", iri(conditions[12]))


def generate(target: int, seed: int = SEED) -> Writer:
    """About ``target`` triples of conforming evidence, the same for the same seed."""
    rng = random.Random(seed)
    w = Writer()
    # ~190 triples per drug's claims, ~12 per reference; entities scale with the graph.
    pools = _entities(w, rng, scale=target / 100_000)
    source_number = 0
    drugs = list(pools.drugs)
    while len(w) < target:
        source_number += 1
        source, refs = _source(w, rng, source_number)
        cw = ClaimWriter(w, rng, pools, source, refs)
        for drug in rng.sample(drugs, min(len(drugs), rng.randint(3, 6))):
            _drug_claims(cw, drug)
            if len(w) >= target:
                break
    return w


def dataset_path(tier: str, seed: int = SEED, cache_dir: Path = CACHE_DIR) -> Path:
    """The cached N-Triples file of a tier, generated on first use."""
    path = cache_dir / f"bench-{tier}-seed{seed}-v{GENERATOR_VERSION}.nt"
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        writer = generate(TIERS[tier], seed)
        partial = path.with_suffix(".partial")
        partial.write_text("\n".join(writer.lines) + "\n", encoding="utf-8")
        partial.rename(path)
    return path


def triple_count(path: Path) -> int:
    """Triples in an N-Triples file written by this module (one per line)."""
    with path.open("rb") as stream:
        return sum(1 for _ in stream)


def iter_tiers(names: list[str]) -> Iterator[tuple[str, Path]]:
    """``(tier, path)`` for each tier name, generating what is missing."""
    for name in names:
        yield name, dataset_path(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("tiers", nargs="*", default=["10k", "100k"], choices=sorted(TIERS))
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    for tier in args.tiers:
        path = dataset_path(tier, args.seed)
        print(f"{tier}\t{triple_count(path)} triples\t{path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
