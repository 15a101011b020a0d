"""GET /api/communes?q=: the commune picker."""

from __future__ import annotations

import pytest

from cadastre.web.models import Commune, Problem


def communes(client, **params) -> list[Commune]:
    response = client.get("/api/communes", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    return [Commune.model_validate(c) for c in response.json()]


def test_every_commune_is_listed_with_its_extent(client) -> None:
    found = communes(client)
    assert [(c.code, c.name) for c in found] == [("91001", "Phường Mẫu 1")]
    west, south, east, north = found[0].bbox
    assert 105 < west < east < 106 and 20 < south < north < 22


@pytest.mark.parametrize("q", ["mẫu", "MAU", "phuong mau", "910", "Phường"])
def test_names_match_with_or_without_accents(client, q: str) -> None:
    assert [c.code for c in communes(client, q=q)] == ["91001"]


def test_no_match_is_an_empty_list(client) -> None:
    assert communes(client, q="đống đa") == []


def test_too_long_a_query_is_422(client) -> None:
    response = client.get("/api/communes", params={"q": "x" * 101})
    assert response.status_code == 422
    Problem.model_validate(response.json())
