"""/api/addresses: current parcels by address text (accents and case ignored)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from cadastre.web.models import Problem, SearchHit
from cadastre.web.routes.params import public_register, reject_control_characters

router = APIRouter(prefix="/api/addresses", tags=["addresses"],
                   dependencies=[Depends(reject_control_characters)])


@router.get("", response_model=list[SearchHit],
            responses={422: {"model": Problem}, 429: {"model": Problem}},
            summary="Parcels whose address contains every word")
async def search_addresses(
    request: Request,
    response: Response,
    q: Annotated[str, Query(min_length=1, max_length=100,
                            description="Address words, e.g. 15 ngo 24 hang dao")],
    limit: Annotated[int, Query(ge=1, le=100, description="At most this many")] = 20,
) -> list[SearchHit]:
    """Current parcels whose address contains every word of `q` (at most 8 words); a number
    matches a whole number. When some parcels stand at exactly the numbers asked (`Số 4 phố
    Hàng Bạc`: number 4, not 14 nor ngõ 4), only they are answered. Ordered by street, then
    house number in numeric order. Header `X-More-Results: true` says there are more than
    `limit`: refine the search."""
    hits, more = await public_register(request).search(q, limit)
    response.headers["x-more-results"] = "true" if more else "false"
    return [SearchHit(**hit) for hit in hits]
