"""Run inside the real QGIS desktop (qgis --code) on a register of the test's own: a split
then a piece pushed into the neighbour (still a split), a refused merge (screenshot of what
the officer sees), then the register stopped mid-session and started again (the dock says it
is unreachable, the edit is kept and submitted after the restart). Writes a JSON report and
quits. Paths, the database and the stop/start commands come from tests/qgis/test_desktop.py.
"""

import json
import os
import subprocess
import traceback

from qgis.core import QgsApplication, QgsFeatureRequest, QgsPointXY, QgsProviderRegistry
from qgis.PyQt.QtCore import QTimer
from qgis.utils import iface, plugins

REPORT = os.environ["CADASTRE_REPORT"]
SHOT = os.environ["CADASTRE_MERGE_SHOT"]
PLOT = int(os.environ["CADASTRE_PLOT"])
NEIGHBOUR = int(os.environ["CADASTRE_NEIGHBOUR"])
DOSSIER = json.loads(os.environ["CADASTRE_DOSSIER"])
state = {"steps": []}
plugin = plugins["cadastre_officer"]


def finish():
    with open(REPORT, "w", encoding="utf-8") as handle:
        json.dump(state, handle, ensure_ascii=False, indent=1)
    QgsApplication.exit(0)


def guarded(step):
    """Run a step; on any error report it and quit."""
    def run():
        try:
            step()
        except Exception:
            state["error"] = traceback.format_exc()
            finish()
    return run


def feature(layer, parcel_id):
    return next(layer.getFeatures(QgsFeatureRequest().setFilterExpression(
        f'"id" = {parcel_id}')))


def open_ward():
    metadata = QgsProviderRegistry.instance().providerMetadata("postgres")
    uri = (f"host={os.environ['CADASTRE_DB_HOST']} port={os.environ['CADASTRE_DB_PORT']} "
           f"dbname={os.environ['CADASTRE_DB_NAME']} user={os.environ['CADASTRE_DB_USER']} "
           f"password='{os.environ['CADASTRE_DB_PASSWORD']}'")
    metadata.saveConnection(metadata.createConnection(
        uri, {"saveUsername": True, "savePassword": True}), "Sổ địa chính riêng")
    session = plugin.open_commune("Sổ địa chính riêng", os.environ["CADASTRE_WARD"])
    session.use_dossier(DOSSIER)
    state["steps"].append("opened")
    QTimer.singleShot(1000, guarded(split_then_adjust))


def split_then_adjust():
    """The plugin's "Split parcel" on the selected plot, QGIS's split, then a piece pushed
    1.5 m out into the neighbours."""
    layer = plugin.session.layers.parcels
    layer.startEditing()
    parent = feature(layer, PLOT)
    layer.selectByIds([parent.id()])
    plugin.record_action("split")
    box = parent.geometry().boundingBox()
    x = box.center().x()
    line = [QgsPointXY(x, box.yMinimum() - 1), QgsPointXY(x, box.yMaximum() + 1)]
    state["split"] = layer.splitFeatures(line)
    plugin.session.end_action()
    (piece,) = layer.editBuffer().addedFeatures().keys()
    kept = layer.getFeature(parent.id()).geometry()
    grown = layer.getFeature(piece).geometry().buffer(1.5, 2).difference(kept)
    layer.changeGeometry(piece, grown)
    state["split_of"] = [e.get("split_of") for e in plugin.session.edit_set().edits]
    plugin.check()
    state["split_issues"] = [[i.rule, i.message_vi] for i in plugin.check_dock.issues]
    layer.rollBack()
    layer.removeSelection()
    state["steps"].append("split")
    QTimer.singleShot(500, guarded(refused_merge))


def refused_merge():
    """The plugin's "Merge parcels" on two neighbours, then Submit: refused."""
    layer = plugin.session.layers.parcels
    layer.startEditing()
    keep, gone = feature(layer, PLOT), feature(layer, NEIGHBOUR)
    layer.selectByIds([keep.id(), gone.id()])
    plugin.record_action("merge")
    layer.changeGeometry(keep.id(), keep.geometry().combine(gone.geometry()))
    layer.deleteFeature(gone.id())
    plugin.session.end_action()
    plugin.check_dock.show()
    plugin.submit()
    plugin.check_dock.acknowledge_all()
    plugin.submit()
    state["merge_dock"] = plugin.check_dock.status.text()
    centre = keep.geometry().centroid().asPoint()
    canvas = iface.mapCanvas()
    box = keep.geometry().combine(gone.geometry()).boundingBox()
    box.grow(20)
    canvas.setExtent(box)
    canvas.refresh()
    state["merge_centre"] = [centre.x(), centre.y()]
    state["steps"].append("merge")
    QTimer.singleShot(4000, guarded(shoot_merge))


def shoot_merge():
    state["merge_screenshot"] = iface.mainWindow().grab().save(SHOT, "PNG")
    layer = plugin.session.layers.parcels
    layer.rollBack()
    layer.removeSelection()
    QTimer.singleShot(500, guarded(outage))


def outage():
    """A legal-area change pending, then the register stops."""
    layer = plugin.session.layers.parcels
    layer.startEditing()
    plot = feature(layer, PLOT)
    state["new_area"] = round(plot["measured_area"] + 0.4, 1)
    layer.changeAttributeValue(plot.id(), layer.fields().indexOf("legal_area"),
                               state["new_area"])
    subprocess.run(json.loads(os.environ["CADASTRE_STOP"]), check=True, timeout=120,
                   cwd=os.environ["CADASTRE_ROOT"])
    plugin.check()
    state["outage_dock"] = plugin.check_dock.status.text()
    plugin.panel.show_parcel(plugin.session.register, PLOT)
    state["outage_panel"] = plugin.panel.view.toPlainText()
    plugin.reload()
    state["kept"] = layer.isEditable() and layer.editBuffer().isModified()
    state["steps"].append("outage")
    subprocess.run(json.loads(os.environ["CADASTRE_START"]), check=True, timeout=120,
                   cwd=os.environ["CADASTRE_ROOT"])
    QTimer.singleShot(1000, guarded(retry))


def retry():
    plugin.check()
    state["retry_issues"] = [[i.rule, i.severity] for i in plugin.check_dock.issues]
    plugin.check_dock.acknowledge_all()
    plugin.submit()
    state["retry_dock"] = plugin.check_dock.status.text()
    state["steps"].append("retry")
    finish()


QTimer.singleShot(1500, guarded(open_ward))
