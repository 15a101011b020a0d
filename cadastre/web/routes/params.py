"""Request parameters shared by the routes, each validated where it is declared."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import Path, Query, Request
from fastapi.responses import Response
from starlette.convertors import Convertor, register_url_convertor

from cadastre.web.errors import WebError
from cadastre.web.i18n import FIELDS, language
from cadastre.web.middleware import accepts_gzip
from cadastre.web.register import Encoded, PublicRegister

MAX_PARCEL_NUMBER = 2_147_483_647  # the register stores parcel numbers as integers
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
COMMUNE_CODE = r"^[0-9]{5}$"
SHEET = r"^[0-9A-Za-z.\-]{1,16}$"
SERIAL = r"^[A-Za-z]{2}[0-9]{6}$"

CommuneCode = Annotated[
    str, Path(pattern=COMMUNE_CODE, description="Commune code, 5 digits", examples=["91001"])
]
Sheet = Annotated[
    str,
    Path(pattern=SHEET, max_length=16, description="Map sheet number", examples=["1"]),
]
Number = Annotated[
    int, Path(ge=1, le=MAX_PARCEL_NUMBER, description="Parcel number", examples=[5])
]
Serial = Annotated[
    str,
    Path(pattern=SERIAL, max_length=8, description="Certificate serial", examples=["BK000001"]),
]
Lang = Annotated[
    str | None, Query(pattern=r"^(vi|en)$", description="Language of the page: vi or en")
]


class _Text(Convertor[str]):
    """A path segment matched by `regex`, passed on as text."""

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


class WellFormedCommune(_Text):
    regex = COMMUNE_CODE.strip("^$")


class WellFormedSheet(_Text):
    regex = SHEET.strip("^$")


class WellFormedNumber(Convertor[int]):
    """1 to 999,999,999 written plainly: nine digits stay below MAX_PARCEL_NUMBER (2^31 - 1),
    so no range check is needed; longer numbers go to the validating route."""

    regex = "[1-9][0-9]{0,8}"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(value)


def register_convertors() -> None:
    """Make the path convertors of well-formed identities known to Starlette (a registry
    of its own, shared by the process): {commune:commune}, {sheet:sheet},
    {number:parcel_number} (see routes/parcels.py). Called by create_app before any route
    that uses them is added; registering again changes nothing."""
    register_url_convertor("commune", WellFormedCommune())
    register_url_convertor("sheet", WellFormedSheet())
    register_url_convertor("parcel_number", WellFormedNumber())


def public_register(request: Request) -> PublicRegister:
    """The application's public register (with its caches)."""
    return request.app.state.register


def page_language(request: Request, lang: str | None) -> str:
    """The page's language: ?lang=, else the cookie, else Vietnamese."""
    return language(lang or request.cookies.get("lang"))


def reject_control_characters(request: Request) -> None:
    """A router dependency: text with a control character (NUL above all, which PostgreSQL
    refuses) is a 422 naming the parameter, in Vietnamese and English."""
    for name, value in request.query_params.multi_items():
        if CONTROL.search(value):
            field = FIELDS.get(name, {"vi": name, "en": name})
            raise WebError(422, "control_characters", field_vi=field["vi"], field_en=field["en"])


def encoded_response(request: Request, answer: Encoded, media_type: str,
                     cache_control: str) -> Response:
    """A cached answer as sent: gzipped (compressed once, kept in the cache) when the client
    accepts it and it is worth it, else as it is."""
    headers = {"cache-control": cache_control, "vary": "Accept-Encoding"}
    if answer.worth_compressing() and accepts_gzip(request.scope["headers"]):
        headers["content-encoding"] = "gzip"
        return Response(answer.gzipped(), media_type=media_type, headers=headers)
    return Response(answer.body, media_type=media_type, headers=headers)
