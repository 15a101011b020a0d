"""Interface text: English source strings, Vietnamese from the compiled Qt translation file.

One translation context ("CadastreOfficer") for the whole plugin keeps the .ts file simple.
"""

from __future__ import annotations

from pathlib import Path

from qgis.core import QgsSettings
from qgis.PyQt.QtCore import QCoreApplication, QLocale, QTranslator

CONTEXT = "CadastreOfficer"
FOLDER = Path(__file__).parent
_translator: QTranslator | None = None


def tr(text: str) -> str:
    """The text in the interface language (English when there is no translation)."""
    return QCoreApplication.translate(CONTEXT, text)


def interface_locale() -> str:
    """The two-letter language QGIS is set to (its override, else the system's)."""
    settings = QgsSettings()
    if settings.value("locale/overrideFlag", False, type=bool):
        name = settings.value("locale/userLocale", "", type=str)
    else:
        name = QLocale.system().name()
    return (name or "en")[:2]


def is_vietnamese() -> bool:
    """True when the interface speaks Vietnamese (issue messages pick their language by this)."""
    return tr("English") == "Tiếng Việt"


def install(locale: str | None = None) -> bool:
    """Load the plugin's translation for `locale` (default: QGIS's); False when there is none."""
    global _translator
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
