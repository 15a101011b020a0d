"""The register's service layer: each function calls one SQL operation or query.

Rules are not re-implemented here: the database checks them and its refusals are passed on
to the user as CadastreError with the message and hint the SQL wrote.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from geoalchemy2.shape import to_shape
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from cadastre.db.connection import user_error
from cadastre.register.models import Certificate, Dossier, Parcel
from cadastre.register.refs import ParcelRef


@contextmanager
def unit_of_work(engine: Engine, clock: dt.datetime | None = None) -> Iterator[Session]:
    """One transaction: committed when the block succeeds, rolled back on any error.

    A database refusal becomes a CadastreError carrying the rule's own message and hint.
    """
    session = Session(engine)
    try:
        if clock is not None:
            session.execute(text("SELECT cadastre.set_clock(:t)"), {"t": clock})
        yield session
        session.commit()
    except DBAPIError as exc:
        session.rollback()
        raise user_error(exc) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def call(session: Session, function: str, **params: Any) -> Any:
    """SELECT cadastre.<function>(:a, :b, …) and return its single value."""
    arguments = ", ".join(f"{name} => :{name}" for name in params)
    return session.execute(text(f"SELECT cadastre.{function}({arguments})"), params).scalar()


# --- dossiers ---------------------------------------------------------------------------------


def open_dossier(
    session: Session,
    number: str,
    kind: str,
    received_on: dt.date,
    officer: str,
    legal_basis: str | None = None,
    commune_code: str | None = None,
) -> int:
    """Record a received dossier; returns its id."""
    return call(
        session,
        "open_dossier",
        p_number=number,
        p_kind=kind,
        p_received_on=received_on,
        p_officer=officer,
        p_legal_basis=legal_basis,
        p_commune_code=commune_code,
    )


def decide_dossier(session: Session, dossier_id: int, status: str, decided_on: dt.date) -> None:
    """Approve or reject a received dossier."""
    call(
        session, "decide_dossier", p_dossier_id=dossier_id, p_status=status, p_decided_on=decided_on
    )


def close_dossier(session: Session, dossier_id: int, closed_on: dt.date | None) -> None:
    """Close an approved dossier: nothing more is done under it."""
    call(session, "close_dossier", p_dossier_id=dossier_id, p_closed_on=closed_on)


def attach_parcels(session: Session, dossier_id: int, parcel_ids: Sequence[int]) -> None:
    """Record that a received dossier concerns these parcels: the public sees it in progress."""
    for parcel_id in parcel_ids:
        call(session, "add_dossier_parcel", p_dossier_id=dossier_id, p_parcel_id=parcel_id)


def get_dossier(session: Session, dossier_id: int) -> Dossier | None:
    """A dossier by id."""
    return session.get(Dossier, dossier_id)


def dossier_effects(session: Session, dossier_id: int) -> list[dict[str, Any]]:
    """What a dossier changed (parcels, rights, certificates)."""
    rows = session.execute(text("SELECT * FROM cadastre.dossier_effects(:d)"), {"d": dossier_id})
    return [dict(row._mapping) for row in rows]


# --- parties ------------------------------------------------------------------------------------


def add_party(
    session: Session,
    kind: str,
    name: str,
    members: Sequence[dict] | None = None,
    personal: dict | None = None,
) -> int:
    """Record a party; returns its id."""
    return call(
        session,
        "add_party",
        p_kind=kind,
        p_name=name,
        p_members=json.dumps(list(members)) if members else None,
        p_personal=json.dumps(personal, default=str) if personal else None,
    )


def change_party(
    session: Session,
    dossier_id: int,
    party_id: int,
    name: str | None = None,
    personal: dict | None = None,
) -> None:
    """Change a party's name or personal data within an approved dossier (history kept)."""
    call(
        session,
        "change_party",
        p_dossier_id=dossier_id,
        p_party_id=party_id,
        p_name=name,
        p_personal=json.dumps(personal, default=str) if personal else None,
    )


# --- operations ---------------------------------------------------------------------------------


def holders_json(holders: Sequence[tuple[int, str]]) -> str:
    """[(party_id, '1/2'), …] in the operations' JSON form."""
    return json.dumps([{"party_id": party, "share": share} for party, share in holders])


def transfer_right(
    session: Session,
    dossier_id: int,
    parcel_id: int,
    holders: Sequence[tuple[int, str]],
    effective: dt.date | None = None,
) -> int:
    """Transfer a parcel's land-use right to new holders; returns the new right's id."""
    return call(
        session,
        "transfer_right",
        p_dossier_id=dossier_id,
        p_parcel_id=parcel_id,
        p_holders=holders_json(holders),
        p_effective=effective,
    )


def register_restriction(
    session: Session,
    dossier_id: int,
    parcel_id: int,
    kind: str,
    party_id: int | None = None,
    amount: int | None = None,
    note: str | None = None,
) -> int:
    """Register a mortgage, seizure, dispute, planning reservation or corridor."""
    return call(
        session,
        "register_restriction",
        p_dossier_id=dossier_id,
        p_parcel_id=parcel_id,
        p_kind=kind,
        p_party_id=party_id,
        p_amount=amount,
        p_note=note,
    )


def release_restriction(
    session: Session, dossier_id: int, rrr_id: int, on: dt.date | None = None
) -> None:
    """End a restriction (mortgage release…)."""
    call(session, "release_restriction", p_dossier_id=dossier_id, p_rrr_id=rrr_id, p_on=on)


# --- queries ------------------------------------------------------------------------------------


def find_parcel(session: Session, ref: ParcelRef, at: dt.datetime | None = None) -> Parcel | None:
    """The parcel bearing an identity now (or at a past instant)."""
    if at is None:
        statement = (
            select(Parcel)
            .where(
                Parcel.commune_code == ref.commune,
                Parcel.sheet_number == ref.sheet,
                Parcel.parcel_number == ref.number,
            )
            .order_by(Parcel.status, Parcel.id.desc())
        )
        return session.scalars(statement).first()
    rows = (
        select(Parcel)
        .from_statement(text("SELECT * FROM cadastre.parcel_as_of(:c, :s, :n, :t)"))
        .params(c=ref.commune, s=ref.sheet, n=ref.number, t=at)
    )
    return session.scalars(rows).first()


@dataclass
class ParcelReport:
    """Everything an officer sees about a parcel at a date."""

    parcel: Parcel
    measured_area: float
    rights: list[dict[str, Any]] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    timeline: list[dict[str, Any]] = field(default_factory=list)
    genealogy: list[dict[str, Any]] = field(default_factory=list)


def parcel_report(
    session: Session, parcel: Parcel, legal_date: dt.date, known_at: dt.datetime | None = None
) -> ParcelReport:
    """Rights, certificates, timeline and genealogy of a parcel as of a legal date."""
    rights = session.execute(
        text("SELECT * FROM cadastre.rights_as_of(:p, :d, :t)"),
        {"p": parcel.id, "d": legal_date, "t": known_at},
    )
    certificates = session.scalars(
        select(Certificate)
        .from_statement(
            text(
                "SELECT c.* FROM cadastre.certificate AS c "
                "JOIN cadastre.certificate_parcel AS cp ON cp.certificate_id = c.id "
                "WHERE cp.parcel_id = :p ORDER BY c.issued_on"
            )
        )
        .params(p=parcel.id)
    )
    timeline = session.execute(text("SELECT * FROM cadastre.parcel_timeline(:p)"), {"p": parcel.id})
    genealogy = session.execute(
        text("SELECT * FROM cadastre.parcel_genealogy(:p)"), {"p": parcel.id}
    )
    return ParcelReport(
        parcel=parcel,
        measured_area=round(to_shape(parcel.geom).area, 1),
        rights=[dict(row._mapping) for row in rights],
        certificates=list(certificates),
        timeline=[dict(row._mapping) for row in timeline],
        genealogy=[dict(row._mapping) for row in genealogy],
    )
