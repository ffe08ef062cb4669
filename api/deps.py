"""FastAPI dependencies, declared once as ``Annotated`` aliases."""

from typing import Annotated

from fastapi import Depends, Request

from graph.store import EvidenceStore


def get_store(request: Request) -> EvidenceStore:
    """The store opened by the app's lifespan."""
    store: EvidenceStore = request.app.state.store
    return store


StoreDep = Annotated[EvidenceStore, Depends(get_store)]
