"""Where the material that is not the project's lies: the seed's printed text and the public datasets.

Beside a checkout of the project there may be a folder ``shared/`` (``../shared``) holding both; a
user's clone has none. A setting names each elsewhere. Tests that need them skip, saying where they
looked and which setting to give; benchmarks say so and measure nothing.
"""

from __future__ import annotations

import os
from pathlib import Path

#: ``shared/`` beside the checkout.
BESIDE = Path(__file__).resolve().parents[2] / "shared"

#: The seed's printed text: EVIDENCE_GRAPH_SEED, else ``shared/seed/`` beside the checkout.
SEED = Path(os.environ.get("EVIDENCE_GRAPH_SEED") or BESIDE / "seed" / "azathioprine-dermatology.txt")
#: The public datasets (PharmacotherapyDB, DrugCentral): EVIDENCE_GRAPH_DATASETS, else ``shared/data/``.
DATASETS = Path(os.environ.get("EVIDENCE_GRAPH_DATASETS") or BESIDE / "data")


def absent(path: Path, what: str, setting: str) -> str:
    """Why a test of ``what`` does not run where ``path`` is missing, and how to make it run."""
    return (
        f"no {what} at {path}: a clone without ../shared beside it has none "
        f"(set {setting} to its path to run this)"
    )
