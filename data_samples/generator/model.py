"""Data contract of the generated sample: small frozen records the loader reads."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from shapely import Polygon

LandUse = tuple[str, float]
"""A land-use purpose code (Thông tư 27/2018) and its area in m² (one decimal)."""

Share = tuple[str, int, int]
"""A holder's party key and share as numerator/denominator; a right's shares sum to 1."""

PARTY_KINDS = ("individual", "household", "couple", "organisation", "state")
DOSSIER_KINDS = (
    "first_registration",
    "sale",
    "gift",
    "inheritance",
    "mortgage",
    "mortgage_release",
    "split",
    "merge",
    "resurvey",
    "land_use_change",
)
LAND_USE_FORMS = {
    "CNQ": "Công nhận quyền sử dụng đất như giao đất có thu tiền sử dụng đất",
    "GCT": "Nhà nước giao đất có thu tiền sử dụng đất",
    "GKT": "Nhà nước giao đất không thu tiền sử dụng đất",
    "THN": "Nhà nước cho thuê đất trả tiền thuê đất hàng năm",
    "TMT": "Nhà nước cho thuê đất trả tiền thuê đất một lần cho cả thời gian thuê",
}


@dataclass(frozen=True, slots=True)
class Commune:
    """A ward (phường) with its synthetic 5-digit code and exact boundary."""

    code: str
    name: str
    province_code: str
    boundary: Polygon


@dataclass(frozen=True, slots=True)
class Sheet:
    """A 1:500 cadastral map sheet: a 250 m × 250 m frame numbered per commune."""

    commune_code: str
    number: int
    scale: int
    footprint: Polygon


@dataclass(frozen=True, slots=True)
class Parcel:
    """One version of a parcel (thửa đất); identity is (commune, sheet, parcel number)."""

    key: str
    commune_code: str
    sheet_number: int
    parcel_number: int
    geometry: Polygon
    land_uses: tuple[LandUse, ...]
    registered_area: float
    address: str
    land_use_form: str
    term_end: date | None


@dataclass(frozen=True, slots=True)
class Party:
    """A person, group of persons, organisation or the State; personal data only for persons."""

    key: str
    kind: str
    name: str
    members: tuple[str, ...] = ()
    id_number: str | None = None
    birth_date: date | None = None
    gender: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Right:
    """A land-use right on one parcel held by one or more parties with exact shares."""

    key: str
    parcel_key: str
    kind: str
    holders: tuple[Share, ...]
    valid_from: date
    dossier_key: str


@dataclass(frozen=True, slots=True)
class Certificate:
    """A land-use right certificate (GCN): serial, book entry, parcels covered and holders."""

    serial: str
    book_number: str
    issued: date
    parcel_keys: tuple[str, ...]
    holder_keys: tuple[str, ...]
    dossier_key: str


@dataclass(frozen=True, slots=True)
class Mortgage:
    """A mortgage restriction registered on parcels in favour of a creditor bank."""

    key: str
    parcel_keys: tuple[str, ...]
    creditor_key: str
    amount_vnd: int
    valid_from: date
    dossier_key: str


@dataclass(frozen=True, slots=True)
class Dossier:
    """A registration dossier (hồ sơ) and everything the register must apply when approved.

    first_registration dossiers carry only their header and parcel_keys: what they register
    is in Ward.parcels, Ward.rights and Ward.certificates (each row names its dossier_key).
    Event dossiers carry their full consequences in the tuple fields below.
    """

    key: str
    number: str
    kind: str
    received: date
    decided: date
    parcel_keys: tuple[str, ...]
    new_parcels: tuple[Parcel, ...] = ()
    retired_parcel_keys: tuple[str, ...] = ()
    revised_parcels: tuple[Parcel, ...] = ()
    new_rights: tuple[Right, ...] = ()
    ended_right_keys: tuple[str, ...] = ()
    certificates: tuple[Certificate, ...] = ()
    cancelled_serials: tuple[str, ...] = ()
    mortgage: Mortgage | None = None
    released_mortgage_key: str | None = None


@dataclass(slots=True)
class Ward:
    """A generated sample: communes, sheets, first registration and the later dossiers."""

    seed: int
    requested_parcels: int
    communes: list[Commune] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    parcels: list[Parcel] = field(default_factory=list)
    parties: list[Party] = field(default_factory=list)
    rights: list[Right] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    dossiers: list[Dossier] = field(default_factory=list)

    def event_dossiers(self) -> Iterator[Dossier]:
        """Yield the dossiers after first registration, in decision order."""
        return (d for d in self.dossiers if d.kind != "first_registration")
