# ruff: noqa: N802  (QGIS calls these methods by their camelCase names)
"""The "cadastre" Processing provider: its algorithms work in the toolbox, models and batch
mode, on a PostgreSQL connection saved in QGIS."""

from __future__ import annotations

from qgis.core import QgsProcessingProvider

from ..logic.i18n import tr
from .check_commune import CheckCommune
from .export_parcels import ExportParcels


class CadastreProvider(QgsProcessingProvider):
    """Algorithms over the land register."""

    def id(self) -> str:
        return "cadastre"

    def name(self) -> str:
        return tr("Cadastre")

    def longName(self) -> str:
        return tr("Cadastre (land register)")

    def loadAlgorithms(self) -> None:
        self.addAlgorithm(CheckCommune())
        self.addAlgorithm(ExportParcels())
