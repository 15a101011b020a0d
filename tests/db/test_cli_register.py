"""The register's CLI: dossiers, parties, transfers, restrictions and `parcel show`, end to end."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cadastre.db.connection import connect
from cadastre.register.binding import clock, parcels
from cadastre.settings import PROJECT_ROOT

SQUARE = "POLYGON((586000 2326000, 586010 2326000, 586010 2326020, 586000 2326020, 586000 2326000))"


def run_cli(url: str, *args: str) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if not key.startswith("CADASTRE_")}
    env["DATABASE_URL"] = url
    return subprocess.run(
        [sys.executable, "-m", "cadastre", *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def ok(url: str, *args: str) -> str:
    result = run_cli(url, *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def last_id(output: str) -> str:
    return output.strip().split()[-1]


@pytest.fixture
def registered_parcel(register_url: str) -> dict[str, str]:
    """Parcel 00070/12/45 registered in 2012 to one holder, through the CLI and one SQL call."""
    dossier = last_id(
        ok(
            register_url,
            "dossier",
            "open",
            "1/2012/ĐK",
            "--kind",
            "first_registration",
            "--received",
            "2012-01-02",
            "--officer",
            "Lan",
        )
    )
    ok(register_url, "dossier", "approve", dossier, "--on", "2012-01-10")
    owner = last_id(ok(register_url, "party", "add", "Trần Văn Bình"))
    conn = connect(register_url)
    with conn, conn.cursor() as cur:
        clock.set_clock(cur, at="2012-01-10")
        parcels.register_parcel(
            cur, dossier_id=int(dossier), commune="00070", sheet="12", number=45,
            geom=f"SRID=5897;{SQUARE}", legal_area=200,
            land_uses='[{"code": "ODT", "area": 200}]',
            holders=f'[{{"party_id": {owner}, "share": "1"}}]', address="12 Hàng Bạc",
        )
    conn.close()
    return {"owner": owner, "dossier": dossier}


def test_parcel_show_lists_identity_areas_and_holders(register_url, registered_parcel) -> None:
    output = ok(register_url, "parcel", "show", "00070/12/45")
    assert "Parcel 00070/12/45" in output and "current" in output
    assert "Legal area: 200.0 m²; measured: 200.0 m²" in output
    assert "Trần Văn Bình" in output and "ODT 200 m²" in output


def test_a_sale_through_the_cli_changes_the_holders_but_not_the_past(
    register_url, registered_parcel
) -> None:
    buyer = last_id(ok(register_url, "party", "add", "Lê Thị Hoa"))
    sale = last_id(
        ok(
            register_url,
            "dossier",
            "open",
            "7/2015/CN",
            "--kind",
            "sale",
            "--received",
            "2015-03-01",
            "--officer",
            "Lan",
        )
    )
    ok(register_url, "dossier", "approve", sale, "--on", "2015-03-20")
    ok(register_url, "transfer", "00070/12/45", "--dossier", sale, "--holder", f"{buyer}=1")
    now = ok(register_url, "parcel", "show", "00070/12/45")
    assert "Lê Thị Hoa" in now and "Trần Văn Bình" not in now
    before = ok(register_url, "parcel", "show", "00070/12/45", "--as-of", "2014-06-01")
    assert "Trần Văn Bình" in before and "Lê Thị Hoa" not in before
    effects = ok(register_url, "dossier", "show", sale)
    assert "land_use_right on 00070/12/45: ended" in effects
    assert "land_use_right on 00070/12/45: registered" in effects


def test_a_mortgage_is_registered_and_released(register_url, registered_parcel) -> None:
    bank = last_id(
        ok(register_url, "party", "add", "Ngân hàng Ngoại thương", "--kind", "organisation")
    )
    dossier = last_id(
        ok(
            register_url,
            "dossier",
            "open",
            "3/2017/TC",
            "--kind",
            "mortgage",
            "--received",
            "2017-01-02",
            "--officer",
            "Lan",
        )
    )
    ok(register_url, "dossier", "approve", dossier, "--on", "2017-01-05")
    mortgage = last_id(
        ok(
            register_url,
            "restriction",
            "add",
            "00070/12/45",
            "--dossier",
            dossier,
            "--kind",
            "mortgage",
            "--party",
            bank,
            "--amount",
            "2000000000",
        )
    )
    assert "mortgage" in ok(register_url, "parcel", "show", "00070/12/45")
    release = last_id(
        ok(
            register_url,
            "dossier",
            "open",
            "9/2019/XTC",
            "--kind",
            "mortgage_release",
            "--received",
            "2019-05-01",
            "--officer",
            "Lan",
        )
    )
    ok(register_url, "dossier", "approve", release, "--on", "2019-05-03")
    ok(register_url, "restriction", "release", mortgage, "--dossier", release)
    assert "mortgage" not in ok(register_url, "parcel", "show", "00070/12/45")
    assert "mortgage" in ok(register_url, "parcel", "show", "00070/12/45", "--as-of", "2018-01-01")


def test_refusals_print_the_rule_and_its_hint_without_a_traceback(
    register_url, registered_parcel
) -> None:
    pending = last_id(
        ok(
            register_url,
            "dossier",
            "open",
            "8/2016/CN",
            "--kind",
            "sale",
            "--received",
            "2016-01-01",
            "--officer",
            "Lan",
        )
    )
    result = run_cli(
        register_url,
        "transfer",
        "00070/12/45",
        "--dossier",
        pending,
        "--holder",
        f"{registered_parcel['owner']}=1/2",
    )
    assert result.returncode == 1
    assert "is received, not approved" in result.stderr and "Hint:" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_parcels_and_malformed_input_are_named(register_url, registered_parcel) -> None:
    missing = run_cli(register_url, "parcel", "show", "00070/12/999")
    assert missing.returncode == 1 and "No parcel 00070/12/999" in missing.stderr
    malformed = run_cli(register_url, "parcel", "show", "70/12/45")
    assert malformed.returncode == 1 and "is not a parcel identity" in malformed.stderr
    bad_date = run_cli(register_url, "parcel", "show", "00070/12/45", "--as-of", "2015-13-01")
    assert bad_date.returncode == 1 and "--as-of: '2015-13-01' is not a date" in bad_date.stderr


def test_db_init_creates_the_register_for_the_chosen_province(db_url: str) -> None:
    output = ok(db_url, "db", "init", "--province", "31")
    assert "province 31" in output and "EPSG:9210" in output
    again = run_cli(db_url, "db", "init", "--province", "01")
    assert again.returncode == 1 and "was created for province 31" in again.stderr


def _public_status(url: str, ref: str) -> list[str]:
    conn = connect(url)
    try:
        with conn, conn.cursor() as cur:
            commune, sheet, number = ref.split("/")
            cur.execute(
                "SELECT public_register.parcel_document(%s, %s, %s) -> 'status_codes'",
                (commune, sheet, int(number)),
            )
            return cur.fetchone()[0]
    finally:
        conn.close()


def test_a_received_dossier_names_its_parcels_so_citizens_see_it_in_progress(
    register_url, registered_parcel
) -> None:
    ref = "00070/12/45"
    assert _public_status(register_url, ref) == ["registered"]
    opened = ok(
        register_url, "dossier", "open", "9/2026/CN", "--kind", "sale",
        "--received", "2026-01-05", "--officer", "Lan", "--parcel", ref,
    )
    sale = last_id(opened)
    assert _public_status(register_url, ref) == ["registered", "dossier_in_progress"]
    ok(register_url, "dossier", "reject", sale, "--on", "2026-01-20")
    assert _public_status(register_url, ref) == ["registered"]

    gift = last_id(
        ok(
            register_url, "dossier", "open", "10/2026/TC", "--kind", "gift",
            "--received", "2026-02-01", "--officer", "Lan",
        )
    )
    assert "concerns 00070/12/45" in ok(register_url, "dossier", "attach", gift, ref)
    assert _public_status(register_url, ref) == ["registered", "dossier_in_progress"]


def test_opening_a_dossier_for_an_unknown_parcel_stores_nothing(
    register_url, registered_parcel
) -> None:
    result = run_cli(
        register_url, "dossier", "open", "11/2026/CN", "--kind", "sale",
        "--received", "2026-01-05", "--officer", "Lan", "--parcel", "00070/12/999",
    )
    assert result.returncode != 0
    assert "No parcel 00070/12/999" in result.stderr
    conn = connect(register_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM cadastre.dossier WHERE number = '11/2026/CN'")
            assert cur.fetchone()[0] == 0
    finally:
        conn.close()
