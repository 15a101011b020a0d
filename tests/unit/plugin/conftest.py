"""The QGIS plugin's pure logic, tested without QGIS (`pytest -p no:qgis tests/unit`): the
plugin's folder goes on the import path, and nothing here may import qgis or PyQt."""

from __future__ import annotations

import sys
from pathlib import Path

PLUGIN_ROOT = Path(__file__).resolve().parents[3] / "qgis_plugin"
if str(PLUGIN_ROOT) not in sys.path:
    sys.path.insert(0, str(PLUGIN_ROOT))
