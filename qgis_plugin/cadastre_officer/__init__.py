"""Cadastre officer: the land officers' QGIS plugin for the shared land register."""


def classFactory(iface):  # noqa: N802 (QGIS's name)
    """QGIS calls this to create the plugin."""
    from .plugin import CadastreOfficerPlugin

    return CadastreOfficerPlugin(iface)
