"""The status a buyer or lender needs, as the public register computes it, and the web role's
boundaries: it reads public_register only, never the register's tables."""

from __future__ import annotations

import psycopg2
import pytest
from fastapi.testclient import TestClient

from cadastre.db.connection import connect
from cadastre.register.binding import dossiers
from cadastre.web.app import create_app
from cadastre.web.config import WEB_ROLE, WebSettings, web_database_url
from cadastre.web.models import Parcel
from tests.db.register_helpers import change, cur_scalar, restrict, scalar
from tests.web.conftest import sample_dossier, web_settings

AT = "2026-01-15 12:00+00"


def _parcel_id(conn, ref: str) -> int:
    commune, sheet, number = ref.split("/")
    return scalar(conn, "SELECT id FROM cadastre.parcel WHERE commune_code = %s AND "
                        "sheet_number = %s AND parcel_number = %s AND status = 'current'",
                  (commune, sheet, int(number)))


def test_restrictions_and_dossiers_in_progress_show_as_status(fresh_sample_url, facts) -> None:
    conn = connect(fresh_sample_url)
    try:
        parcel_id = _parcel_id(conn, facts.plain)
        with change(conn, AT) as cur:
            seizure = sample_dossier(cur, "restriction", "2026-01-15")
            restrict(cur, seizure, parcel_id, "seizure", note="Quyết định kê biên 12/QĐ")
            restrict(cur, seizure, parcel_id, "dispute")
            restrict(cur, seizure, parcel_id, "planning_reservation")
            pending = sample_dossier(cur, "sale", "2026-01-20", approve=False)
            dossiers.add_dossier_parcel(cur, dossier_id=pending, parcel_id=parcel_id)
            acquisition = sample_dossier(cur, "acquisition", "2026-01-21", approve=False)
            dossiers.add_dossier_parcel(cur, dossier_id=acquisition, parcel_id=parcel_id)
    finally:
        conn.close()
    with TestClient(create_app(web_settings(fresh_sample_url))) as client:
        parcel = Parcel.model_validate(client.get(f"/api/parcels/{facts.plain}").json())
        page = client.get(f"/thua/{facts.plain}?lang=en").text
    assert parcel.status_codes == ["registered", "dossier_in_progress", "planning",
                                   "acquisition", "disputed", "seized"]
    assert {d.kind for d in parcel.dossiers_in_progress} == {"sale", "acquisition"}
    assert {str(d.received_on) for d in parcel.dossiers_in_progress} == {"2026-01-20",
                                                                          "2026-01-21"}
    assert {r.kind for r in parcel.restrictions} == {"seizure", "dispute",
                                                     "planning_reservation"}
    for label in ("Seized", "Disputed", "Planning reservation", "Dossier in progress",
                  "Transfer by sale", "2026-01-20"):
        assert label in page


def test_a_decided_dossier_is_no_longer_in_progress(fresh_sample_url, facts) -> None:
    conn = connect(fresh_sample_url)
    try:
        parcel_id = _parcel_id(conn, facts.plain)
        with change(conn, AT) as cur:
            pending = sample_dossier(cur, "gift", "2026-01-10", approve=False)
            cur.execute("SELECT cadastre.add_dossier_parcel(%s, %s)", (pending, parcel_id))
        settings = web_settings(fresh_sample_url, change_poll_seconds=0)
        with TestClient(create_app(settings)) as client:
            first = client.get(f"/api/parcels/{facts.plain}").json()
            assert "dossier_in_progress" in first["status_codes"]
            with change(conn, AT) as cur:
                dossiers.decide_dossier(cur, dossier_id=pending, status="rejected",
                                        decided_on="2026-01-15")
            second = client.get(f"/api/parcels/{facts.plain}").json()
        assert second["status_codes"] == ["registered"]
    finally:
        conn.close()


@pytest.mark.parametrize("query", [
    "SELECT count(*) FROM cadastre.party_personal",
    "SELECT count(*) FROM cadastre.party",
    "SELECT count(*) FROM cadastre.parcel",
    "SELECT * FROM cadastre.rights_as_of(1, current_date)",
    "SELECT * FROM public_register.open_restrictions(ARRAY[1::bigint])",
    "SELECT public_register.open_statuses(ARRAY[1::bigint])",
])
def test_the_web_role_cannot_read_the_register_itself(sample_url, query: str) -> None:
    conn = psycopg2.connect(web_database_url(WebSettings(database_url=sample_url)))
    try:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege), conn.cursor() as cur:
            cur.execute(query)
    finally:
        conn.close()


def test_the_web_role_is_read_only(sample_url) -> None:
    conn = psycopg2.connect(web_database_url(WebSettings(database_url=sample_url)))
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT current_user, current_setting('default_transaction_read_only')")
            assert cur.fetchone() == (WEB_ROLE, "on")
        with pytest.raises(psycopg2.Error), conn.cursor() as cur:
            cur.execute("INSERT INTO public_register.map_change (bbox) "
                        "VALUES (ST_MakeEnvelope(0, 0, 1, 1, 3857))")
    finally:
        conn.close()


@pytest.mark.parametrize(("name", "masked"), [
    ("Hộ ông Bùi Văn Khoa", "Hộ ông B*** V*** K***"),
    ("Hộ bà Đặng Thị Ánh", "Hộ bà Đ*** T*** Á***"),
    ("  Hộ gia đình ông Lê Văn Tám ", "Hộ gia đình ông L*** V*** T***"),
    ("Hộ ông", "H*** ô***"),  # no name after it: nothing to keep readable
    ("Hồ Ông Bình", "H*** Ô*** B***"),  # a surname Hồ is not a household
    ("Công ty Hộ bà", "C*** t*** H*** b***"),
])
def test_a_household_keeps_its_prefix_readable(sample_url, name: str, masked: str) -> None:
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            assert cur_scalar(cur, "SELECT public_register.mask_name(%s)", (name,)) == masked
    finally:
        conn.close()


def test_masked_names_keep_only_initials(sample_url) -> None:
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            assert cur_scalar(cur, "SELECT public_register.mask_name('Bùi Văn  Khoa')") == \
                "B*** V*** K***"
            for name, masked in [(" Bùi\tVăn \n Khoa\t", "B*** V*** K***"), ("Ánh", "Á***"),
                                 ("x \\1 y", "x*** \\*** y***"), ("", None), (" \t\n", None),
                                 (None, None)]:
                assert cur_scalar(cur, "SELECT public_register.mask_name(%s)", (name,)) == masked
            assert cur_scalar(cur, "SELECT public_register.fold('Đặng Thị Ánh NGUYỆT')") == \
                "dang thi anh nguyet"
    finally:
        conn.close()
