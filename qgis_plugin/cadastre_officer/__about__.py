"""What the plugin is, read from metadata.txt (the file QGIS and plugins.qgis.org read), so
its name, version and addresses are written once. Standard library only: no QGIS needed."""

from __future__ import annotations

from configparser import ConfigParser
from pathlib import Path

METADATA_FILE = Path(__file__).parent / "metadata.txt"


def read_metadata(path: Path = METADATA_FILE) -> dict[str, str]:
    """The [general] section of a plugin's metadata.txt."""
    metadata = ConfigParser(interpolation=None)
    metadata.read(path, encoding="utf-8")
    return dict(metadata["general"])


_general = read_metadata()

__title__ = _general["name"]
__title_clean__ = "".join(c for c in __title__ if c.isalnum())
__summary__ = _general["description"]
__version__ = _general["version"]
__version_info__ = tuple(int(part) if part.isdigit() else part
                         for part in __version__.replace("-", ".").split("."))
__author__ = _general["author"]
__email__ = _general["email"]
__keywords__ = [tag.strip() for tag in _general.get("tags", "").split(",") if tag.strip()]
__uri_homepage__ = _general["homepage"]
__uri_repository__ = _general["repository"]
__uri_tracker__ = _general["tracker"]
__qgis_minimum_version__ = _general["qgisminimumversion"]
__icon_path__ = Path(__file__).parent / _general["icon"]
__license__ = "GPL-3.0-or-later"
