"""/api/communes: the commune picker (names matched with or without accents)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request

from cadastre.web.models import Commune, Problem
from cadastre.web.routes.params import public_register, reject_control_characters

router = APIRouter(prefix="/api/communes", tags=["communes"],
                   dependencies=[Depends(reject_control_characters)])


@router.get("", response_model=list[Commune],
            responses={422: {"model": Problem}, 429: {"model": Problem}},
            summary="Communes and wards, optionally filtered")
async def list_communes(
    request: Request,
    q: Annotated[str | None, Query(max_length=100,
                                   description="Code prefix or part of the name")] = None,
) -> list[Commune]:
    """Communes whose code starts with `q` or whose name contains it (accents ignored)."""
    found = await public_register(request).find_communes(q)
    return [Commune(**{k: v for k, v in c.items() if k != "folded"}) for c in found]
