"""The web view's connections: a lost one answers 503 (never 500) and is replaced, and
requests waiting for a connection are served first come, first served."""

from __future__ import annotations

import asyncio

from fastapi.testclient import TestClient

from cadastre.db.connection import connect
from cadastre.web.app import create_app
from cadastre.web.config import WEB_ROLE, web_database_url
from cadastre.web.db import Database
from tests.db.register_helpers import scalar
from tests.web.conftest import web_settings


def test_a_lost_connection_answers_503_then_the_next_request_is_served(
    fresh_sample_url, facts
) -> None:
    settings = web_settings(fresh_sample_url, pool_size=1, lookup_cache_size=0)
    with TestClient(create_app(settings)) as client:
        assert client.get(f"/api/parcels/{facts.plain}").status_code == 200
        owner = connect(fresh_sample_url)
        try:
            owner.autocommit = True
            killed = scalar(owner, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                            "WHERE usename = %s AND datname = current_database()", (WEB_ROLE,))
        finally:
            owner.close()
        assert killed == 1
        lost = client.get(f"/api/parcels/{facts.plain}")
        assert lost.status_code == 503
        assert lost.headers["retry-after"] == "5"
        assert lost.json()["message_en"]
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
