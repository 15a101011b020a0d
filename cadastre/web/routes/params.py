"""Request parameters shared by the routes, each validated where it is declared."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request
from starlette.convertors import Convertor, register_url_convertor

from cadastre.web.i18n import language
from cadastre.web.register import PublicRegister

MAX_PARCEL_NUMBER = 2_147_483_647  # the register stores parcel numbers as integers
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


# Path convertors for routes that take only well-formed identities (see routes/parcels.py).
register_url_convertor("commune", WellFormedCommune())
register_url_convertor("sheet", WellFormedSheet())
register_url_convertor("parcel_number", WellFormedNumber())


def public_register(request: Request) -> PublicRegister:
    """The application's public register (with its caches)."""
    return request.app.state.register


def page_language(request: Request, lang: str | None) -> str:
    """The page's language: ?lang=, else the cookie, else Vietnamese."""
    return language(lang or request.cookies.get("lang"))
