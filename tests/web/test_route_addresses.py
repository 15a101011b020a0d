"""GET /api/addresses?q=: current parcels by address words, accents and case ignored."""

from __future__ import annotations

import pytest

from cadastre.web.models import Problem, SearchHit
from cadastre.web.register import fold
from tests.web.bad_input import INJECTIONS


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
