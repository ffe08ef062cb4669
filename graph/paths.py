"""Where the project's RDF data lives: ontology, shapes and bundled content.

``ontology/`` and ``shapes/`` are data, not code; they are found through these constants only.
In a checkout (``make install`` installs it in editable mode) they are the top-level folders; an
installed package carries them as ``graph/data/ontology`` and ``graph/data/shapes``.
"""

from importlib.resources import files
from pathlib import Path

PACKAGE_DIR = Path(str(files("graph")))
PROJECT_ROOT = PACKAGE_DIR.parent


def _data_dir(name: str) -> Path:
    """``name`` at the top of the checkout, else inside the installed package."""
    checkout = PROJECT_ROOT / name
    in_checkout = (PROJECT_ROOT / "pyproject.toml").is_file() and checkout.is_dir()
    return checkout if in_checkout else PACKAGE_DIR / "data" / name


ONTOLOGY_DIR = _data_dir("ontology")
SHAPES_DIR = _data_dir("shapes")
CONTENT_DIR = PACKAGE_DIR / "content"


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
