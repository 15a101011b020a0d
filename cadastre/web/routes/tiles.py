"""/tiles/{z}/{x}/{y}.pbf: parcel vector tiles (Mapbox Vector Tile, EPSG:3857), cached."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from cadastre.web.errors import WebError
from cadastre.web.models import Problem
from cadastre.web.routes.params import encoded_response

router = APIRouter(prefix="/tiles", tags=["tiles"])
MVT = "application/vnd.mapbox-vector-tile"
MAX_ZOOM = 22


@router.get(
    "/{z}/{x}/{y}.pbf",
    response_class=Response,
    responses={200: {"content": {MVT: {}}, "description": "A vector tile (may be empty)"},
               400: {"model": Problem}, 422: {"model": Problem}, 429: {"model": Problem}},
    summary="A vector tile of parcels and commune boundaries",
)
async def tile(
    request: Request,
    z: Annotated[int, Path(ge=0, le=MAX_ZOOM, description="Zoom")],
    x: Annotated[int, Path(ge=0, le=(1 << MAX_ZOOM) - 1, description="Column")],
    y: Annotated[int, Path(ge=0, le=(1 << MAX_ZOOM) - 1, description="Row")],
) -> Response:
    """Layers `parcels` (from zoom 15: ref, number, land_use, color, status) and `communes`."""
    if x >= 1 << z or y >= 1 << z:
        raise WebError(400, "tile_out_of_range", z=z, x=x, y=y, max=(1 << z) - 1)
    tile = await request.app.state.register.tile(z, x, y)
    max_age = request.app.state.settings.tile_max_age
    return encoded_response(request, tile, MVT, f"public, max-age={max_age}")
