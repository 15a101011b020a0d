"""Security headers on every response and the per-client rate limit."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from cadastre.web.app import create_app
from cadastre.web.middleware import TokenBuckets
from cadastre.web.models import Problem
from tests.web.conftest import web_settings


@pytest.mark.parametrize("path", ["/", "/api/communes", "/tiles/0/0/0.pbf", "/khong-co",
                                  "/static/app.css", "/api/parcels/x/1/1"])
def test_every_response_carries_the_security_headers(client, path: str) -> None:
    headers = client.get(path).headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


def test_a_client_over_its_rate_is_told_to_retry_later(sample_url) -> None:
    app = create_app(web_settings(sample_url, rate_limit=1, rate_burst=3))
    with TestClient(app) as client:
        answers = [client.get("/api/communes") for _ in range(5)]
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    limited = answers[3]
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
    assert "Too many requests" in Problem.model_validate(limited.json()).message_en


def test_buckets_refill_at_their_rate_and_are_per_client() -> None:
    buckets = TokenBuckets(rate=2.0, burst=2)
    assert buckets.take("a", now=0.0) == 0 and buckets.take("a", now=0.0) == 0
    assert buckets.take("a", now=0.0) == pytest.approx(0.5)
    assert buckets.take("b", now=0.0) == 0
    assert buckets.take("a", now=0.5) == 0
