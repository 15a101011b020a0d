"""Response models of the JSON API (they document it in the OpenAPI page, and tests check
every response against them)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class Commune(BaseModel):
    """A commune or ward."""

    code: str = Field(examples=["91001"])
    name: str = Field(examples=["Phường Mẫu 1"])
    in_force: bool
    replaced_by: str | None = None
    bbox: list[float] | None = Field(
        default=None, description="Extent in WGS 84: [west, south, east, north]"
    )


class CommuneRef(BaseModel):
    """A parcel's commune."""

    code: str
    name: str


class OldIdentifier(BaseModel):
    """An identity the parcel bore before (commune merger, renumbering)."""

    commune_code: str
    sheet_number: str
    parcel_number: int
    until: dt.date | None = None


class LandUse(BaseModel):
    """One land-use purpose of a parcel with its area, form and term."""

    code: str = Field(examples=["ODT"])
    name: str | None = Field(default=None, examples=["Đất ở tại đô thị"])
    area: float
    form: str | None = None
    form_vi: str | None = None
    form_en: str | None = None
    term_end: dt.date | None = Field(default=None, description="null: long-term (lâu dài)")


class CertificateState(BaseModel):
    """Whether a certificate (GCN) is in force for the parcel."""

    issued: bool
    issued_on: dt.date | None = None


class Holder(BaseModel):
    """A land user, masked: never a full name."""

    name: str = Field(examples=["B*** V*** K***"])
    kind: str = Field(examples=["individual"])
    share: str = Field(examples=["1/2"])


class Restriction(BaseModel):
    """An open restriction (mortgage, seizure, dispute, planning reservation, corridor)."""

    kind: str
    name_vi: str
    name_en: str
    since: dt.date


class DossierInProgress(BaseModel):
    """A dossier received and not yet decided."""

    kind: str
    name_vi: str
    name_en: str
    received_on: dt.date


class RelatedParcel(BaseModel):
    """A parcel linked by a split, merge or re-survey."""

    ref: str
    status: str | None = None
    kind: str | None = None


class Retirement(BaseModel):
    """How and when a parcel stopped existing, and what replaced it."""

    on: dt.date | None = None
    kind: str
    name_vi: str
    name_en: str
    replaced_by: list[RelatedParcel]


class TimelineEntry(BaseModel):
    """One registered change: its kind and date (never names or numbers)."""

    on: dt.date | None = None
    kind: str
    name_vi: str
    name_en: str


class Location(BaseModel):
    """Where the parcel is (WGS 84)."""

    lon: float
    lat: float
    bbox: list[float] = Field(description="[west, south, east, north]")


class Parcel(BaseModel):
    """Everything public about one parcel."""

    ref: str = Field(examples=["91001/1/5"], description="commune/sheet/number")
    commune: CommuneRef
    sheet: str
    number: int
    status: str = Field(description="current or retired")
    status_codes: list[str] = Field(
        description="registered, dossier_in_progress, acquisition, mortgaged, seized, disputed, "
        "planning, corridor; or retired"
    )
    legal_area: float = Field(description="Registered area, m²")
    address: str | None = None
    old_identifiers: list[OldIdentifier]
    land_uses: list[LandUse]
    certificate: CertificateState
    holders: list[Holder]
    restrictions: list[Restriction]
    dossiers_in_progress: list[DossierInProgress]
    retired: Retirement | None = None
    made_from: list[RelatedParcel]
    timeline: list[TimelineEntry]
    location: Location
    geometry: dict = Field(description="GeoJSON MultiPolygon in WGS 84")
    changed_at: dt.datetime


class Certificate(BaseModel):
    """A certificate found by its serial (never its holders)."""

    serial: str = Field(examples=["BK000123"])
    issued_on: dt.date
    cancelled_on: dt.date | None = None
    in_force: bool
    replaced_by: str | None = None
    parcels: list[str] = Field(description="Identities (commune/sheet/number) it covers")


class SearchHit(BaseModel):
    """A current parcel found by address."""

    ref: str
    address: str | None
    commune_name: str
    status_codes: list[str]


class PointHit(BaseModel):
    """The parcel under a point."""

    ref: str


class Problem(BaseModel):
    """An error: what is wrong, in Vietnamese and English."""

    status: int
    message: str = Field(description="Vietnamese / English")
    message_vi: str
    message_en: str
    errors: list[dict] = Field(default_factory=list, description="Each bad parameter")
