"""The commune's layers: current parcels (styled by land use, labelled at large scales), map
sheets, the commune boundary, and the issues found by the checks."""

from __future__ import annotations

from dataclasses import dataclass

from qgis.core import (
    QgsCategorizedSymbolRenderer,
    QgsCoordinateReferenceSystem,
    QgsFeature,
    QgsField,
    QgsFillSymbol,
    QgsGeometry,
    QgsLayerTreeGroup,
    QgsMarkerSymbol,
    QgsPalLayerSettings,
    QgsProject,
    QgsRendererCategory,
    QgsSnappingConfig,
    QgsTextFormat,
    QgsTolerance,
    QgsVectorLayer,
    QgsVectorLayerSimpleLabeling,
    QgsWkbTypes,
)
from qgis.PyQt.QtCore import QVariant
from qgis.PyQt.QtGui import QColor

from ..logic.errors import DatabaseFaultError
from ..logic.i18n import tr
from ..logic.issues import ISSUE_FIELDS, Issue
from ..logic.sql import literal
from .register import Register

PARCEL_VIEW = "officer_parcel"
LABEL_MAX_SCALE = 2000  # parcel numbers show at 1:2000 and larger scales
READ_ONLY_FIELDS = ("id", "ref", "measured_area", "land_use_codes", "version", "changed_at")


@dataclass
class CommuneLayers:
    """The layers loaded for one commune."""

    commune: str
    parcels: QgsVectorLayer
    sheets: QgsVectorLayer
    boundary: QgsVectorLayer
    issues: QgsVectorLayer


def postgres_layer(register: Register, table: str, geometry: str, where: str, key: str,
                   wkb_type: int, srid: int, name: str) -> QgsVectorLayer:
    """A layer on a table or view of the register through the saved connection."""
    uri = register.uri()
    uri.setDataSource("cadastre", table, geometry, where, key)
    uri.setWkbType(wkb_type)
    uri.setSrid(str(srid))
    uri.setUseEstimatedMetadata(False)
    layer = QgsVectorLayer(uri.uri(False), name, "postgres")
    if not layer.isValid():
        raise DatabaseFaultError(tr("The layer {0} could not be opened from connection {1}")
                                 .format(name, register.name), table)
    return layer


def land_use_colours(register: Register) -> list[dict]:
    """Assignable land-use codes with their standard map colour, in the reference order."""
    return register.json(
        "SELECT coalesce(jsonb_agg(jsonb_build_object('code', code, 'name', name, "
        "'color', fill_color) ORDER BY sort_order, code), '[]')::text "
        "FROM cadastre.land_use_code WHERE NOT is_group AND fill_color IS NOT NULL")


def land_use_renderer(colours: list[dict]) -> QgsCategorizedSymbolRenderer:
    """Parcels filled with the standard colour of their main land use, thin dark outlines."""
    categories = []
    for item in colours:
        symbol = QgsFillSymbol.createSimple({"color": item["color"], "outline_color": "#323232",
                                             "outline_width": "0.2"})
        categories.append(QgsRendererCategory(item["code"], symbol,
                                              f"{item['code']} — {item['name']}"))
    other = QgsFillSymbol.createSimple({"color": "#dddddd", "outline_color": "#323232",
                                        "outline_width": "0.2"})
    categories.append(QgsRendererCategory(None, other, tr("Other land use")))
    return QgsCategorizedSymbolRenderer("land_use", categories)


def number_labels() -> QgsVectorLayerSimpleLabeling:
    """Parcel numbers, shown only at large scales (1:2000 and closer)."""
    settings = QgsPalLayerSettings()
    settings.fieldName = "parcel_number"
    settings.scaleVisibility = True
    settings.minimumScale = LABEL_MAX_SCALE
    settings.maximumScale = 0
    text = QgsTextFormat()
    text.setSize(9)
    text.setColor(QColor("#1a1a1a"))
    settings.setFormat(text)
    return QgsVectorLayerSimpleLabeling(settings)


def style_parcels(layer: QgsVectorLayer, colours: list[dict]) -> None:
    """Apply the land-use renderer, the labels and the read-only computed fields."""
    layer.setRenderer(land_use_renderer(colours))
    layer.setLabeling(number_labels())
    layer.setLabelsEnabled(True)
    config = layer.editFormConfig()
    for name in READ_ONLY_FIELDS:
        index = layer.fields().indexOf(name)
        if index >= 0:
            config.setReadOnly(index, True)
    layer.setEditFormConfig(config)


def issues_layer(srid: int) -> QgsVectorLayer:
    """An in-memory point layer for issues (at each issue's location), red errors, orange
    warnings."""
    layer = QgsVectorLayer(f"Point?crs=EPSG:{srid}", tr("Issues"), "memory")
    layer.dataProvider().addAttributes([QgsField(name, QVariant.String)
                                        for name in ISSUE_FIELDS])
    layer.updateFields()
    categories = [
        QgsRendererCategory("error", QgsMarkerSymbol.createSimple(
            {"name": "circle", "color": "#e31a1c", "size": "3"}), tr("Error")),
        QgsRendererCategory("warning", QgsMarkerSymbol.createSimple(
            {"name": "triangle", "color": "#ff7f00", "size": "3"}), tr("Warning")),
    ]
    layer.setRenderer(QgsCategorizedSymbolRenderer("severity", categories))
    return layer


def fill_issues(layer: QgsVectorLayer, issues: list[Issue]) -> None:
    """Replace the issues layer's features with `issues` (located at their label point)."""
    provider = layer.dataProvider()
    provider.truncate()
    features = []
    for issue in issues:
        feature = QgsFeature(layer.fields())
        for name in ISSUE_FIELDS:
            feature[name] = issue.field(name)
        location = issue_geometry(issue)
        if location is not None:
            feature.setGeometry(location.pointOnSurface())
        features.append(feature)
    provider.addFeatures(features)
    layer.updateExtents()
    layer.triggerRepaint()


def issue_geometry(issue: Issue) -> QgsGeometry | None:
    """An issue's location (EWKT from the database) as a geometry, or None."""
    location = issue.location
    if not location:
        return None
    return QgsGeometry.fromWkt(location.split(";", 1)[-1])


def load_commune(register: Register, commune: str,
                 project: QgsProject | None = None) -> CommuneLayers:
    """Load the commune's layers into a group of the project and return them."""
    project = project or QgsProject.instance()
    srid = register.srid()
    where = f"commune_code = {literal(commune)}"
    parcels = postgres_layer(register, PARCEL_VIEW, "geom", where, "id",
                             QgsWkbTypes.MultiPolygon, srid, tr("Parcels {0}").format(commune))
    style_parcels(parcels, land_use_colours(register))
    sheets = postgres_layer(register, "map_sheet", "footprint", where + " AND upper_inf(valid)",
                            "id", QgsWkbTypes.Polygon, srid, tr("Map sheets {0}").format(commune))
    sheets.renderer().setSymbol(QgsFillSymbol.createSimple(
        {"style": "no", "outline_color": "#1f78b4", "outline_width": "0.4",
         "outline_style": "dash"}))
    sheets.setReadOnly(True)
    boundary = postgres_layer(register, "admin_unit", "boundary", f"code = {literal(commune)}",
                              "code", QgsWkbTypes.MultiPolygon, srid,
                              tr("Commune boundary {0}").format(commune))
    boundary.renderer().setSymbol(QgsFillSymbol.createSimple(
        {"style": "no", "outline_color": "#6a3d9a", "outline_width": "0.8"}))
    boundary.setReadOnly(True)
    issues = issues_layer(srid)
    group = project.layerTreeRoot().insertGroup(0, tr("Cadastre {0}").format(commune))
    for layer in (issues, parcels, sheets, boundary):
        project.addMapLayer(layer, False)
        group.addLayer(layer)
    if not project.crs().isValid():
        project.setCrs(QgsCoordinateReferenceSystem(f"EPSG:{srid}"))
    return CommuneLayers(commune, parcels, sheets, boundary, issues)


SNAP_PIXELS = 12  # how near the cursor a vertex or edge of the parcel layer snaps


def preset_snapping(project: QgsProject, parcels: QgsVectorLayer) -> None:
    """Snapping to the parcels' vertices and edges, and topological editing on: moving a
    vertex two parcels share moves it in both, so an edit never opens a gap or an overlap."""
    config = QgsSnappingConfig(project.snappingConfig())
    config.setEnabled(True)
    config.setMode(QgsSnappingConfig.AdvancedConfiguration)
    config.setIndividualLayerSettings(parcels, QgsSnappingConfig.IndividualLayerSettings(
        True, QgsSnappingConfig.VertexFlag | QgsSnappingConfig.SegmentFlag, SNAP_PIXELS,
        QgsTolerance.Pixels, 0.0, 0.0))
    project.setSnappingConfig(config)
    project.setTopologicalEditing(True)


def remove_commune(layers: CommuneLayers, project: QgsProject | None = None) -> None:
    """Remove a commune's layers and their group from the project."""
    project = project or QgsProject.instance()
    root = project.layerTreeRoot()
    group = root.findGroup(tr("Cadastre {0}").format(layers.commune))
    for layer in (layers.issues, layers.parcels, layers.sheets, layers.boundary):
        project.removeMapLayer(layer.id())
    if isinstance(group, QgsLayerTreeGroup):
        root.removeChildNode(group)
