# ruff: noqa: N802  (QGIS calls these methods by their camelCase names)
"""Export parcels: a commune's current parcels (identity, areas, land uses, version) to any
format QGIS writes."""

from __future__ import annotations

from qgis.core import (
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsWkbTypes,
)

from ..connection import literal
from ..i18n import tr
from ..layers import PARCEL_VIEW, postgres_layer
from .common import add_register_parameters, register_and_commune

OUTPUT = "OUTPUT"


class ExportParcels(QgsProcessingAlgorithm):
    """Current parcels of a commune → a layer."""

    def name(self) -> str:
        return "export_parcels"

    def displayName(self) -> str:
        return tr("Export parcels")

    def shortHelpString(self) -> str:
        return tr("Writes the current parcels of a commune with their identity, legal and "
                  "measured area, land uses and version, in the register's coordinate system.")

    def createInstance(self) -> ExportParcels:
        return ExportParcels()

    def initAlgorithm(self, config=None) -> None:
        add_register_parameters(self)
        self.addParameter(QgsProcessingParameterFeatureSink(
            OUTPUT, tr("Parcels"), QgsProcessing.TypeVectorPolygon))
        self.addOutput(QgsProcessingOutputNumber("PARCELS", tr("Parcels written")))

    def processAlgorithm(self, parameters, context, feedback):
        register, commune = register_and_commune(self, parameters, context)
        source = postgres_layer(register, PARCEL_VIEW, "geom",
                                f"commune_code = {literal(commune)}", "id",
                                QgsWkbTypes.MultiPolygon, register.srid(), "parcels")
        sink, dest = self.parameterAsSink(parameters, OUTPUT, context, source.fields(),
                                          QgsWkbTypes.MultiPolygon, source.crs())
        total = max(source.featureCount(), 1)
        written = 0
        for feature in source.getFeatures():
            if feedback.isCanceled():
                break
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
            written += 1
            feedback.setProgress(100 * written / total)
        return {OUTPUT: dest, "PARCELS": written}
