"""Qt's side of the interface text: the compiled translation (.qm, built from the .ts beside
this file) for QGIS's interface language, installed into Qt and behind `logic.i18n.tr`.

The strings and `tr` itself are in `logic/i18n.py`, which needs no Qt.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

from ..logic.i18n import use_translator

FOLDER = Path(__file__).parent
_translator: QTranslator | None = None


def interface_locale() -> str:
    """The two-letter language QGIS is set to (its override, else the system's)."""
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        name = settings.value("locale/userLocale", "", type=str)
    else:
        name = QLocale.system().name()
    return (name or "en")[:2]


def install(locale: str | None = None) -> bool:
    """Load the plugin's translation for `locale` (default: QGIS's); False when there is none
    (the interface is then in English)."""
    global _translator
    use_translator(QCoreApplication.translate)
    qm = FOLDER / f"cadastre_officer_{locale or interface_locale()}.qm"
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None
    if not qm.exists():
        return False
    translator = QTranslator()
    if not translator.load(str(qm)):
        return False
    QCoreApplication.installTranslator(translator)
    _translator = translator
    return True


def uninstall() -> None:
    """Remove the plugin's translation (plugin unload)."""
    global _translator
    if _translator is not None:
        QCoreApplication.removeTranslator(_translator)
        _translator = None
