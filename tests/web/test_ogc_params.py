"""The OGC API's parameter rules without a server: CRS names and axis order, bbox in each
CRS's axis order, `datetime` instants (a date is the end of that day) and intervals."""

from __future__ import annotations

import datetime as dt

import pytest

from cadastre.web.ogc.crs import CRS84, find, normalise, offered
from cadastre.web.ogc.query import OgcError, read_bbox, read_datetime

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_axis_order_comes_from_the_epsg_definition() -> None:
    by_srid = {c.uri.rsplit("/", 1)[1]: c for c in offered(5897)}
    assert offered(5897)[0].uri == CRS84
    assert not by_srid["CRS84"].flip  # lon, lat
    assert by_srid["4326"].flip  # lat, lon
    assert not by_srid["5897"].flip  # easting, northing
    assert not by_srid["3857"].flip
    assert by_srid["5897"].decimals == 3 and by_srid["CRS84"].decimals == 7


@pytest.mark.parametrize("srid", [5897, 9210, 5899])
def test_every_provinces_tm3_zone_is_offered_easting_first(srid: int) -> None:
    crs = find(f"http://www.opengis.net/def/crs/EPSG/0/{srid}", offered(srid))
    assert crs is not None and crs.srid == srid and not crs.flip


@pytest.mark.parametrize(("given", "uri"), [
    ("http://www.opengis.net/def/crs/OGC/1.3/CRS84", CRS84),
    ("[OGC:CRS84]", CRS84),
    ("EPSG:4326", "http://www.opengis.net/def/crs/EPSG/0/4326"),
    ("https://www.opengis.net/def/crs/EPSG/0/5897", "http://www.opengis.net/def/crs/EPSG/0/5897"),
    ("EPSG:abc", None), ("urn:ogc:def:crs:EPSG::4326", None), ("", None),
])
def test_crs_names_are_uris_or_safe_curies(given: str, uri: str | None) -> None:
    assert normalise(given) == uri


def test_a_bbox_in_epsg_4326_is_latitude_first() -> None:
    choices = offered(5897)
    lat_lon = read_bbox("21.0,105.8,21.1,105.9", find("EPSG:4326", choices))
    lon_lat = read_bbox("105.8,21.0,105.9,21.1", choices[0])
    assert lat_lon is not None and lon_lat is not None
    assert (lat_lon.xmin, lat_lon.ymin, lat_lon.xmax, lat_lon.ymax) == \
        (lon_lat.xmin, lon_lat.ymin, lon_lat.xmax, lon_lat.ymax) == (105.8, 21.0, 105.9, 21.1)
    with pytest.raises(OgcError):
        read_bbox("105.8,21.0,105.9,21.1", find("EPSG:4326", choices))  # latitude 105.8


def test_datetime_instants_and_intervals() -> None:
    day = read_datetime("2020-01-01", NOW)
    assert day.at == dt.datetime(2020, 1, 1, 23, 59, 59, 999999, tzinfo=dt.UTC)
    assert read_datetime("2020-01-01T07:00:00+07:00", NOW).at == dt.datetime(
        2020, 1, 1, tzinfo=dt.UTC)
    span = read_datetime("2020-01-01/..", NOW)
    assert span.interval and span.start == dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert span.end is None
    assert read_datetime("../2020-01-01", NOW).end == day.at
    assert read_datetime("/", NOW).interval
    assert read_datetime(None, NOW).at is None and not read_datetime(None, NOW).interval
    for bad in ("2027-01-01", "2020-13-01", "soon", "2021-01-01/2020-01-01"):
        with pytest.raises(OgcError):
            read_datetime(bad, NOW)
