"""``/health``: is the store up, how much does it hold, which version is served.

Anyone may ask, so the answer says only that: no address of the store, no error text (those go
to the server's log). It never waits on the event loop: the counts come from a worker thread of
its own, within the store's timeout, so a hung store makes ``/health`` answer 503, not hang, and
requests to the other routes go on meanwhile.
"""

from __future__ import annotations

import logging
from typing import Literal

import anyio
import anyio.to_thread
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from graph import __version__
from graph.remote import StoreUnavailableError
from graph.store import Store

router = APIRouter(tags=["health"])
logger = logging.getLogger(__name__)

#: Health checks waiting on the store at once; more answer 503 at once (the store is slow).
CHECKS = 4


class Health(BaseModel):
    """The answer of ``/health``."""

    status: Literal["ok", "unavailable"]
    store: Literal["embedded", "sparql"]
    triples: int | None
    graphs: int | None
    version: str


@router.get(
    "/health",
    response_model=Health,
    summary="Is the store up, with its size and the version",
    responses={503: {"model": Health, "description": "The store does not answer."}},
)
async def health(request: Request) -> Health | JSONResponse:
    """Say that the store answers, with its quad and graph counts and the version (503 if not)."""
    store: Store = request.app.state.store
    kind: Literal["embedded", "sparql"] = "sparql" if store.kind() == "sparql" else "embedded"
    timeout = float(getattr(request.app.state.settings, "store_timeout", 5.0)) + 1.0
    checks: anyio.CapacityLimiter = request.app.state.health_checks
    counts: tuple[int, int] | None = None
    if checks.borrowed_tokens < checks.total_tokens:
        with anyio.move_on_after(timeout):
            try:
                counts = await anyio.to_thread.run_sync(store.counts, limiter=checks, abandon_on_cancel=True)
            except StoreUnavailableError as error:
                logger.warning("/health: %s", error)
    if counts is None:
        down = Health(status="unavailable", store=kind, triples=None, graphs=None, version=__version__)
        return JSONResponse(status_code=503, content=down.model_dump())
    return Health(status="ok", store=kind, triples=counts[0], graphs=counts[1], version=__version__)
