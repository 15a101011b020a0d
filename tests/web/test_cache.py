"""The caches and their invalidation: boxes, LRU bounds, the SQL/Python folding agreement,
and the change watcher missing no change, even one committed after a later one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager

from cadastre.db.connection import connect
from cadastre.web.cache import ChangeWatcher, SpatialCache, intersects, mercator, tile_box
from cadastre.web.config import WebSettings, web_database_url
from cadastre.web.db import Database
from cadastre.web.register import fold
from tests.db.register_helpers import restrict, scalar
from tests.web.conftest import sample_dossier


def test_a_tile_box_is_the_tile_with_its_buffer() -> None:
    xmin, ymin, xmax, ymax = tile_box(0, 0, 0, buffer=0)
    assert (xmin, ymax) == (-20037508.342789244, 20037508.342789244)
    assert xmax - xmin == ymax - ymin == 2 * 20037508.342789244
    inner = tile_box(16, 52036, 28850, buffer=0)
    outer = tile_box(16, 52036, 28850)
    assert outer[0] < inner[0] and outer[2] > inner[2]
    x, y = mercator(105.8467, 21.0328)
    assert inner[0] <= x <= inner[2] and inner[1] <= y <= inner[3]


def test_eviction_drops_only_entries_touching_a_changed_box() -> None:
    cache = SpatialCache(capacity=10)
    cache.put("a", 1, (0, 0, 10, 10))
    cache.put("b", 2, (20, 20, 30, 30))
    assert cache.evict([(10, 10, 15, 15)]) == 1
    assert "a" not in cache and cache.get("b") == 2
    assert intersects((0, 0, 1, 1), (1, 1, 2, 2)) and not intersects((0, 0, 1, 1), (2, 2, 3, 3))


def test_the_cache_keeps_at_most_its_capacity_dropping_the_least_recent() -> None:
    cache = SpatialCache(capacity=2)
    cache.put("a", 1, (0, 0, 1, 1))
    cache.put("b", 2, (0, 0, 1, 1))
    cache.get("a")
    cache.put("c", 3, (0, 0, 1, 1))
    assert "a" in cache and "b" not in cache and "c" in cache


def test_python_and_sql_fold_text_the_same_way(sample_url) -> None:
    texts = ["Phường Mẫu 1", "ĐẶNG THỊ ÁNH NGUYỆT", "Ngõ 24 phố Hàng Đào", "Lê Quý Đôn",
             "Phuo\u0300ng", "ỹỷỵỳý ƯỪỨỬỮỰ"]
    conn = connect(sample_url)
    try:
        for text in texts:
            assert fold(text) == scalar(conn, "SELECT public_register.fold(%s)", (text,))
    finally:
        conn.close()


@contextmanager
def watching(url: str, cache: SpatialCache) -> Iterator[Callable[[], int]]:
    """A change watcher over the cache, on its own event loop; yields its poll."""
    loop = asyncio.new_event_loop()
    db = Database(web_database_url(WebSettings(database_url=url)), 1)
    loop.run_until_complete(db.open())
    watcher = ChangeWatcher(db, [cache], poll_seconds=0)
    try:
        loop.run_until_complete(watcher.start())
        yield lambda: loop.run_until_complete(watcher.poll())
    finally:
        loop.run_until_complete(db.close())
        loop.close()


def test_a_change_committed_after_a_later_one_is_still_read(fresh_sample_url, facts) -> None:
    cache = SpatialCache(capacity=100)
    with (watching(fresh_sample_url, cache) as poll, closing(connect(fresh_sample_url)) as first,
          closing(connect(fresh_sample_url)) as second):
        ids = {}
        for ref in (facts.plain, facts.address_ref):
            commune, sheet, number = ref.split("/")
            ids[ref] = scalar(first, "SELECT id FROM cadastre.parcel WHERE commune_code = %s "
                              "AND sheet_number = %s AND parcel_number = %s "
                              "AND status = 'current'", (commune, sheet, int(number)))
        world = (-2e7, -2e7, 2e7, 2e7)
        bank = scalar(first, "SELECT id FROM cadastre.party WHERE kind = 'organisation' LIMIT 1")
        early = first.cursor()  # writes first, commits last
        early.execute("SELECT cadastre.set_clock('2026-01-15 12:00+00')")
        dossier = sample_dossier(early, "mortgage", "2026-01-15")
        restrict(early, dossier, ids[facts.plain], "mortgage", bank, 5)
        with second, second.cursor() as late:
            late.execute("SELECT cadastre.set_clock('2026-01-15 12:00+00')")
            other = sample_dossier(late, "mortgage", "2026-01-15")
            restrict(late, other, ids[facts.address_ref], "mortgage", bank, 5)
        cache.put("entry", "x", world)
        assert poll() == 1  # the later transaction's change
        cache.put("entry", "x", world)
        assert poll() == 0  # the earlier one is not committed yet
        first.commit()
        assert poll() == 1  # now it is read, although its id is smaller


def mercator_box(conn, query: str, params: tuple) -> tuple[float, float, float, float]:
    """The Web Mercator box of the geometry a query returns."""
    with conn, conn.cursor() as cur:
        cur.execute(
            f"SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) "
            f"FROM (SELECT ST_Transform(({query}), 3857)::box2d AS b) AS x",
            params,
        )
        return tuple(float(v) for v in cur.fetchone())


def test_a_parcel_edit_evicts_where_it_is_and_where_it_was_only(fresh_sample_url, facts) -> None:
    cache = SpatialCache(capacity=100)
    with watching(fresh_sample_url, cache) as poll, closing(connect(fresh_sample_url)) as conn:
        commune, sheet, number = facts.plain.split("/")
        parcel_id = scalar(conn, "SELECT id FROM cadastre.parcel WHERE commune_code = %s "
                           "AND sheet_number = %s AND parcel_number = %s "
                           "AND status = 'current'", (commune, sheet, int(number)))
        geom = "SELECT geom FROM cadastre.parcel WHERE id = %s"
        centre = mercator_box(conn, f"SELECT ST_PointOnSurface(({geom}))", (parcel_id,))
        # A corner of the parcel's box that a 2 m smaller parcel no longer reaches.
        corner = mercator_box(
            conn, "SELECT ST_SetSRID(ST_MakePoint(ST_XMin(geom), ST_YMin(geom)), ST_SRID(geom)) "
            "FROM cadastre.parcel WHERE id = %s", (parcel_id,))
        far = mercator_box(conn, "SELECT ST_Translate(ST_PointOnSurface(geom), 5000, 5000) "
                           "FROM cadastre.parcel WHERE id = %s", (parcel_id,))

        def fill() -> None:
            for key, box in (("centre", centre), ("corner", corner), ("far", far)):
                cache.put(key, key, box)

        fill()
        with conn, conn.cursor() as cur:  # an attribute edit: where the parcel is
            cur.execute("SELECT cadastre.set_clock('2026-01-15 12:00+00')")
            cur.execute("SELECT cadastre.begin_dossier_work(%s)",
                        (sample_dossier(cur, "correction", "2026-01-15"),))
            cur.execute("UPDATE cadastre.parcel SET address = 'Số 1 phố Thử' WHERE id = %s",
                        (parcel_id,))
        assert poll() == 2
        assert "far" in cache and "centre" not in cache and "corner" not in cache

        fill()
        with conn, conn.cursor() as cur:  # a move: where it was too
            cur.execute("SELECT cadastre.set_clock('2026-01-16 12:00+00')")
            cur.execute("SELECT cadastre.begin_dossier_work(%s)",
                        (sample_dossier(cur, "correction", "2026-01-16"),))
            cur.execute("UPDATE cadastre.parcel SET geom = ST_Multi(ST_Buffer(geom, -2, "
                        "'join=mitre')), legal_area = round(ST_Area(ST_Buffer(geom, -2, "
                        "'join=mitre'))::numeric, 1), land_uses = jsonb_build_array("
                        "land_uses -> 0 || jsonb_build_object('area', round(ST_Area("
                        "ST_Buffer(geom, -2, 'join=mitre'))::numeric, 1))) WHERE id = %s",
                        (parcel_id,))
        assert poll() == 2
        assert "far" in cache and "corner" not in cache
