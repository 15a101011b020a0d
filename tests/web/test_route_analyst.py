"""/api/analyst/parcels.{format}: analysts export as their own role; nobody else can."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest

from cadastre.db.connection import connect
from cadastre.db.roles import add_user
from tests.db.register_helpers import scalar


@pytest.fixture(scope="module")
def accounts(sample_url: str) -> Iterator[dict[str, str]]:
    """An analyst and an officer login role on the shared sample (dropped afterwards)."""
    names = {
        "analyst": f"t_analyst_{uuid.uuid4().hex[:8]}",
        "officer": f"t_officer_{uuid.uuid4().hex[:8]}",
    }
    conn = connect(sample_url)
    try:
        add_user(conn, names["analyst"], "analyst", [])
        add_user(conn, names["officer"], "officer", ["91001"])
        yield names
    finally:
        conn.autocommit = True
        with conn.cursor() as cur:
            for name in names.values():
                cur.execute(f'DROP OWNED BY "{name}"; DROP ROLE "{name}"')
        conn.close()


def test_an_analyst_downloads_the_current_parcels_as_a_geopackage(
    client, accounts, sample_url: str, tmp_path: Path
) -> None:
    response = client.get(
        "/api/analyst/parcels.gpkg?commune=91001&with_holders=true",
        auth=(accounts["analyst"], "unused-on-loopback"),
    )

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/geopackage+sqlite3"
    path = tmp_path / "parcels.gpkg"
    path.write_bytes(response.content)
    info = pyogrio.read_info(path)
    expected = scalar(
        connect(sample_url), "SELECT count(*) FROM cadastre.parcel WHERE status = 'current'"
    )
    assert info["features"] == expected == int(response.headers["x-parcel-count"])
    assert "5897" in info["crs"]


def test_without_a_login_the_export_asks_for_one(client) -> None:
    response = client.get("/api/analyst/parcels.csv")

    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Basic")
    assert "analyst account" in response.json()["message_en"]


def test_an_officer_is_not_an_analyst(client, accounts) -> None:
    response = client.get("/api/analyst/parcels.csv", auth=(accounts["officer"], "x"))

    assert response.status_code == 403
    assert accounts["officer"] in response.json()["message_en"]


def test_the_web_role_itself_cannot_export(client) -> None:
    response = client.get("/api/analyst/parcels.csv", auth=("cadastre_web", "x"))

    assert response.status_code == 403


@pytest.mark.parametrize(
    "query",
    [
        "commune=9100'1",
        "land_use=DROP%20TABLE",
        "status=everything",
        "as_of=2020-13-40",
        "crs=EPSG:abc",
        "commune=" + "9" * 400,
    ],
)
def test_bad_parameters_are_refused_naming_them(client, accounts, query: str) -> None:
    response = client.get(f"/api/analyst/parcels.csv?{query}", auth=(accounts["analyst"], "x"))

    assert response.status_code in (400, 422), response.text
    assert response.json()["message_en"]


def test_an_unknown_format_is_not_found(client, accounts) -> None:
    response = client.get("/api/analyst/parcels.exe", auth=(accounts["analyst"], "x"))

    assert response.status_code == 422
