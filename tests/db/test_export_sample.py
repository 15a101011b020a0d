"""Exports of the generated sample ward as an analyst would make them: as of a past date with
holders, every holder counted is named, and named as `parcel show --as-of` names them."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pyogrio.raw
import pytest
from fastapi.testclient import TestClient

from cadastre.db.connection import connect, with_user
from cadastre.db.roles import add_user
from cadastre.export import ExportRequest, export_parcels
from cadastre.register.setup import init_register
from cadastre.samples.loader import load_ward
from cadastre.web.app import create_app
from cadastre.web.config import WebSettings
from data_samples.generator import generate
from tests.db.import_helpers import fresh_database
from tests.db.test_export_cli import run_cli

AS_OF = dt.date(2016, 1, 1)


@pytest.fixture(scope="module")
def ward_url(server_url: str, admin_url: str, template_name: str) -> Iterator[str]:
    """A register holding a generated ward (loaded as `cadastre sample load` loads it)."""
    with fresh_database(server_url, admin_url, template_name) as url:
        conn = connect(url)
        try:
            init_register(conn, "01")
            load_ward(conn, generate(400, 20251))
        finally:
            conn.close()
        yield url


@pytest.fixture(scope="module")
def analyst(ward_url: str) -> Iterator[tuple[str, str]]:
    """An analyst login on the ward, (name, password) (dropped afterwards)."""
    name, password = f"t_analyst_{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    conn = connect(ward_url)
    try:
        add_user(conn, name, "analyst", [], password=password)
        yield name, password
    finally:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute(f'DROP OWNED BY "{name}"; DROP ROLE "{name}"')
        conn.close()


def holders_then(url: str, day: dt.date) -> dict[str, list[str]]:
    """Each current parcel's land-use right holders on `day`, read as `parcel show --as-of`
    reads them (rights in force on that legal date, as the register knows them now)."""
    conn = connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(
                "SELECT cadastre.parcel_ref(p.commune_code, p.sheet_number, p.parcel_number), "
                "       array_agg(r.party_name ORDER BY r.party_name) "
                "FROM cadastre.parcels_as_of(%s) AS p, cadastre.rights_as_of(p.id, %s) AS r "
                "WHERE r.kind = 'land_use_right' GROUP BY 1",
                (dt.datetime.combine(day, dt.time.max, tzinfo=dt.UTC), day))
            return {ref: names for ref, names in cur.fetchall()}
    finally:
        conn.close()


def read_table(path: str) -> dict:
    meta, _, _, values = pyogrio.raw.read(path, read_geometry=False)
    return dict(zip(meta["fields"], values, strict=True))


def names(text: str | None) -> list[str]:
    return sorted(part.rsplit(" (", 1)[0] for part in (text or "").split("; ") if part)


def test_an_as_of_shapefile_names_every_holder_it_counts(ward_url: str, tmp_path) -> None:
    output = tmp_path / "ward_2016.zip"
    result = run_cli(ward_url, "export", str(output), "--as-of", AS_OF.isoformat(),
                     "--with-holders")
    assert result.returncode == 0, result.stderr
    table = read_table(f"/vsizip/{output}/ward_2016.shp")
    expected = holders_then(ward_url, AS_OF)
    assert len(expected) > 50
    counted = [i for i, n in enumerate(table["SoChu"]) if n > 0]
    assert len(counted) == len(expected)
    for i in counted:
        assert len(names(table["ChuSuDung"][i])) == table["SoChu"][i], table["MaThua"][i]
    for i, ref in enumerate(table["MaThua"]):
        if ref in expected:
            assert names(table["ChuSuDung"][i]) == sorted(expected[ref]), ref


def test_an_analyst_exports_the_holders_of_a_past_date(ward_url: str, analyst, tmp_path) -> None:
    path = tmp_path / "ward.gpkg"
    export_parcels(path, ExportRequest(as_of=AS_OF, with_holders=True),
                   url=with_user(ward_url, *analyst))
    table = read_table(str(path))
    expected = holders_then(ward_url, AS_OF)
    assert all(table["holders"][i] for i, n in enumerate(table["holder_count"]) if n > 0)
    assert {ref: names(table["holders"][i]) for i, ref in enumerate(table["ref"])
            if ref in expected} == {ref: sorted(v) for ref, v in expected.items()}


def test_the_analysts_web_export_names_the_holders_of_a_past_date(ward_url: str, analyst,
                                                                  tmp_path) -> None:
    app = create_app(WebSettings(database_url=ward_url, rate_limit=0, pool_size=2))
    with TestClient(app) as client:
        response = client.get(f"/api/analyst/parcels.zip?as_of={AS_OF}&with_holders=true",
                              auth=analyst)
    assert response.status_code == 200, response.text
    (tmp_path / "parcels.zip").write_bytes(response.content)
    table = read_table(f"/vsizip/{tmp_path / 'parcels.zip'}/parcels.shp")
    expected = holders_then(ward_url, AS_OF)
    assert {ref: names(table["ChuSuDung"][i]) for i, ref in enumerate(table["MaThua"])
            if ref in expected} == {ref: sorted(v) for ref, v in expected.items()}
    assert all(table["ChuSuDung"][i] for i, n in enumerate(table["SoChu"]) if n > 0)
