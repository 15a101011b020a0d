"""Fixtures of the attacks on the register: login roles made per test, a small register."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.security.attack_helpers import People, World, build_world


@pytest.fixture
def people(register_url: str) -> Iterator[People]:
    """Makes login roles (dropped after the test) and connections as them."""
    made = People(register_url)
    yield made
    made.close()


@pytest.fixture
def world(register_url: str) -> World:
    """One parcel with holder, personal data and certificate in each commune; dossiers."""
    return build_world(register_url)
