"""No public route or tile ever lets out personal data of the sample: national ID numbers,
birth dates, personal addresses or full holder names. Every parcel's document, a page of
each kind, every tile over the ward at zooms 13–18 and the search routes are read and
searched for every such value of the sample."""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import pairwise

import pytest

from cadastre.db.connection import connect
from tests.web.tiles import tile_of

WORD = re.compile(r"\w+")
DIGITS = re.compile(rb"(?<![0-9])[0-9]{9,12}(?![0-9])")
ISO_DATE = re.compile(rb"[0-9]{4}-[0-9]{2}-[0-9]{2}")
VN_DATE = re.compile(rb"[0-9]{2}/[0-9]{2}/[0-9]{4}")


class Needles:
    """Phrases that must never appear, indexed by their first two words for a fast search."""

    def __init__(self, phrases: set[str]) -> None:
        self.by_start: dict[tuple[str, str], list[str]] = defaultdict(list)
        for phrase in phrases:
            words = WORD.findall(phrase)
            if len(words) >= 2:
                self.by_start[(words[0], words[1])].append(phrase)

    def found_in(self, text: str) -> list[str]:
        matches = list(WORD.finditer(text))
        found = []
        for first, second in pairwise(matches):
            for phrase in self.by_start.get((first.group(), second.group()), ()):
                if text.startswith(phrase, first.start()):
                    found.append(phrase)
        return found


@pytest.fixture(scope="module")
def personal(sample_url: str) -> dict:
    """The sample's personal data, read as the superuser."""
    conn = connect(sample_url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT id_number, birth_date, address FROM cadastre.party_personal")
            rows = cur.fetchall()
            cur.execute("SELECT name FROM cadastre.party")
            names = {r[0] for r in cur.fetchall()}
            cur.execute("""
                SELECT received_on FROM cadastre.dossier UNION SELECT decided_on
                FROM cadastre.dossier UNION SELECT issued_on FROM cadastre.certificate
                UNION SELECT cancelled_on FROM cadastre.certificate
                UNION SELECT lower(valid) FROM cadastre.rrr_version
                UNION SELECT upper(valid) FROM cadastre.rrr_version""")
            public_dates = {r[0] for r in cur.fetchall() if r[0] is not None}
            cur.execute("SELECT DISTINCT address FROM cadastre.parcel_version "
                        "WHERE address IS NOT NULL")
            parcel_addresses = {r[0] for r in cur.fetchall()}
            cur.execute("SELECT commune_code || '/' || sheet_number || '/' || parcel_number "
                        "FROM cadastre.parcel ORDER BY id")
            refs = [r[0] for r in cur.fetchall()]
    finally:
        conn.close()
    ids = {r[0] for r in rows if r[0]}
    births = {r[1] for r in rows if r[1] and r[1] not in public_dates}
    addresses = {r[2] for r in rows if r[2]}
    assert ids and births and addresses and len(names) > 1000
    # A person's address that is exactly a parcel's location would be public as the parcel's
    # own address; the sample's personal addresses always add the ward and city.
    assert not addresses & parcel_addresses
    return {
        "ids": {i.encode() for i in ids},
        "dates": {d.isoformat().encode() for d in births}
        | {d.strftime("%d/%m/%Y").encode() for d in births},
        "phrases": Needles(names | addresses),
        "refs": refs,
    }


def _leaks(body: bytes, personal: dict) -> list[str]:
    leaks = [m.decode() for m in DIGITS.findall(body) if m in personal["ids"]]
    leaks += [m.decode() for m in ISO_DATE.findall(body) + VN_DATE.findall(body)
              if m in personal["dates"]]
    leaks += personal["phrases"].found_in(body.decode("utf-8", errors="replace"))
    return leaks


def _check(client, url: str, personal: dict) -> bytes:
    response = client.get(url)
    assert response.status_code < 500, url
    leaks = _leaks(response.content, personal)
    assert not leaks, f"{url} lets out {leaks[:5]}"
    return response.content


def test_no_parcel_document_or_page_lets_out_personal_data(client, personal, facts) -> None:
    for ref in personal["refs"]:
        _check(client, f"/api/parcels/{ref}", personal)
    for ref in [*personal["refs"][::25], facts.plain, facts.mortgaged, facts.retired]:
        _check(client, f"/thua/{ref}", personal)
        _check(client, f"/thua/{ref}?lang=en", personal)


def test_no_tile_lets_out_personal_data(client, personal) -> None:
    west, south, east, north = client.get("/api/communes").json()[0]["bbox"]
    for z in range(13, 19):
        _, x0, y0 = tile_of(west, north, z)
        _, x1, y1 = tile_of(east, south, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                _check(client, f"/tiles/{z}/{x}/{y}.pbf", personal)


def test_no_search_or_other_route_lets_out_personal_data(client, personal, facts) -> None:
    urls = ["/", "/?lang=en", "/api", "/openapi.json", "/api/communes",
            f"/api/certificates/{facts.serial}", f"/giay-chung-nhan/{facts.serial}",
            "/api/addresses?q=pho&limit=100", "/tim?q=ngo", "/api/addresses?q=so&limit=100"]
    for url in urls:
        _check(client, url, personal)
    location = client.get(f"/api/parcels/{facts.plain}").json()["location"]
    _check(client, f"/api/parcels/at?lon={location['lon']}&lat={location['lat']}", personal)


def test_the_checker_finds_a_leak_when_there_is_one(personal) -> None:
    some_id = next(iter(personal["ids"]))
    some_phrase = next(iter(next(iter(personal["phrases"].by_start.values()))))
    assert _leaks(b'{"x": "' + some_id + b'"}', personal)
    assert _leaks(f"<p>{some_phrase}</p>".encode(), personal)
    assert _leaks(b"born " + next(iter(personal["dates"])), personal)
