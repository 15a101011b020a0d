"""/api/analyst/parcels.{format}: analysts export as their own role; nobody else can."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pyogrio
import pytest

from cadastre.db.connection import connect, uses_external_server
from cadastre.db.roles import add_user
from cadastre.db.secrets import read_passwords
from cadastre.db.server import ProjectServer
from cadastre.settings import get_settings
from tests.db.register_helpers import scalar

# Every test account's password (the accounts are made afresh for each run).
PASSWORD = f"pw-{uuid.uuid4().hex}"


@pytest.fixture(scope="module")
def accounts(sample_url: str) -> Iterator[dict[str, str]]:
    """An analyst and an officer login role on the shared sample, both with PASSWORD
    (dropped afterwards)."""
    names = {
        "analyst": f"t_analyst_{uuid.uuid4().hex[:8]}",
        "officer": f"t_officer_{uuid.uuid4().hex[:8]}",
    }
    conn = connect(sample_url)
    try:
        add_user(conn, names["analyst"], "analyst", [], password=PASSWORD)
        add_user(conn, names["officer"], "officer", ["91001"], password=PASSWORD)
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
        auth=(accounts["analyst"], PASSWORD),
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


def test_an_officer_with_the_right_password_is_not_an_analyst(client, accounts) -> None:
    response = client.get("/api/analyst/parcels.csv", auth=(accounts["officer"], PASSWORD))

    assert response.status_code == 403
    assert accounts["officer"] in response.json()["message_en"]


@pytest.mark.parametrize(
    "who",
    [
        ("analyst", "wrong-password"),
        ("officer", "wrong-password"),
        ("nobody_such_user", PASSWORD),
        ("analyst", ""),
        ("cadastre", ""),  # the superuser: its saved password must never stand in
        ("cadastre_web", ""),
        ("cadastre_operator", "x"),
    ],
)
def test_a_wrong_password_or_unknown_user_is_asked_to_log_in(
    client, accounts, who: tuple[str, str]
) -> None:
    name, password = who
    response = client.get(
        "/api/analyst/parcels.csv", auth=(accounts.get(name, name), password)
    )

    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith("Basic")
    assert "analyst account" in response.json()["message_en"]


def test_the_web_role_itself_cannot_export(client) -> None:
    settings = get_settings()
    if uses_external_server(settings):
        pytest.skip("the web role's password is generated on the project server only")
    password = read_passwords(ProjectServer.from_settings(settings).passfile)["cadastre_web"]

    response = client.get("/api/analyst/parcels.csv", auth=("cadastre_web", password))

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
        "commune=91001&commune=9100x",  # the second of a repeated filter
    ],
)
def test_bad_parameters_are_refused_naming_them(client, accounts, query: str) -> None:
    """422 with the body every other route gives: the parameter named, in both languages."""
    response = client.get(f"/api/analyst/parcels.csv?{query}", auth=(accounts["analyst"], PASSWORD))

    assert response.status_code == 422, response.text
    body = response.json()
    parameter = query.split("=")[0]
    assert [error["parameter"] for error in body["errors"]] == [parameter]
    assert body["message_en"].startswith("Invalid input: ")
    assert body["message_vi"].startswith("Dữ liệu nhập không hợp lệ: ")
    assert set(body) == {"status", "message", "message_vi", "message_en", "errors"}
    assert body["status"] == 422


def test_a_well_formed_but_unknown_commune_is_refused_by_the_register(client, accounts) -> None:
    """Validation passes; the export itself names what the register does not hold."""
    response = client.get("/api/analyst/parcels.csv?commune=99999",
                          auth=(accounts["analyst"], PASSWORD))

    assert response.status_code == 400, response.text
    assert "99999" in response.json()["message_en"]


def test_an_unknown_format_is_not_found(client, accounts) -> None:
    response = client.get("/api/analyst/parcels.exe", auth=(accounts["analyst"], PASSWORD))

    assert response.status_code == 422
