"""GET /api/certificates/{serial}: a certificate and the parcels it covers (no holders)."""

from __future__ import annotations

import pytest

from cadastre.web.models import Certificate, Problem


def test_a_certificate_lists_its_parcels(client, facts) -> None:
    response = client.get(f"/api/certificates/{facts.serial}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    certificate = Certificate.model_validate(response.json())
    assert certificate.serial == facts.serial
    assert certificate.in_force
    assert tuple(certificate.parcels) == facts.serial_parcels


def test_the_serial_is_case_insensitive(client, facts) -> None:
    response = client.get(f"/api/certificates/{facts.serial.lower()}")
    assert Certificate.model_validate(response.json()).serial == facts.serial


def test_an_unknown_serial_is_404_naming_it(client) -> None:
    response = client.get("/api/certificates/ZZ999999")
    assert response.status_code == 404
    assert "ZZ999999" in Problem.model_validate(response.json()).message_en


@pytest.mark.parametrize("serial", ["BK00001", "BK0000001", "B1000001", "123456AB",
                                    "BK00000%27", "BK%20000001", "ĐK000001"])
def test_malformed_serials_are_422(client, serial: str) -> None:
    response = client.get(f"/api/certificates/{serial}")
    assert response.status_code == 422
    assert Problem.model_validate(response.json()).errors[0]["parameter"] == "serial"
