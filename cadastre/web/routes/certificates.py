"""/api/certificates: a certificate (GCN) by serial, with the parcels it covers."""

from __future__ import annotations

from fastapi import APIRouter, Request

from cadastre.web.models import Certificate, Problem
from cadastre.web.routes.params import Serial, public_register

router = APIRouter(prefix="/api/certificates", tags=["certificates"])


@router.get("/{serial}", response_model=Certificate,
            responses={404: {"model": Problem}, 422: {"model": Problem},
                       429: {"model": Problem}},
            summary="A certificate by serial")
async def certificate(request: Request, serial: Serial) -> Certificate:
    """Issue and cancellation dates, replacement and parcels of a certificate (no holders)."""
    return Certificate(**await public_register(request).certificate(serial.upper()))
