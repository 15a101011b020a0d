"""/api/addresses: current parcels by address text (accents and case ignored)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from cadastre.web.models import Problem, SearchHit
from cadastre.web.routes.params import public_register

router = APIRouter(prefix="/api/addresses", tags=["addresses"])


@router.get("", response_model=list[SearchHit],
            responses={422: {"model": Problem}, 429: {"model": Problem}},
            summary="Parcels whose address contains every word")
async def search_addresses(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=100,
                            description="Address words, e.g. 15 ngo 24 hang dao")],
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many")] = 20,
) -> list[SearchHit]:
    """Current parcels whose address contains every word of `q` (at most 8 words)."""
    hits = await public_register(request).search(q, limit)
    return [SearchHit(**hit) for hit in hits]
