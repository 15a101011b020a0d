"""GET /api/addresses?q=: current parcels by address words, accents and case ignored."""

from __future__ import annotations

import re

import pytest

from cadastre.web.models import Problem, SearchHit
from cadastre.web.register import fold
from tests.web.bad_input import INJECTIONS
from tests.web.conftest import HOUSE


def search(client, q: str, **params):
    return client.get("/api/addresses", params={"q": q, **params})


def test_an_address_typed_without_accents_finds_the_parcel(client, facts) -> None:
    response = search(client, fold(facts.address).upper(), limit=100)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    hits = [SearchHit.model_validate(h) for h in response.json()]
    assert facts.address_ref in [h.ref for h in hits]
    words = fold(facts.address).split()
    assert all(word in fold(h.address) for h in hits for word in words)


def test_every_word_must_match(client, facts) -> None:
    hits = search(client, facts.address + " khongcotu").json()
    assert hits == []


def test_the_limit_is_kept(client) -> None:
    assert len(search(client, "pho", limit=3).json()) == 3


@pytest.mark.parametrize("garbage", INJECTIONS)
def test_injection_and_garbage_are_answered_safely(client, garbage: str) -> None:
    response = search(client, garbage)
    if len(garbage) > 100:
        assert response.status_code == 422
        Problem.model_validate(response.json())
    else:
        assert response.status_code == 200
        assert isinstance(response.json(), list)


@pytest.mark.parametrize("params", [{"q": ""}, {}, {"q": "pho", "limit": 0},
                                    {"q": "pho", "limit": 101}, {"q": "pho", "limit": "x"}])
def test_bad_parameters_are_422(client, params: dict) -> None:
    response = client.get("/api/addresses", params=params)
    assert response.status_code == 422
    Problem.model_validate(response.json())


def test_like_wildcards_are_literal(client) -> None:
    assert search(client, "%").json() == []
    assert search(client, "_").json() == []


def test_an_exact_address_answers_only_the_parcels_at_that_number(client, street) -> None:
    name, houses = street
    # a house number that other numbers on the street contain (4 in 14, 24, 45…)
    number = next(n for n in sorted(houses) if any(str(n) in str(m) for m in houses if m != n))
    response = search(client, f"Số {number} {name}", limit=100)
    assert response.status_code == 200
    hits = [SearchHit.model_validate(h) for h in response.json()]
    assert sorted(h.ref for h in hits) == sorted(houses[number])
    assert {h.address for h in hits} == {f"Số {number} {name}"}
    assert response.headers["x-more-results"] == "false"


def test_a_number_matches_whole_numbers_only(client, street) -> None:
    name, houses = street
    number = min(houses)
    for hit in search(client, f"{number} {fold(name)}", limit=100).json():
        assert str(number) in re.findall(r"[0-9]+", hit["address"])


def test_house_numbers_come_in_numeric_order(client, street) -> None:
    name, _ = street
    hits = search(client, name, limit=100).json()
    groups: dict[str, list[tuple[int, ...]]] = {}
    for hit in hits:  # by street (the address without its numbers), as the search orders
        template = re.sub(r"[0-9]+", "", fold(hit["address"]))
        groups.setdefault(template, []).append(
            tuple(int(n) for n in re.findall(r"[0-9]+", hit["address"])))
    assert list(groups) == sorted(groups)
    for numbers in groups.values():
        assert numbers == sorted(numbers)  # Số 2, 4, 8, 15 — not 15 before 2 as text
    assert any(len({len(str(n[0])) for n in numbers if n}) > 1 for numbers in groups.values())
    houses_only = search(client, f"so {name}", limit=100).json()
    numbers = [int(m.group(1)) for h in houses_only
               if (m := HOUSE.match(h["address"])) and m.group(2) == name]
    assert numbers == sorted(numbers)


def test_more_results_than_the_limit_are_signalled(client) -> None:
    response = search(client, "pho", limit=5)
    assert len(response.json()) == 5
    assert response.headers["x-more-results"] == "true"
    assert search(client, "pho", limit=100).headers["x-more-results"] == "true"


def test_the_results_page_says_there_are_more(client, street) -> None:
    page = client.get("/tim", params={"q": "pho"}).text
    assert page.count('<li><a href="/thua/') == 50
    assert "Còn nhiều kết quả khác — hãy ghi rõ hơn địa chỉ" in page
    name, houses = street
    number = min(houses)
    exact = client.get("/tim", params={"q": f"Số {number} {name}", "lang": "en"}).text
    assert exact.count('<li><a href="/thua/') == len(houses[number])
    assert "More results" not in exact


@pytest.mark.parametrize("q", ["\x00", "Số 4\x00 phố", "a\x1fb", "\x7f"])
def test_a_control_character_is_a_clear_422_in_both_languages(client, q: str) -> None:
    response = search(client, q)
    assert response.status_code == 422
    problem = Problem.model_validate(response.json())
    assert problem.message_vi == ("Địa chỉ: có ký tự không hợp lệ (ký tự điều khiển như %00); "
                                  "hãy nhập lại.")
    assert problem.message_en.startswith("Address: holds an invalid character")
    assert "PostgreSQL" not in response.text and "0x00" not in response.text
