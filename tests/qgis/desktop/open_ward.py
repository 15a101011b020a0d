"""Run inside the real QGIS desktop (qgis --code): open the sample ward with the installed
plugin, run a Check on an edit, show a parcel in the panel, save a screenshot of the main
window and a JSON report of what is on screen, then quit. Paths and the database come from
environment variables set by tests/qgis/test_desktop.py."""

import json
import os
import traceback

from qgis.core import QgsApplication, QgsProviderRegistry, QgsRectangle
from qgis.PyQt.QtCore import QTimer
from qgis.PyQt.QtWidgets import QDockWidget, QToolBar
from qgis.utils import iface, plugins

REPORT = os.environ["CADASTRE_REPORT"]
SHOT = os.environ["CADASTRE_SHOT"]
state = {"steps": []}


def finish():
    with open(REPORT, "w", encoding="utf-8") as handle:
        json.dump(state, handle, ensure_ascii=False, indent=1)
    QgsApplication.exit(0)


def shoot():
    try:
        window = iface.mainWindow()
        state["screenshot"] = window.grab().save(SHOT, "PNG")
        state["steps"].append("screenshot")
    except Exception:  # report whatever broke, then quit
        state["error"] = traceback.format_exc()
    finish()


def open_ward():
    try:
        metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
        uri = (f"host={os.environ['CADASTRE_DB_HOST']} port={os.environ['CADASTRE_DB_PORT']} "
               f"dbname={os.environ['CADASTRE_DB_NAME']} user={os.environ['CADASTRE_DB_USER']} "
               f"password='{os.environ['CADASTRE_DB_PASSWORD']}'")
        metadata.saveConnection(metadata.createConnection(
            uri, {"saveUsername": True, "savePassword": True}), "Sổ địa chính mẫu")
        plugin = plugins["cadastre_officer"]
        session = plugin.open_commune("Sổ địa chính mẫu", os.environ["CADASTRE_WARD"])
        state["steps"].append("opened")
        parcels = session.layers.parcels
        state["layer"] = parcels.name()
        state["features"] = parcels.featureCount()
        state["renderer"] = parcels.renderer().type()
        # A check on an edit that pushes a plot into its neighbour fills the dock.
        feature = next(parcels.getFeatures())
        parcels.startEditing()
        geometry = feature.geometry()
        geometry.translate(0.8, 0.0)
        parcels.changeGeometry(feature.id(), geometry)
        plugin.check()
        state["issues"] = len(plugin.check_dock.issues)
        state["centre"] = geometry.centroid().asPoint()
        plugin.panel.show_parcel(session.register, feature["id"])
        plugin.panel.show()
        state["toolbar"] = [a.objectName() for a in
                            iface.mainWindow().findChild(QToolBar,
                                                         "CadastreOfficerToolbar").actions()]
        state["docks"] = [d.objectName() for d in iface.mainWindow().findChildren(QDockWidget)
                          if d.objectName().startswith("Cadastre") and d.isVisible()]
        state["toolbar_text"] = [a.text() for a in plugin.actions.values()]
    except Exception:
        state["error"] = traceback.format_exc()
        finish()
        return
    QTimer.singleShot(2000, zoom)


def zoom():
    """Zoom to the edited plot at 1:800 (after QGIS's own first zoom) so numbers show."""
    centre = state.pop("centre")
    canvas = iface.mapCanvas()
    canvas.setExtent(QgsRectangle(centre.x() - 40, centre.y() - 30,
                                  centre.x() + 40, centre.y() + 30))
    canvas.zoomScale(800)
    canvas.refresh()
    state["scale"] = round(canvas.scale())
    QTimer.singleShot(5000, shoot)


QTimer.singleShot(1500, open_ward)
