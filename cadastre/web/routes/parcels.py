"""/api/parcels: a parcel's public document by identity, by a commune name, or by a point."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from cadastre.web.models import Parcel, PointHit, Problem
from cadastre.web.register import ParcelAnswer
from cadastre.web.routes.params import (
    MAX_PARCEL_NUMBER,
    SHEET,
    CommuneCode,
    Number,
    Sheet,
    encoded_response,
    public_register,
    reject_control_characters,
)

router = APIRouter(prefix="/api/parcels", tags=["parcels"],
                   dependencies=[Depends(reject_control_characters)])
ERRORS: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such parcel"},
    422: {"model": Problem, "description": "A parameter is malformed"},
    429: {"model": Problem, "description": "Too many requests"},
}
CACHE_CONTROL = "public, max-age=30"


def document_response(request: Request, answer: ParcelAnswer) -> Response:
    """A parcel document as sent: the JSON the database wrote (gzipped if accepted)."""
    return encoded_response(request, answer, "application/json", CACHE_CONTROL)


@router.get("/at", response_model=PointHit, responses=ERRORS,
            summary="The parcel under a point (WGS 84)")
async def parcel_at(
    request: Request,
    lon: Annotated[float, Query(ge=-180, le=180, description="Longitude, degrees")],
    lat: Annotated[float, Query(ge=-85, le=85, description="Latitude, degrees")],
) -> PointHit:
    """Identity of the current parcel at a point: what a click on the map asks."""
    return PointHit(ref=await public_register(request).parcel_at(lon, lat))


@router.get("", response_model=Parcel, responses=ERRORS | {409: {"model": Problem}},
            summary="A parcel by commune (code or name), sheet and number")
async def find_parcel(
    request: Request,
    commune: Annotated[str, Query(min_length=1, max_length=100,
                                  description="Commune code or name, with or without accents")],
    sheet: Annotated[str, Query(pattern=SHEET, max_length=16, description="Map sheet")],
    number: Annotated[int, Query(ge=1, le=MAX_PARCEL_NUMBER, description="Parcel number")],
) -> Response:
    """Like /api/parcels/{commune}/{sheet}/{number}, with the commune given by name."""
    register = public_register(request)
    code = await register.resolve_commune(commune)
    return document_response(request, await register.parcel(code, sheet, number))


async def well_formed_parcel(request: Request) -> Response:
    """The look-up of a well-formed identity, as `parcel` answers it.

    The citizens' look-up is the busiest request: this plain route, matched first
    (WELL_FORMED_PATH), takes the
    identities that path convertors already prove well-formed (5-digit commune, sheet, number
    up to 999,999,999), so no per-request parameter model runs. Anything else falls through
    to `parcel`, which validates, names the bad parameter and is the one documented."""
    found = request.path_params
    answer = await request.app.state.register.parcel(
        found["commune"], found["sheet"], found["number"])
    return document_response(request, answer)



# Registered on the application ahead of every router (cadastre.web.app.create_app).
WELL_FORMED_PATH = "/api/parcels/{commune:commune}/{sheet:sheet}/{number:parcel_number}"


@router.get("/{commune}/{sheet}/{number}", response_model=Parcel, responses=ERRORS,
            summary="A parcel by identity")
async def parcel(request: Request, commune: CommuneCode, sheet: Sheet,
                 number: Number) -> Response:
    """Everything public about the parcel bearing this identity: current, else the last
    retired one, else the parcel that bore it as an old identifier."""
    answer = await request.app.state.register.parcel(commune, sheet, number)
    return document_response(request, answer)
