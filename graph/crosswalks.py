"""Crosswalks between grading scales, and the caveats the curators wrote on them.

A claim graded on another scale meets a GRADE certainty filter through its grade's crosswalk
(``skos:closeMatch`` or ``skos:broadMatch`` to a GRADE certainty level). Those crosswalks are
the curators' mappings, not the scales' own, and some carry a caveat in the grade's
``skos:editorialNote`` (a heading that also holds anecdotal evidence, say). A filter that
followed them says so, with the caveats: the answer is not silently an equivalence.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from graph.store import Store, text


@dataclass(frozen=True)
class Crosswalk:
    """A grade of another scale counted as a GRADE certainty level."""

    grade: str
    notation: str
    scheme: str
    certainty: str
    notes: tuple[str, ...]


_CROSSWALKS = """SELECT ?grade ?notation ?schemeLabel ?certaintyNotation ?note WHERE {
  ?grade skos:closeMatch|skos:broadMatch ?certainty .
  ?certainty skos:inScheme grade:grade-certainty ; ev:rank ?rank ; skos:notation ?certaintyNotation .
  FILTER(?rank >= %s)
  ?grade skos:notation ?notation ; skos:inScheme ?scheme .
  FILTER(?scheme != grade:grade-certainty)
  FILTER EXISTS { ?claim ev:evidenceGrade ?grade }
  OPTIONAL { ?scheme skos:prefLabel ?schemeLabel }
  OPTIONAL { ?grade skos:editorialNote ?note }
}"""


def certainty_crosswalks(store: Store, min_rank: int) -> list[Crosswalk]:
    """The graded claims' grades of other scales whose crosswalk reaches certainty ``min_rank``.

    In scheme, then notation order; each with the curators' notes on it.
    """
    heads: dict[str, tuple[str, str, str]] = {}
    notes: dict[str, set[str]] = {}
    for row in store.select(_CROSSWALKS % ox.Literal(int(min_rank))):
        grade, note, scheme = row.get("grade"), row.get("note"), row.get("schemeLabel")
        if not isinstance(grade, ox.NamedNode):
            continue
        heads.setdefault(
            grade.value,
            (text(row["notation"]), "" if scheme is None else text(scheme), text(row["certaintyNotation"])),
        )
        notes.setdefault(grade.value, set()).update([] if note is None else [text(note)])
    walks = [
        Crosswalk(grade=iri, notation=n, scheme=s, certainty=c, notes=tuple(sorted(notes[iri])))
        for iri, (n, s, c) in heads.items()
    ]
    return sorted(walks, key=lambda w: (w.scheme, w.notation, w.grade))
