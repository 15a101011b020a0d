"""Behind a reverse proxy: `cadastre serve --proxy-headers` makes uvicorn resolve each client's
address from X-Forwarded-For (from trusted proxies only), and the rate limit keys on it."""

from __future__ import annotations

import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from cadastre.cli.main import app as cli
from cadastre.web.app import create_app
from tests.web.conftest import web_settings


def _statuses(client: TestClient, forwarded_for: str, count: int) -> list[int]:
    headers = {"X-Forwarded-For": forwarded_for}
    return [client.get("/api/communes", headers=headers).status_code for _ in range(count)]


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket(sample_url) -> None:
    app = create_app(web_settings(sample_url, rate_limit=0.5, rate_burst=2))
    proxied = ProxyHeadersMiddleware(app, trusted_hosts="*")  # what --proxy-headers adds
    with TestClient(proxied) as client:
        first = _statuses(client, "203.0.113.7", 3)
        second = _statuses(client, "198.51.100.9", 2)

    assert first == [200, 200, 429]
    assert second == [200, 200]


def test_without_proxy_headers_a_forged_header_buys_no_new_bucket(sample_url) -> None:
    app = create_app(web_settings(sample_url, rate_limit=0.5, rate_burst=2))
    with TestClient(app) as client:
        first = _statuses(client, "203.0.113.7", 2)
        forged = _statuses(client, "198.51.100.9", 1)

    assert first == [200, 200]
    assert forged == [429]


def test_a_proxy_not_trusted_cannot_choose_the_client_address(sample_url) -> None:
    app = create_app(web_settings(sample_url, rate_limit=0.5, rate_burst=2))
    proxied = ProxyHeadersMiddleware(app, trusted_hosts="10.9.8.7")
    with TestClient(proxied) as client:
        assert _statuses(client, "203.0.113.7", 2) + _statuses(client, "198.51.100.9", 1) == [
            200, 200, 429
        ]


def test_serve_passes_the_proxy_options_to_uvicorn(monkeypatch) -> None:
    calls: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: calls.append(kwargs))

    default = CliRunner().invoke(cli, ["serve"])
    proxied = CliRunner().invoke(
        cli, ["serve", "--proxy-headers", "--forwarded-allow-ips", "10.0.0.2,10.0.0.3"]
    )

    assert default.exit_code == 0 and proxied.exit_code == 0, proxied.output
    assert calls[0]["proxy_headers"] is False
    assert calls[1]["proxy_headers"] is True
    assert calls[1]["forwarded_allow_ips"] == "10.0.0.2,10.0.0.3"
