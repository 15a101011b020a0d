"""The register's history through `datetime`, read with OWSLib's Features client (and plain
HTTP for the details): an instant answers the parcels as the register stood then — before a
split the parent, after it the children —, an interval every version in force during it, and
retired parcels carry their lineage. Expected answers come from the register's own as-of rule
(cadastre.parcels_as_of), read as the superuser."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import httpx
import pytest
from owslib.ogcapi.features import Features

from cadastre.db.connection import connect
from tests.web.live_server import ogc_url

__all__ = ["ogc_url"]


@dataclass(frozen=True)
class Split:
    parent: int
    parent_ref: str
    children: dict[int, str]
    at: dt.datetime
    bbox: tuple[float, float, float, float]  # CRS84 box around the parent


@pytest.fixture(scope="module")
def split(sample_url: str) -> Split:
    """A split of the sample: the parent, its children, when, and where (as the superuser)."""
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("""
                SELECT l.parent_id, min(lower(c.sys_period))
                FROM cadastre.parcel_lineage AS l JOIN cadastre.parcel AS c ON c.id = l.child_id
                WHERE l.kind = 'split' GROUP BY l.parent_id ORDER BY l.parent_id LIMIT 1""")
            parent, at = cur.fetchone()
            cur.execute("""
                SELECT c.id, c.commune_code || '/' || c.sheet_number || '/' || c.parcel_number
                FROM cadastre.parcel_lineage AS l JOIN cadastre.parcel AS c ON c.id = l.child_id
                WHERE l.parent_id = %s""", (parent,))
            children = dict(cur.fetchall())
            cur.execute("""
                SELECT p.commune_code || '/' || p.sheet_number || '/' || p.parcel_number,
                       ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b)
                FROM cadastre.parcel AS p,
                     LATERAL (SELECT ST_Transform(p.geom, 4326)::box2d AS b) AS x
                WHERE p.id = %s""", (parent,))
            ref, *bbox = cur.fetchone()
    finally:
        conn.close()
    assert len(children) >= 2
    return Split(parent, ref, children, at, tuple(bbox))


def _as_of_ids(sample_url: str, at: dt.datetime) -> set[int]:
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT id FROM cadastre.parcels_as_of(%s)", (at,))
            return {r[0] for r in cur.fetchall()}
    finally:
        conn.close()


def _every(features: Features, **params) -> list[dict]:
    found: list[dict] = []
    after = None
    while True:
        page = features.collection_items("parcels", limit=1000,
                                         **params, **({"after": after} if after else {}))
        found += page["features"]
        nxt = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
        if nxt is None:
            return found
        after = httpx.URL(nxt).params["after"]


def test_owslib_reads_the_collections_and_items_with_bbox(ogc_url, split) -> None:
    features = Features(ogc_url)
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in \
        features.conformance()["conformsTo"]
    assert {c["id"] for c in features.collections()["collections"]} >= {"parcels", "communes"}
    near = features.collection_items("parcels", bbox=list(split.bbox), limit=1000)
    assert set(split.children) <= {f["id"] for f in near["features"]}
    assert split.parent not in {f["id"] for f in near["features"]}  # retired: not current


def test_a_datetime_before_a_split_returns_the_parent_after_it_the_children(
        ogc_url, split) -> None:
    features = Features(ogc_url)
    before = (split.at - dt.timedelta(seconds=1)).isoformat().replace("+00:00", "Z")
    after = split.at.isoformat().replace("+00:00", "Z")
    then = features.collection_items("parcels", bbox=list(split.bbox), datetime=before,
                                     limit=1000)["features"]
    now = features.collection_items("parcels", bbox=list(split.bbox), datetime=after,
                                    limit=1000)["features"]
    then_ids, now_ids = {f["id"] for f in then}, {f["id"] for f in now}
    assert split.parent in then_ids and not set(split.children) & then_ids
    assert set(split.children) <= now_ids and split.parent not in now_ids
    parent = next(f for f in then if f["id"] == split.parent)
    assert parent["properties"]["status"] == "current"
    assert parent["properties"]["replaced_by"] == []
    assert parent["properties"]["status_codes"] is None  # today's statuses: not in the past
    for child in (f for f in now if f["id"] in split.children):
        assert child["properties"]["made_from"] == [split.parent_ref]
    # A date alone is the end of that day, as `cadastre export --as-of`.
    day_before = (split.at.date() - dt.timedelta(days=1)).isoformat()
    by_day = features.collection_items("parcels", bbox=list(split.bbox), datetime=day_before,
                                       limit=1000)["features"]
    assert split.parent in {f["id"] for f in by_day}


def test_the_retired_parent_names_its_children_and_when(ogc_url, split) -> None:
    features = Features(ogc_url)
    retired = features.collection_items("parcels", bbox=list(split.bbox), status="retired",
                                        limit=1000)["features"]
    parent = next(f for f in retired if f["id"] == split.parent)
    assert parent["properties"]["status"] == "retired"
    assert sorted(parent["properties"]["replaced_by"]) == sorted(split.children.values())
    assert parent["properties"]["retired_on"] == split.at.date().isoformat()
    item = httpx.get(f"{ogc_url}/collections/parcels/items/{split.parent}").json()
    related = {link["href"].rsplit("/", 1)[1] for link in item["links"]
               if link["rel"] == "related"}
    assert related == {str(c) for c in split.children}
    then = httpx.get(f"{ogc_url}/collections/parcels/items/{split.parent}",
                     params={"datetime": (split.at - dt.timedelta(days=1)).date().isoformat()})
    assert then.json()["properties"]["status"] == "current"


def test_an_interval_answers_every_version_in_force_during_it(ogc_url, split) -> None:
    features = Features(ogc_url)
    start = (split.at - dt.timedelta(days=30)).date().isoformat()
    end = (split.at + dt.timedelta(days=30)).date().isoformat()
    found = features.collection_items("parcels", bbox=list(split.bbox),
                                      datetime=f"{start}/{end}", limit=1000)["features"]
    ids = {f["id"] for f in found}
    assert split.parent in ids and set(split.children) <= ids
    parent = next(f for f in found if f["id"] == split.parent)
    assert parent["properties"]["valid_to"] == split.at.isoformat().replace("+00:00", "Z")
    open_ended = features.collection_items("parcels", bbox=list(split.bbox),
                                           datetime=f"../{start}", limit=1000)["features"]
    assert split.parent in {f["id"] for f in open_ended}
    assert not set(split.children) & {f["id"] for f in open_ended}


@pytest.mark.parametrize("day", ["2014-06-30", "2019-12-31", "2023-01-01"])
def test_an_instant_answers_exactly_the_registers_as_of_parcels(ogc_url, sample_url, day) -> None:
    at = dt.datetime.combine(dt.date.fromisoformat(day), dt.time.max, tzinfo=dt.UTC)
    found = _every(Features(ogc_url), datetime=day)
    ids = [f["id"] for f in found]
    assert len(ids) == len(set(ids))
    assert set(ids) == _as_of_ids(sample_url, at)


def test_paging_an_open_interval_returns_every_version_once(ogc_url, sample_url) -> None:
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT id, version FROM cadastre.parcel_version")
            expected = set(cur.fetchall())
    finally:
        conn.close()
    found = _every(Features(ogc_url), datetime="../..", status="all")
    keys = [(f["id"], f["properties"]["version"]) for f in found]
    assert len(keys) == len(set(keys))
    assert set(keys) == expected
    assert len(expected) > len({k[0] for k in expected})  # several versions of some parcels
