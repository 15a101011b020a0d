"""/api/analyst/parcels.{format}: exports for analysts, as their own database role.

Unlike every other route, this one does not use the public role: the analyst logs in with
HTTP Basic as a database role that must belong to cadastre_analyst (or cadastre_admin), and
the export runs on a connection of that role, so the database decides what it may read
(cadastre.web.logins).
Personal ID data is never exported through the web.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path as FilePath
from typing import Annotated

import psycopg2
from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse
from fastapi.security import HTTPBasicCredentials
from pydantic import StringConstraints
from starlette.background import BackgroundTask

from cadastre.errors import CadastreError
from cadastre.export import ExportRequest, export_parcels
from cadastre.web.errors import WebError
from cadastre.web.logins import basic, role_connection
from cadastre.web.models import Problem
from cadastre.web.routes.params import COMMUNE_CODE, reject_control_characters

router = APIRouter(prefix="/api/analyst", tags=["analysts"],
                   dependencies=[Depends(reject_control_characters)])

# Formats offered over the web, and what the download is called and typed.
DOWNLOADS = {
    "gpkg": ("parcels.gpkg", "application/geopackage+sqlite3"),
    "geojson": ("parcels.geojson", "application/geo+json"),
    "fgb": ("parcels.fgb", "application/octet-stream"),
    "csv": ("parcels.csv", "text/csv"),
    "zip": ("parcels.zip", "application/zip"),  # ESRI Shapefile, zipped
}
ANALYST_GROUPS = ("cadastre_analyst", "cadastre_admin")
# One value of a repeatable filter (?commune=…&commune=…), each checked by FastAPI.
CommuneFilter = Annotated[str, StringConstraints(pattern=COMMUNE_CODE)]
LandUseFilter = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9]{1,6}$")]


def analyst_connection(
    request: Request, credentials: Annotated[HTTPBasicCredentials | None, Depends(basic)]
) -> Iterator[psycopg2.extensions.connection]:
    """A connection as the analyst's own role (closed after the request), or 401/403 naming
    what is missing."""
    yield from role_connection(request, credentials, ANALYST_GROUPS, "analyst_login",
                               "analyst_denied")


@router.get(
    "/parcels.{fmt}",
    responses={
        401: {"model": Problem},
        403: {"model": Problem},
        400: {"model": Problem, "description": "The register refused the export"},
        422: {"model": Problem, "description": "A parameter is malformed"},
    },
    summary="Export parcels (analysts)",
)
def export(
    fmt: Annotated[str, Path(pattern="^(gpkg|geojson|fgb|csv|zip)$", description="Format")],
    conn: Annotated[psycopg2.extensions.connection, Depends(analyst_connection)],
    commune: Annotated[
        list[CommuneFilter], Query(description="Commune codes, 5 digits")
    ] = [],  # noqa: B006
    land_use: Annotated[
        list[LandUseFilter], Query(description="Land-use codes, e.g. ODT")
    ] = [],  # noqa: B006
    status: Annotated[str, Query(pattern="^(current|retired|all)$")] = "current",
    as_of: Annotated[
        dt.date | None, Query(description="The register at the end of this day")
    ] = None,
    crs: Annotated[str, Query(pattern=r"^(tm3|utm|wgs84|EPSG:[0-9]{4,6})$")] = "tm3",
    with_holders: bool = False,
    with_rights: bool = False,
) -> FileResponse:
    """The register's parcels (optionally as of a date) in a GIS format, streamed by GDAL.

    Holder summaries and rights are available; ID numbers and other personal data are not.
    """
    name, media_type = DOWNLOADS[fmt]
    folder = FilePath(tempfile.mkdtemp(prefix="cadastre-export-"))
    request = ExportRequest(
        communes=tuple(commune),
        land_uses=tuple(code.upper() for code in land_use),
        status=status,
        as_of=as_of,
        crs=crs,
        with_holders=with_holders,
        with_rights=with_rights,
    )
    try:
        result = export_parcels(folder / name, request, connection=conn)
    except CadastreError as exc:
        shutil.rmtree(folder, ignore_errors=True)
        raise WebError(400, "export_refused", reason=exc.message) from exc
    return FileResponse(
        result.path,
        media_type=media_type,
        filename=name,
        headers={"X-Parcel-Count": str(result.count), "Cache-Control": "no-store"},
        background=BackgroundTask(shutil.rmtree, folder, ignore_errors=True),
    )
