"""Pure logic: plain values in, plain values out. No qgis or PyQt import here, so its tests run
without QGIS (tests/unit/plugin, `pytest -p no:qgis`)."""
