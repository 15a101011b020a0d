"""QGIS-side work without widgets: the register through a saved connection, the layers, the
officer's session."""
