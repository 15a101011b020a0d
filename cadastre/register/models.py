"""GeoAlchemy2 mappings of the register's tables, for reading (writes go through SQL functions)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import BigInteger, Boolean, Date, ForeignKey, Integer, Numeric, Text
from sqlalchemy.dialects.postgresql import DATERANGE, JSONB, TSTZRANGE
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    """Declarative base of the register's read models (schema `cadastre`)."""


SCHEMA: dict[str, str] = {"schema": "cadastre"}


class Dossier(Base):
    """A registration dossier (hồ sơ)."""

    __tablename__ = "dossier"
    __table_args__ = SCHEMA

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    number: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text)
    received_on: Mapped[dt.date] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(Text)
    officer: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str | None] = mapped_column(Text)
    commune_code: Mapped[str | None] = mapped_column(Text)
    opened_by: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(Text)
    self_decided: Mapped[bool] = mapped_column(Boolean)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_by: Mapped[str | None] = mapped_column(Text)


class Parcel(Base):
    """The latest version of a parcel (current or retired)."""

    __tablename__ = "parcel"
    __table_args__ = SCHEMA

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    commune_code: Mapped[str] = mapped_column(Text)
    sheet_number: Mapped[str] = mapped_column(Text)
    parcel_number: Mapped[int] = mapped_column(Integer)
    geom: Mapped[Any] = mapped_column(Geometry("MULTIPOLYGON"))
    legal_area: Mapped[float] = mapped_column(Numeric(14, 1))
    land_uses: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    address: Mapped[str | None] = mapped_column(Text)
    old_identifiers: Mapped[list[dict[str, Any]]] = mapped_column(JSONB)
    status: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("cadastre.dossier.id"))
    sys_period: Mapped[Any] = mapped_column(TSTZRANGE)


class Party(Base):
    """A party (person, household, couple, organisation, the State) without personal data."""

    __tablename__ = "party"
    __table_args__ = SCHEMA

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)


class Rrr(Base):
    """A right, restriction or responsibility on a parcel."""

    __tablename__ = "rrr"
    __table_args__ = SCHEMA

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    kind: Mapped[str] = mapped_column(Text)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("cadastre.parcel.id"))
    valid: Mapped[Any] = mapped_column(DATERANGE)
    creditor_id: Mapped[int | None] = mapped_column(ForeignKey("cadastre.party.id"))
    dossier_id: Mapped[int] = mapped_column(ForeignKey("cadastre.dossier.id"))


class Certificate(Base):
    """A land-use right certificate (GCN)."""

    __tablename__ = "certificate"
    __table_args__ = SCHEMA

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    serial: Mapped[str] = mapped_column(Text)
    book_number: Mapped[str] = mapped_column(Text)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    cancelled_on: Mapped[dt.date | None] = mapped_column(Date)
