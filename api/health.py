"""``/health``: is the store reachable, how much does it hold, which content version is served."""

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from api.deps import StoreDep
from graph import __version__
from graph.remote import StoreUnavailableError

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """The answer of ``/health``."""

    status: Literal["ok", "unavailable"]
    store: str
    triples: int | None
    graphs: int | None
    version: str
    detail: str | None = None


@router.get(
    "/health",
    response_model=Health,
    summary="Store reachability and size",
    responses={503: {"model": Health, "description": "The store does not answer."}},
)
def health(store: StoreDep) -> Health | JSONResponse:
    """Report that the store answers, with its quad count and the content version (503 if not)."""
    try:
        triples, graphs = len(store), len(store.graphs())
    except StoreUnavailableError as error:
        down = Health(
            status="unavailable",
            store=store.describe_backend(),
            triples=None,
            graphs=None,
            version=__version__,
            detail=str(error),
        )
        return JSONResponse(status_code=503, content=down.model_dump())
    return Health(
        status="ok", store=store.describe_backend(), triples=triples, graphs=graphs, version=__version__
    )
