"""Two officers at the same moment: neither an overlap nor a lost update can slip through.

Each test runs two real transactions on two connections in two threads. The register's clock is
the real one here (no `set_clock`), as in production.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import psycopg2
import pytest

from cadastre.db.connection import connect
from tests.db.register_helpers import (
    Cursor,
    approved_dossier,
    correct_boundary,
    rect,
    register_parcel,
    scalar,
)

Action = Callable[[Cursor], object]


def _commit_together(url: str, first: Action, second: Action) -> list[BaseException | None]:
    """Both actions write, wait for each other, then both commit at once; errors returned."""
    barrier = threading.Barrier(2)
    outcomes: list[BaseException | None] = [None, None]

    def officer(index: int, action: Action) -> None:
        conn = connect(url)
        try:
            with conn, conn.cursor() as cur:
                try:
                    action(cur)
                finally:
                    barrier.wait(timeout=30)  # both wrote; neither has committed yet
        except (psycopg2.Error, threading.BrokenBarrierError) as exc:
            outcomes[index] = exc
        finally:
            conn.close()

    threads = [threading.Thread(target=officer, args=(i, a)) for i, a in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def _registration(number: int, wkt: str) -> Action:
    def action(cur: Cursor) -> None:
        dossier = approved_dossier(cur, "first_registration", "2024-01-10")
        register_parcel(cur, dossier, number, wkt, None)

    return action


@pytest.mark.parametrize("shift", [1.0, 5.0, 9.5])
def test_two_simultaneous_overlapping_registrations_cannot_both_commit(
    register_url: str, shift: float
) -> None:
    outcomes = _commit_together(
        register_url,
        _registration(1, rect(0, 0, 10, 10)),
        _registration(2, rect(shift, 0, shift + 10, 10)),
    )

    failures = [o for o in outcomes if o is not None]
    assert len(failures) == 1
    assert "overlap" in str(failures[0]).lower()
    conn = connect(register_url)
    try:
        assert scalar(conn, "SELECT count(*) FROM cadastre.parcel") == 1
    finally:
        conn.close()


def test_two_simultaneous_registrations_side_by_side_both_commit(register_url: str) -> None:
    outcomes = _commit_together(
        register_url,
        _registration(1, rect(0, 0, 10, 10)),
        _registration(2, rect(10, 0, 20, 10)),
    )

    assert outcomes == [None, None]


def test_a_second_officer_editing_a_version_already_changed_is_refused(register_url: str) -> None:
    conn = connect(register_url)
    try:
        with conn, conn.cursor() as cur:
            parcel_id = register_parcel(
                cur,
                approved_dossier(cur, "first_registration", "2024-01-10"),
                1,
                rect(0, 0, 10, 10),
                None,
            )
    finally:
        conn.close()
    first_wrote = threading.Event()
    errors: dict[str, BaseException] = {}

    def officer(name: str, wkt: str, wait_for: threading.Event | None) -> None:
        if wait_for is not None:
            wait_for.wait(timeout=30)
        conn = connect(register_url)
        try:
            with conn, conn.cursor() as cur:
                dossier = approved_dossier(cur, "resurvey", "2024-02-01")
                correct_boundary(cur, dossier, parcel_id, wkt, expected_version=1)
                if wait_for is None:
                    first_wrote.set()
                    time.sleep(0.3)  # the second officer is now blocked on the parcel's lock
        except psycopg2.Error as exc:
            errors[name] = exc
        finally:
            conn.close()

    first = threading.Thread(target=officer, args=("first", rect(0, 0, 10, 11), None))
    second = threading.Thread(target=officer, args=("second", rect(0, 0, 11, 10), first_wrote))
    first.start()
    second.start()
    first.join(timeout=60)
    second.join(timeout=60)

    assert "first" not in errors
    assert "changed by someone else" in str(errors["second"])
    conn = connect(register_url)
    try:
        assert scalar(conn, "SELECT version FROM cadastre.parcel WHERE id = %s", (parcel_id,)) == 2
        area = scalar(conn, "SELECT ST_Area(geom) FROM cadastre.parcel WHERE id = %s", (parcel_id,))
        assert area == pytest.approx(110.0)
    finally:
        conn.close()
