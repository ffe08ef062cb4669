"""Crosswalks between grading scales, and the caveats the curators wrote on them.

A claim graded on another scale meets a GRADE certainty filter through its grade's crosswalk
(``skos:closeMatch`` or ``skos:broadMatch`` to a GRADE certainty level). Those crosswalks are
the curators' mappings, not the scales' own, and some carry a caveat in the grade's
``skos:editorialNote`` (a heading that also holds anecdotal evidence, say). A filter that
followed them says so, with the caveats: the answer is not silently an equivalence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox

from graph.entity import Entity
from graph.entity import entities as described
from graph.namespaces import EV, GRADE, PREFIXES
from graph.store import Store, text
from graph.vocabulary import Vocabulary

SKOS = PREFIXES["skos"]
CERTAINTY_SCHEME = str(GRADE["grade-certainty"])
_MATCHES = (SKOS + "closeMatch", SKOS + "broadMatch")


@dataclass(frozen=True)
class Crosswalk:
    """A grade of another scale counted as a GRADE certainty level."""

    grade: str
    notation: str
    scheme: str
    certainty: str
    notes: tuple[str, ...]


#: Every grade and grading scheme, described (what a crosswalk needs of them).
_GRADES = """SELECT ?s ?p ?o WHERE {
  { ?s a ev:Grade } UNION { ?s a ev:GradingScheme }
  ?s ?p ?o
}"""


def certainty_crosswalks(store: Store, min_rank: int) -> list[Crosswalk]:
    """The grades of other scales whose crosswalk reaches GRADE certainty ``min_rank`` or above.

    In scheme, then notation order; each with the curators' notes on it. Read from the store's
    vocabulary when it keeps one (no query), else in one query.
    """
    vocabulary = store.index(Vocabulary)
    if vocabulary is not None:
        entities = dict(vocabulary.entities)  # a copy: a write may replace entries meanwhile
    else:
        result = store.query(_GRADES)
        if not isinstance(result, ox.QuerySolutions):
            raise TypeError("the grades query must give solutions")
        entities = described([(row["s"], row["p"], row["o"]) for row in result])
    return crosswalks(entities.values(), entities, min_rank)


def crosswalks(grades: Iterable[Entity], known: dict[str, Entity], min_rank: int) -> list[Crosswalk]:
    """The crosswalks among ``grades`` reaching ``min_rank`` (``known``: entities by IRI)."""
    found = []
    for grade in grades:
        scheme_iri = grade.iri_of(SKOS + "inScheme")
        if str(EV.Grade) not in grade.types or scheme_iri in (None, CERTAINTY_SCHEME):
            continue
        for match in (iri for p in _MATCHES for iri in grade.iris(p)):
            level = known.get(match)
            if level is None or level.iri_of(SKOS + "inScheme") != CERTAINTY_SCHEME:
                continue
            rank = level.string(str(EV.rank))
            if rank is None or int(rank) < min_rank:
                continue
            scheme = known.get(scheme_iri) if scheme_iri else None
            found.append(
                Crosswalk(
                    grade=grade.iri,
                    notation=grade.string(SKOS + "notation") or "",
                    scheme=(scheme.string(SKOS + "prefLabel") or "") if scheme else "",
                    certainty=level.string(SKOS + "notation") or "",
                    notes=tuple(sorted(text(n) for n in grade.all(SKOS + "editorialNote"))),
                )
            )
    return sorted(set(found), key=lambda w: (w.scheme, w.notation, w.grade))
