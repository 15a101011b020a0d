# ruff: noqa: N802  (QGIS calls these methods by their camelCase names)
"""Export parcels: a commune's current parcels (identity, areas, land uses, version) to any
format QGIS writes."""

from __future__ import annotations

import re

from qgis.core import (
    QgsFeatureSink,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsProcessingParameterString,
    QgsVectorLayer,
    QgsWkbTypes,
)

from ..core.layers import PARCEL_VIEW, postgres_layer
from ..core.register import Register
from ..logic.i18n import tr
from ..logic.sql import literal
from .common import add_register_parameters, register_and_commune

OUTPUT = "OUTPUT"
AS_OF = "AS_OF"
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# The register as it stood at the end of a day (UTC), read by cadastre.parcels_as_of: the
# same rule as `cadastre export --as-of`.
AS_OF_SQL = (
    "(SELECT p.id, p.commune_code, p.sheet_number, p.parcel_number, "
    "cadastre.parcel_ref(p.commune_code, p.sheet_number, p.parcel_number) AS ref, p.geom, "
    "p.legal_area, round(ST_Area(p.geom)::numeric, 1) AS measured_area, "
    "p.land_uses -> 0 ->> 'code' AS land_use, p.version "
    "FROM cadastre.parcels_as_of(({date}::date + 1)::timestamp AT TIME ZONE 'UTC' "
    "- interval '1 microsecond', ARRAY[{commune}]) AS p)"
)


class ExportParcels(QgsProcessingAlgorithm):
    """Current parcels of a commune → a layer."""

    def name(self) -> str:
        return "export_parcels"

    def displayName(self) -> str:
        return tr("Export parcels")

    def shortHelpString(self) -> str:
        return tr("Writes the parcels of a commune with their identity, legal and measured "
                  "area, land uses and version, in the register's coordinate system: the "
                  "current ones, or those in force at the end of a past day.")

    def createInstance(self) -> ExportParcels:
        return ExportParcels()

    def initAlgorithm(self, config=None) -> None:
        add_register_parameters(self)
        self.addParameter(QgsProcessingParameterString(
            AS_OF, tr("As of date (YYYY-MM-DD; empty: now)"), optional=True))
        self.addParameter(QgsProcessingParameterFeatureSink(
            OUTPUT, tr("Parcels"), QgsProcessing.TypeVectorPolygon))
        self.addOutput(QgsProcessingOutputNumber("PARCELS", tr("Parcels written")))

    def processAlgorithm(self, parameters, context, feedback):
        register, commune = register_and_commune(self, parameters, context)
        as_of = (self.parameterAsString(parameters, AS_OF, context) or "").strip()
        if as_of:
            source = _as_of_layer(register, commune, as_of)
        else:
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


def _as_of_layer(register: Register, commune: str, as_of: str) -> QgsVectorLayer:
    """The commune's parcels as the register held them at the end of a day."""
    if not DATE.match(as_of):
        raise QgsProcessingException(tr("{0} is not a date (YYYY-MM-DD)").format(as_of))
    uri = register.uri()
    uri.setDataSource("", AS_OF_SQL.format(date=literal(as_of), commune=literal(commune)),
                      "geom", "", "id")
    uri.setWkbType(QgsWkbTypes.MultiPolygon)
    uri.setSrid(str(register.srid()))
    layer = QgsVectorLayer(uri.uri(False), "parcels", "postgres")
    if not layer.isValid():
        raise QgsProcessingException(
            tr("The parcels as of {0} could not be read from connection {1}").format(
                as_of, register.name))
    return layer
