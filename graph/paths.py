"""Where the project's RDF data lives: ontology, shapes and bundled content.

``ontology/`` and ``shapes/`` are data, not code; they are found through these constants only.
The project is installed in editable mode (``make install``), so they resolve inside the checkout.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = PROJECT_ROOT / "ontology"
SHAPES_DIR = PROJECT_ROOT / "shapes"
CONTENT_DIR = Path(__file__).resolve().parent / "content"
QUERIES_DIR = Path(__file__).resolve().parent / "queries"


#: Ontology and shapes files added at start-up with the kinds they describe (graph.kinds.add_kind).
ADDED_ONTOLOGY: list[Path] = []
ADDED_SHAPES: list[Path] = []


def ontology_files() -> list[Path]:
    """The ontology's Turtle files, in a stable order (added ones last)."""
    return sorted(ONTOLOGY_DIR.glob("*.ttl")) + ADDED_ONTOLOGY


def shapes_files() -> list[Path]:
    """The SHACL shapes' Turtle files, in a stable order (added ones last)."""
    return sorted(SHAPES_DIR.glob("*.ttl")) + ADDED_SHAPES


def content_files() -> list[Path]:
    """The bundled curated content (one file per source document), in a stable order."""
    return sorted(CONTENT_DIR.glob("*.ttl"))
