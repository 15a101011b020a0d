"""The CLI as the people who use it: an officer's own login opens a dossier and registers the
change, an approver's own login decides it, and each is refused outside their part — in one
sentence with a hint, never a traceback."""

from __future__ import annotations

import psycopg2
import pytest

from cadastre.db.connection import connect
from tests.db.register_helpers import (
    OTHER_COMMUNE,
    current_holders,
    first_registration,
    new_parties,
    rect,
    row,
    scalar,
)
from tests.db.test_cli_register import last_id, ok, run_cli


@pytest.fixture
def ward(register_url: str) -> dict[str, int]:
    """Parcel 00070/12/45 held by one person, parcel 00073/12/46 in the other commune, and a
    buyer; all registered by the owner."""
    conn = connect(register_url)
    try:
        own, _ = first_registration(conn, "2012-03-01", 45, rect(0, 0, 20, 10))
        other, _ = first_registration(
            conn, "2012-03-02", 46, rect(0, 100, 20, 110), commune=OTHER_COMMUNE
        )
        [buyer] = new_parties(conn, "2012-04-01", "Trần Thị Mua")
    finally:
        conn.close()
    return {"own": own, "other": other, "buyer": buyer}


def refusal(url: str, *args: str) -> str:
    """Run a CLI command that must be refused: exit 1, one 'Error:' sentence and a hint."""
    result = run_cli(url, *args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Error: "), result.stderr
    assert "Hint: " in result.stderr, result.stderr
    return result.stderr


def test_an_officer_and_an_approver_register_a_sale_from_the_cli_each_as_themselves(
    register_url: str, make_user, ward: dict[str, int]
) -> None:
    officer = make_user("officer", ("00070",))
    approver = make_user("approver", ("00070",))

    opened = ok(officer, "dossier", "open", "15/2024/CN", "--kind", "sale",
                "--received", "2024-01-10", "--officer", "Lan", "--parcel", "00070/12/45")
    dossier = last_id(opened)
    self_approval = refusal(officer, "dossier", "approve", dossier, "--on", "2024-01-11")
    ok(approver, "dossier", "approve", dossier, "--on", "2024-01-12")
    ok(officer, "transfer", "00070/12/45", "--dossier", dossier,
       "--holder", f"{ward['buyer']}=1")
    ok(officer, "dossier", "close", dossier)
    after_close = refusal(officer, "transfer", "00070/12/45", "--dossier", dossier,
                          "--holder", f"{ward['buyer']}=1")

    conn = connect(register_url)
    decided = row(conn, "SELECT commune_code, opened_by, decided_by, self_decided, status "
                        "FROM cadastre.dossier WHERE id = %s", (int(dossier),))
    roles = {r for (r,) in _fetch(conn, "SELECT DISTINCT db_role FROM cadastre.audit_transaction "
                                        "WHERE dossier_id = %s", (int(dossier),))}
    assert "may not decide dossiers" in self_approval
    assert "was closed on" in after_close
    assert decided["commune_code"] == "00070"
    assert decided["opened_by"] == officer.split("//")[1].split(":")[0]
    assert decided["decided_by"] == approver.split("//")[1].split(":")[0]
    assert decided["self_decided"] is False and decided["status"] == "closed"
    assert roles == {decided["opened_by"], decided["decided_by"]}
    assert current_holders(conn, ward["own"]) == {"Trần Thị Mua": "1/1"}


def test_an_approver_does_not_decide_a_dossier_they_opened(
    register_url: str, make_user, ward: dict[str, int]
) -> None:
    approver = make_user("approver", ("00070",))

    dossier = last_id(ok(approver, "dossier", "open", "16/2024/CN", "--kind", "sale",
                         "--received", "2024-01-10", "--officer", "Hoa"))
    message = refusal(approver, "dossier", "approve", dossier, "--on", "2024-01-11")

    assert "another approver must decide it" in message
    assert scalar(connect(register_url), "SELECT status FROM cadastre.dossier WHERE id = %s",
                  (int(dossier),)) == "received"


def test_an_officer_is_refused_outside_their_commune_from_the_cli(
    register_url: str, make_user, ward: dict[str, int]
) -> None:
    officer = make_user("officer", ("00070",))
    other_officer = make_user("officer", (OTHER_COMMUNE,))
    other_approver = make_user("approver", (OTHER_COMMUNE,))
    dossier = last_id(ok(other_officer, "dossier", "open", "17/2024/CN", "--kind", "sale",
                         "--received", "2024-01-10", "--officer", "Minh"))
    ok(other_approver, "dossier", "approve", dossier, "--on", "2024-01-11")
    before = current_holders(connect(register_url), ward["other"])

    opening = refusal(officer, "dossier", "open", "18/2024/CN", "--kind", "sale",
                      "--received", "2024-01-10", "--officer", "Lan", "--commune", OTHER_COMMUNE)
    working = refusal(officer, "transfer", "00073/12/46", "--dossier", dossier,
                      "--holder", f"{ward['buyer']}=1")
    deciding = refusal(make_user("approver", ("00070",)), "dossier", "reject", dossier,
                       "--on", "2024-01-12")

    assert "of commune 00073" in opening
    assert "of commune 00073" in working
    assert "may not decide dossier 17/2024/CN of commune 00073" in deciding
    assert current_holders(connect(register_url), ward["other"]) == before
    assert scalar(connect(register_url),
                  "SELECT count(*) FROM cadastre.dossier WHERE number = '18/2024/CN'") == 0


def test_a_party_name_is_corrected_in_a_dossier_from_the_cli(
    register_url: str, make_user, ward: dict[str, int]
) -> None:
    officer = make_user("officer", ("00070",))
    approver = make_user("approver", ("00070",))
    dossier = last_id(ok(officer, "dossier", "open", "19/2024/DC", "--kind", "correction",
                         "--received", "2024-01-10", "--officer", "Lan"))
    ok(approver, "dossier", "approve", dossier, "--on", "2024-01-11")

    ok(officer, "party", "change", str(ward["buyer"]), "--dossier", dossier,
       "--name", "Trần Thị Mùa", "--id-number", "001199012345")
    nothing = refusal(officer, "party", "change", str(ward["buyer"]), "--dossier", dossier)

    conn = connect(register_url)
    assert "Nothing to change" in nothing
    assert scalar(conn, "SELECT name FROM cadastre.party WHERE id = %s", (ward["buyer"],)) == (
        "Trần Thị Mùa"
    )
    assert scalar(conn, "SELECT name FROM cadastre.party_history WHERE id = %s",
                  (ward["buyer"],)) == "Trần Thị Mua"
    with pytest.raises(psycopg2.Error, match="permission denied"):
        _fetch(connect(officer), "SELECT id_number FROM cadastre.party_personal")


def _fetch(conn: psycopg2.extensions.connection, query: str, params: tuple = ()) -> list[tuple]:
    with conn, conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


def test_a_transfer_to_an_unknown_party_is_refused_in_words(
    register_url: str, make_user, ward: dict[str, int]
) -> None:
    officer = make_user("officer", ("00070",))
    approver = make_user("approver", ("00070",))
    dossier = last_id(ok(officer, "dossier", "open", "20/2024/CN", "--kind", "sale",
                         "--received", "2024-01-10", "--officer", "Lan"))
    ok(approver, "dossier", "approve", dossier, "--on", "2024-01-11")
    before = current_holders(connect(register_url), ward["own"])

    message = refusal(officer, "transfer", "00070/12/45", "--dossier", dossier,
                      "--holder", "999999=1")

    assert "Party 999999 does not exist" in message
    assert "foreign key" not in message
    assert current_holders(connect(register_url), ward["own"]) == before
