"""``/health``: is the store reachable, how much does it hold, which content version is served."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import StoreDep
from graph import __version__

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The answer of ``/health``."""

    status: Literal["ok"]
    store: str
    triples: int
    graphs: int
    version: str


@router.get("/health", response_model=Health, summary="Store reachability and size")
def health(store: StoreDep) -> Health:
    """Report that the store answers, with its quad count and the content version."""
    return Health(
        status="ok",
        store="oxigraph (on disk)" if store.path else "oxigraph (in memory)",
        triples=len(store),
        graphs=len(store.graphs()),
        version=__version__,
    )
