# ruff: noqa: N802  (QGIS calls these methods by their camelCase names)
"""Check commune: every rule of the register on a commune (cadastre.check_commune), one
point feature per issue at its location."""

from __future__ import annotations

from qgis.core import (
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsFeatureSink,
    QgsField,
    QgsFields,
    QgsProcessing,
    QgsProcessingAlgorithm,
    QgsProcessingOutputNumber,
    QgsProcessingParameterFeatureSink,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant

from ..core.layers import issue_geometry
from ..logic.i18n import tr
from ..logic.issues import ISSUE_FIELDS, issues_from_json
from ..logic.sql import literal
from .common import add_register_parameters, register_and_commune

OUTPUT = "OUTPUT"


class CheckCommune(QgsProcessingAlgorithm):
    """Batch rules on a commune → an issues layer."""

    def name(self) -> str:
        return "check_commune"

    def displayName(self) -> str:
        return tr("Check commune")

    def shortHelpString(self) -> str:
        return tr("Runs every rule of the register on the current parcels of a commune "
                  "(geometry, overlaps, holes, areas, placement, rights and shares) and writes "
                  "one point per issue with its rule, severity, parcel and message.")

    def createInstance(self) -> CheckCommune:
        return CheckCommune()

    def initAlgorithm(self, config=None) -> None:
        add_register_parameters(self)
        self.addParameter(QgsProcessingParameterFeatureSink(
            OUTPUT, tr("Issues"), QgsProcessing.TypeVectorPoint))
        self.addOutput(QgsProcessingOutputNumber("ERRORS", tr("Errors")))
        self.addOutput(QgsProcessingOutputNumber("WARNINGS", tr("Warnings")))

    def processAlgorithm(self, parameters, context, feedback):
        register, commune = register_and_commune(self, parameters, context)
        feedback.pushInfo(tr("Checking commune {0}…").format(commune))
        issues = issues_from_json(register.json(
            "SELECT coalesce(jsonb_agg(cadastre.issue_json(i)), '[]')::text "
            f"FROM cadastre.check_commune({literal(commune)}) AS i"))
        fields = QgsFields()
        for name in ISSUE_FIELDS:
            fields.append(QgsField(name, QVariant.String))
        crs = QgsCoordinateReferenceSystem(f"EPSG:{register.srid()}")
        sink, dest = self.parameterAsSink(parameters, OUTPUT, context, fields,
                                          QgsWkbTypes.Point, crs)
        for count, issue in enumerate(issues):
            if feedback.isCanceled():
                break
            feature = QgsFeature(fields)
            feature.setAttributes([issue.field(name) for name in ISSUE_FIELDS])
            location = issue_geometry(issue)
            if location is not None:
                feature.setGeometry(location.pointOnSurface())
            sink.addFeature(feature, QgsFeatureSink.FastInsert)
            feedback.setProgress(100 * (count + 1) / max(len(issues), 1))
        errors = sum(1 for i in issues if i.is_error)
        return {OUTPUT: dest, "ERRORS": errors, "WARNINGS": len(issues) - errors}
