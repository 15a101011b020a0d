"""The web view's connections: one lost in the middle of a statement answers 503 (never 500),
one lost while idle is replaced before it is used, and requests waiting for a connection are
served first come, first served."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from fastapi.testclient import TestClient

from cadastre.db.connection import connect
from cadastre.web.app import create_app
from cadastre.web.config import WEB_ROLE, web_database_url
from cadastre.web.db import Database
from tests.web.conftest import web_settings


def web_backends(owner) -> list[int]:
    return [row[0] for row in rows_of(owner, "SELECT pid FROM pg_stat_activity "
                                             "WHERE usename = %s AND datname = current_database()",
                                      (WEB_ROLE,))]


def rows_of(conn, query: str, params: tuple = ()) -> list[tuple]:
    with conn.cursor() as cur:
        cur.execute(query, params)
        return cur.fetchall()


def test_a_connection_lost_mid_statement_answers_503_then_the_next_request_is_served(
    fresh_sample_url, facts
) -> None:
    settings = web_settings(fresh_sample_url, pool_size=1, lookup_cache_size=0)
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/api/parcels/{facts.plain}").status_code == 200
        owner = connect(fresh_sample_url)
        blocker = connect(fresh_sample_url)
        answers: list = []
        try:
            owner.autocommit = True
            (backend,) = web_backends(owner)
            with blocker.cursor() as cur:  # the look-up will wait on this lock, mid-statement
                cur.execute("LOCK TABLE public_register.parcel_page IN ACCESS EXCLUSIVE MODE")
            asking = threading.Thread(
                target=lambda: answers.append(client.get(f"/api/parcels/{facts.plain}")))
            asking.start()
            for _ in range(200):
                if rows_of(owner, "SELECT 1 FROM pg_stat_activity WHERE pid = %s "
                                  "AND wait_event_type = 'Lock'", (backend,)):
                    break
                time.sleep(0.02)
            else:
                pytest.fail("the look-up did not come to wait on the lock")
            assert rows_of(owner, "SELECT pg_terminate_backend(%s, 5000)", (backend,)) == [(True,)]
            blocker.rollback()
            asking.join(timeout=30)
        finally:
            blocker.close()
            owner.close()
        (lost,) = answers
        assert lost.status_code == 503
        assert lost.headers["retry-after"] == "5"
        assert lost.json()["message_en"]
        again = client.get(f"/api/parcels/{facts.plain}")
        assert again.status_code == 200
        assert again.json()["ref"] == facts.plain


def test_a_connection_lost_while_idle_is_replaced_before_the_next_request(
    fresh_sample_url, facts
) -> None:
    settings = web_settings(fresh_sample_url, pool_size=1, lookup_cache_size=0)
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/api/parcels/{facts.plain}").status_code == 200
        owner = connect(fresh_sample_url)
        try:
            owner.autocommit = True
            (backend,) = web_backends(owner)
            # Waits until the backend has exited: the app sees its socket close.
            assert rows_of(owner, "SELECT pg_terminate_backend(%s, 5000)", (backend,)) == [(True,)]
        finally:
            owner.close()
        again = client.get(f"/api/parcels/{facts.plain}")
        assert again.status_code == 200
        assert again.json()["ref"] == facts.plain


def test_waiting_requests_get_a_connection_in_the_order_they_asked(sample_url) -> None:
    async def scenario() -> list[str]:
        db = Database(web_database_url(web_settings(sample_url)), 1)
        await db.open()
        order: list[str] = []

        async def ask(name: str) -> None:
            async with db.connection() as conn:
                order.append(name)
                await conn.fetchval("SELECT pg_sleep(0.01)")

        async def ask_twice() -> None:
            await ask("first")
            await ask("first again")  # asks as it gives back: it must not jump the queue

        try:
            first = asyncio.create_task(ask_twice())
            await asyncio.sleep(0)  # "first" holds the only connection; the others queue
            waiting = [asyncio.create_task(ask(f"waiting {n}")) for n in range(1, 4)]
            await asyncio.gather(first, *waiting)
        finally:
            await db.close()
        return order

    assert asyncio.run(scenario()) == [
        "first", "waiting 1", "waiting 2", "waiting 3", "first again"]
