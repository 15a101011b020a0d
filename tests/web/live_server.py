"""The web view served by uvicorn in a subprocess, for tests whose clients (a browser, GDAL,
QGIS, OWSLib) need a real HTTP server. Import `ogc_url` into a test module to use it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from cadastre.settings import PROJECT_ROOT


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(database_url: str) -> Iterator[str]:
    """The web view on `database_url` (as its web role), started by uvicorn as `cadastre
    serve` runs it; yields its root URL (http://127.0.0.1:PORT)."""
    port = _free_port()
    env = dict(os.environ, CADASTRE_WEB_DATABASE_URL=database_url, CADASTRE_WEB_RATE_LIMIT="0")
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "cadastre.web.asgi:app", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        env=env, cwd=PROJECT_ROOT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                if httpx.get(url + "/api/communes", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise RuntimeError("the web view did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def ogc_url(sample_url: str) -> Iterator[str]:
    """The OGC API of the web view serving the shared sample copy."""
    with served(sample_url) as url:
        yield url + "/ogc"
