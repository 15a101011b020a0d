"""GET /api/parcels/{commune}/{sheet}/{number} and /api/parcels?commune=…: a parcel's public
document, its status, and clear 4xx answers to bad input."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from starlette import convertors
from starlette.routing import Match

from cadastre.web.app import create_app
from cadastre.web.models import Parcel, Problem
from cadastre.web.routes.parcels import WELL_FORMED_PATH
from tests.web.bad_input import INJECTIONS
from tests.web.conftest import web_settings


def get_parcel(client, ref: str):
    return client.get(f"/api/parcels/{ref}")


def test_a_parcel_document_matches_the_model_and_the_identity(client, facts) -> None:
    response = get_parcel(client, facts.plain)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    parcel = Parcel.model_validate(response.json())
    assert parcel.ref == facts.plain
    assert parcel.status == "current"
    assert parcel.status_codes == ["registered"]
    assert parcel.certificate.issued
    assert parcel.legal_area == pytest.approx(sum(u.area for u in parcel.land_uses), abs=0.11)
    assert parcel.timeline and parcel.timeline[0].kind == "first_registration"
    west, south, east, north = parcel.location.bbox
    assert west <= parcel.location.lon <= east and south <= parcel.location.lat <= north


def test_a_mortgaged_parcel_says_so(client, facts) -> None:
    parcel = Parcel.model_validate(get_parcel(client, facts.mortgaged).json())
    assert "mortgaged" in parcel.status_codes
    assert [r.kind for r in parcel.restrictions] == ["mortgage"]
    assert any(e.kind == "mortgage" for e in parcel.timeline)


def test_a_retired_parcel_names_what_replaced_it(client, facts) -> None:
    parcel = Parcel.model_validate(get_parcel(client, facts.retired).json())
    assert parcel.status == "retired"
    assert parcel.status_codes == ["retired"]
    assert parcel.retired is not None
    assert tuple(r.ref for r in parcel.retired.replaced_by) == facts.retired_children
    child = Parcel.model_validate(get_parcel(client, facts.retired_children[0]).json())
    assert facts.retired in [m.ref for m in child.made_from]


def test_holders_are_masked(client, facts) -> None:
    parcel = Parcel.model_validate(get_parcel(client, facts.plain).json())
    assert parcel.holders
    for holder in parcel.holders:
        name = holder.name.removeprefix("Hộ ông ").removeprefix("Hộ bà ")
        assert all(word.endswith("***") and len(word) == 4 for word in name.split())


def test_every_spelling_of_an_identity_gets_the_same_answer(client, facts) -> None:
    # "5" takes the plain route for well-formed identities, "005" the validating one.
    commune, sheet, number = facts.plain.split("/")
    plain = get_parcel(client, facts.plain)
    padded = get_parcel(client, f"{commune}/{sheet}/{int(number):03d}")
    assert plain.status_code == padded.status_code == 200
    assert plain.content == padded.content
    for header in ("content-type", "cache-control", "content-security-policy",
                   "x-content-type-options"):
        assert plain.headers[header] == padded.headers[header], header


@pytest.mark.parametrize("number", ["999999999", "1000000000", "2147483647"])
def test_the_largest_parcel_numbers_are_looked_up_not_refused(client, number: str) -> None:
    # Nine digits take the plain route, ten the validating one: both look the parcel up.
    response = get_parcel(client, f"91001/1/{number}")
    assert response.status_code == 404
    assert number in Problem.model_validate(response.json()).message_en


def test_an_unknown_parcel_is_404_naming_it(client) -> None:
    response = get_parcel(client, "91001/1/999999")
    assert response.status_code == 404
    problem = Problem.model_validate(response.json())
    assert "91001/1/999999" in problem.message_vi and "91001/1/999999" in problem.message_en


@pytest.mark.parametrize(
    "ref",
    ["9100/1/5", "910011/1/5", "abcde/1/5", "91001/1/0", "91001/1/-3", "91001/1/2147483648",
     "91001/1/99999999999999999999999", "91001/1/5.5", "91001/" + "9" * 17 + "/5",
     "91001/a%20b/5", "91001/1/abc"],
)
def test_malformed_identities_are_422_naming_the_parameter(client, ref: str) -> None:
    response = get_parcel(client, ref)
    assert response.status_code == 422
    problem = Problem.model_validate(response.json())
    assert problem.errors and problem.errors[0]["parameter"] in {"commune", "sheet", "number"}


@pytest.mark.parametrize("garbage", INJECTIONS)
def test_garbage_in_any_part_is_a_4xx(client, garbage: str) -> None:
    for ref in (f"{quote(garbage, safe='')}/1/5", f"91001/{quote(garbage, safe='')}/5",
                f"91001/1/{quote(garbage, safe='')}"):
        response = get_parcel(client, ref)
        assert 400 <= response.status_code < 500, (ref, response.status_code)
        assert response.headers["content-type"] == "application/json"


@pytest.mark.parametrize("name", ["Phường Mẫu 1", "phuong mau 1", "PHƯỜNG MẪU 1", "mau 1",
                                  "Phuo\u0300ng Ma\u0302\u0303u 1", "91001"])
def test_the_commune_may_be_named_with_or_without_accents(client, facts, name: str) -> None:
    sheet, number = facts.plain.split("/")[1:]
    response = client.get("/api/parcels", params={"commune": name, "sheet": sheet,
                                                   "number": number})
    assert response.status_code == 200, response.text
    assert Parcel.model_validate(response.json()).ref == facts.plain


def test_an_unknown_commune_name_is_404_naming_it(client) -> None:
    response = client.get("/api/parcels", params={"commune": "Phường Không Có",
                                                   "sheet": "1", "number": 5})
    assert response.status_code == 404
    assert "Phường Không Có" in Problem.model_validate(response.json()).message_vi


@pytest.mark.parametrize("garbage", INJECTIONS)
def test_garbage_commune_names_are_4xx(client, garbage: str) -> None:
    response = client.get("/api/parcels", params={"commune": garbage, "sheet": "1",
                                                   "number": 5})
    assert 400 <= response.status_code < 500
    Problem.model_validate(response.json())


def test_the_application_registers_its_own_path_convertors(monkeypatch) -> None:
    """create_app makes the well-formed identity convertors known itself: the fast route does
    not depend on some module having been imported first."""
    for key in ("commune", "sheet", "parcel_number"):
        monkeypatch.delitem(convertors.CONVERTOR_TYPES, key, raising=False)

    app = create_app(web_settings("postgresql://cadastre_web@127.0.0.1:1/unused"))

    route = next(r for r in app.routes if getattr(r, "path", None) == WELL_FORMED_PATH)
    scope = {"type": "http", "path": "/api/parcels/91001/1/5", "method": "GET"}
    match, child_scope = route.matches(scope)
    assert match == Match.FULL
    assert child_scope["path_params"] == {"commune": "91001", "sheet": "1", "number": 5}
