"""The published parcel pages (public_register.parcel_page) never show a citizen anything
else than the register: after every committed change, each page still in force is exactly the
document composed from the register at that moment, whatever the change, the passing of time
or a publisher running at the same moment; and publishing makes every page in force again."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg2
import pytest

from cadastre.register.binding import clock, dossiers, parcels, rights
from cadastre.register.pages import pages_to_publish, publish_pages
from tests.db import register_helpers, test_register_scenario
from tests.db.register_helpers import (
    COMMUNE,
    SHEET,
    add_party,
    approved_dossier,
    change,
    holders,
    open_dossier,
    rect,
    register_parcel,
    restrict,
    rows,
    scalar,
)

life = test_register_scenario.life  # ten years of operations on a few parcels (a fixture)

WRONG_PAGES = """
    SELECT p.id, p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number AS ref
    FROM cadastre.parcel AS p
    JOIN public_register.parcel_page AS g ON g.parcel_id = p.id
    WHERE public_register.page_in_force(g, p.sys_txid)
      AND (g.document::text <> public_register.compose_document(p.id)::text
           OR g.fresh_until IS DISTINCT FROM public_register.document_fresh_until(p.id))
    ORDER BY p.id
"""


def wrong_pages(conn) -> list[dict]:
    """Parcels whose page would be served and differs from their document composed now."""
    return rows(conn, WRONG_PAGES)


def look_up(conn, commune: str, sheet: str, number: int) -> dict | None:
    return scalar(conn, "SELECT public_register.parcel_document(%s, %s, %s)",
                  (commune, sheet, number))


def publish_all(conn) -> None:
    """What `cadastre db publish` does; afterwards every page is in force and right."""
    publish_pages(conn)
    assert pages_to_publish(conn) == []
    assert wrong_pages(conn) == []


@pytest.fixture
def checked_after_each_change(monkeypatch: pytest.MonkeyPatch, register) -> list[str]:
    """Every `change` block of the scenario, once committed, must leave no wrong page in
    force; then everything is published again, so the next change meets published pages."""
    checked: list[str] = []
    original = register_helpers.change

    @contextmanager
    def change_then_check(conn, at: str) -> Iterator:
        with original(conn, at) as cur:
            yield cur
        assert wrong_pages(conn) == [], f"a wrong page is in force after the change of {at}"
        publish_all(conn)
        checked.append(at)

    monkeypatch.setattr(test_register_scenario, "change", change_then_check)
    return checked


def registered(conn, number: int, name: str) -> tuple[int, int]:
    """A parcel first registered to one holder, its page published: (parcel id, party id)."""
    with change(conn, "2024-01-10") as cur:
        dossier = approved_dossier(cur, "first_registration", "2024-01-10")
        owner = add_party(cur, name)
        parcel = register_parcel(cur, dossier, number, rect(0, 0, 10, 10), holders((owner, "1")))
    publish_all(conn)
    return parcel, owner


def test_every_change_of_ten_years_leaves_no_wrong_page_in_force(checked_after_each_change,
                                                                request) -> None:
    request.getfixturevalue("life")  # registration, sales, mortgage, split, merge, merger
    assert len(checked_after_each_change) >= 8


def test_a_mortgage_is_shown_as_soon_as_it_is_committed(register) -> None:
    parcel, _ = registered(register, 7, "Đỗ Văn Khoa")
    assert look_up(register, COMMUNE, SHEET, 7)["status_codes"] == ["registered"]
    with change(register, "2024-02-01") as cur:
        dossier = approved_dossier(cur, "mortgage", "2024-02-01")
        bank = add_party(cur, "Ngân hàng Chính sách", kind="organisation")
        restrict(cur, dossier, parcel, "mortgage", bank, 1_000_000_000)
    assert pages_to_publish(register) == [parcel]  # withdrawn: the look-up composes it
    assert look_up(register, COMMUNE, SHEET, 7)["status_codes"] == ["registered", "mortgaged"]
    publish_all(register)
    assert look_up(register, COMMUNE, SHEET, 7)["status_codes"] == ["registered", "mortgaged"]


def test_an_edit_of_the_parcel_itself_puts_its_page_out_of_force_without_a_write(
        register) -> None:
    parcel, _ = registered(register, 8, "Vũ Thị Hạnh")
    version = scalar(register, "SELECT version FROM public_register.parcel_page "
                               "WHERE parcel_id = %s", (parcel,))
    with change(register, "2024-03-01") as cur:
        dossier = approved_dossier(cur, "land_use_change", "2024-03-01")
        parcels.change_land_use(cur, dossier_id=dossier, parcel_id=parcel,
                                land_uses='[{"code": "TMD", "area": 100}]')
    assert scalar(register, "SELECT version FROM public_register.parcel_page "
                            "WHERE parcel_id = %s", (parcel,)) == version
    assert pages_to_publish(register) == [parcel]
    assert [u["code"] for u in look_up(register, COMMUNE, SHEET, 8)["land_uses"]] == ["TMD"]
    publish_all(register)


def test_a_dossier_received_and_then_decided_shows_on_the_page_then_leaves_it(register) -> None:
    parcel, _ = registered(register, 9, "Phạm Thị Lan")
    with change(register, "2024-03-01") as cur:
        received = open_dossier(cur, "sale", "2024-03-01")
        dossiers.add_dossier_parcel(cur, dossier_id=received, parcel_id=parcel)
    assert wrong_pages(register) == []
    assert "dossier_in_progress" in look_up(register, COMMUNE, SHEET, 9)["status_codes"]
    publish_all(register)
    with change(register, "2024-03-20") as cur:
        dossiers.decide_dossier(cur, dossier_id=received, status="rejected",
                                decided_on="2024-03-20")
    assert wrong_pages(register) == []
    assert look_up(register, COMMUNE, SHEET, 9)["dossiers_in_progress"] == []
    publish_all(register)


def test_renaming_a_holder_commune_or_land_use_reaches_the_look_up(register) -> None:
    parcel, owner = registered(register, 10, "Phan Văn Lâm")
    with register, register.cursor() as cur:  # corrections made by an administrator
        cur.execute("UPDATE cadastre.party SET name = 'Phan Văn Minh' WHERE id = %s", (owner,))
        cur.execute("UPDATE cadastre.admin_unit SET name = name || ' (mới)' WHERE code = %s",
                    (COMMUNE,))
    assert wrong_pages(register) == []
    document = look_up(register, COMMUNE, SHEET, 10)
    assert document["commune"]["name"].endswith(" (mới)")
    assert document["holders"][0]["name"].endswith("M***")
    publish_all(register)
    with register, register.cursor() as cur:
        cur.execute("UPDATE cadastre.land_use_code SET name = name || ' *' WHERE code = 'ODT'")
    assert pages_to_publish(register) == [parcel]  # every page names land uses
    assert look_up(register, COMMUNE, SHEET, 10)["land_uses"][0]["name"].endswith(" *")
    publish_all(register)


def test_a_page_is_not_served_from_the_day_a_restriction_on_it_ends(register) -> None:
    parcel, _ = registered(register, 11, "Hồ Văn Nam")
    with change(register, "2024-02-01") as cur:
        dossier = approved_dossier(cur, "restriction", "2024-02-01")
        dispute = restrict(cur, dossier, parcel, "dispute")
    ends = dt.date.today() + dt.timedelta(days=30)
    with change(register, "2024-03-01") as cur:  # a settlement that takes effect in 30 days
        dossier = approved_dossier(cur, "restriction_release", "2024-03-01")
        rights.release_restriction(cur, dossier_id=dossier, rrr_id=dispute, on=ends)
    publish_all(register)
    assert scalar(register, "SELECT fresh_until FROM public_register.parcel_page "
                            "WHERE parcel_id = %s", (parcel,)) == ends
    assert "disputed" in look_up(register, COMMUNE, SHEET, 11)["status_codes"]
    # The day comes (written on the page: PostgreSQL's clock cannot be moved). The page is
    # no longer served, whatever it holds, and is the next to publish.
    with register, register.cursor() as cur:
        cur.execute("UPDATE public_register.parcel_page SET fresh_until = current_date, "
                    "document = '{\"stale\": true}' WHERE parcel_id = %s", (parcel,))
    assert "stale" not in look_up(register, COMMUNE, SHEET, 11)
    assert pages_to_publish(register) == [parcel]


def publish_while_uncommitted(register, register_url: str, parcel: int) -> int:
    """Publish `parcel` from another connection while `register`'s transaction is open: the
    publisher composes from before it, must come to wait for it, and goes on once it commits.
    Returns how many pages the publisher wrote."""
    publisher = psycopg2.connect(register_url)
    probe = psycopg2.connect(register_url)
    outcome: dict[str, int] = {}
    try:
        def publish() -> None:
            outcome["written"] = publish_pages(publisher, [parcel])

        worker = threading.Thread(target=publish)
        worker.start()
        for _ in range(200):
            if scalar(probe, "SELECT count(*) FROM pg_stat_activity WHERE pid = %s "
                             "AND wait_event_type = 'Lock'", (publisher.get_backend_pid(),)):
                break
            time.sleep(0.05)
        else:
            register.rollback()
            worker.join(timeout=30)
            pytest.fail("the publisher did not come to wait for the uncommitted change")
        register.commit()
        worker.join(timeout=30)
    finally:
        publisher.close()
        probe.close()
    return outcome["written"]


def test_a_publisher_never_overwrites_a_withdrawal_that_came_after_its_snapshot(
        register, register_url) -> None:
    parcel, _ = registered(register, 12, "Tạ Văn Phúc")
    with register, register.cursor() as cur:  # out of force, so the publisher composes it
        cur.execute("UPDATE public_register.parcel_page SET parcel_txid = 0")
    with register.cursor() as cur:  # an officer registers a seizure, not yet committed
        clock.set_clock(cur, at="2024-02-01")
        dossier = approved_dossier(cur, "restriction", "2024-02-01")
        restrict(cur, dossier, parcel, "seizure")
    assert publish_while_uncommitted(register, register_url, parcel) == 0
    assert wrong_pages(register) == []
    assert "seized" in look_up(register, COMMUNE, SHEET, 12)["status_codes"]


def test_a_publisher_never_writes_an_old_name_of_a_land_use_over_a_renaming(
        register, register_url) -> None:
    parcel, _ = registered(register, 17, "Chu Văn Sơn")
    with register, register.cursor() as cur:  # a parcel not yet published at all
        cur.execute("DELETE FROM public_register.parcel_page")
    with register.cursor() as cur:  # an administrator renames a land use, not yet committed
        cur.execute("UPDATE cadastre.land_use_code SET name = name || ' *' WHERE code = 'ODT'")
    assert publish_while_uncommitted(register, register_url, parcel) == 0
    assert wrong_pages(register) == []
    assert look_up(register, COMMUNE, SHEET, 17)["land_uses"][0]["name"].endswith(" *")
    publish_all(register)


def test_publishing_inside_a_writing_transaction_is_refused(register) -> None:
    parcel, _ = registered(register, 13, "Lý Văn Oanh")
    with (pytest.raises(psycopg2.errors.InvalidTransactionState),
          change(register, "2024-02-01") as cur):
        dossier = approved_dossier(cur, "restriction", "2024-02-01")
        restrict(cur, dossier, parcel, "dispute")
        cur.execute("SELECT public_register.publish_pages(%s::bigint[])", ([parcel],))


def test_publish_fills_every_missing_page_and_no_other(register) -> None:
    with change(register, "2024-01-10") as cur:
        dossier = approved_dossier(cur, "first_registration", "2024-01-10")
        owner = add_party(cur, "Mai Thị Rạng")
        for number in (14, 15, 16):
            register_parcel(cur, dossier, number, rect(number * 10, 0, number * 10 + 10, 10),
                            holders((owner, "1")))
    publish_all(register)
    with register, register.cursor() as cur:
        cur.execute("DELETE FROM public_register.parcel_page WHERE parcel_id IN "
                    "(SELECT id FROM cadastre.parcel WHERE parcel_number IN (14, 16))")
    assert len(pages_to_publish(register)) == 2
    assert publish_pages(register) == 2
    assert pages_to_publish(register) == [] and wrong_pages(register) == []
