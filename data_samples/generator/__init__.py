"""Deterministic generator of a synthetic urban Hanoi ward: fabric, parties, rights, history.

from data_samples.generator import generate, write
ward = generate(parcels=3000, seed=20251)
write(ward, "data_samples/ward")
"""

from .core import DEFAULT_PARCELS, DEFAULT_SEED, generate
from .model import (
    DOSSIER_KINDS,
    LAND_USE_FORMS,
    PARTY_KINDS,
    Certificate,
    Commune,
    Dossier,
    Mortgage,
    Parcel,
    Party,
    Right,
    Sheet,
    Ward,
)
from .state import InvalidDossierError, RegisterState, current_parcels, replay
from .writer import write

__all__ = [
    "DEFAULT_PARCELS",
    "DEFAULT_SEED",
    "DOSSIER_KINDS",
    "LAND_USE_FORMS",
    "PARTY_KINDS",
    "Certificate",
    "Commune",
    "Dossier",
    "InvalidDossierError",
    "Mortgage",
    "Parcel",
    "Party",
    "RegisterState",
    "Right",
    "Sheet",
    "Ward",
    "current_parcels",
    "generate",
    "replay",
    "write",
]
