"""Parameters shared by the algorithms: the saved connection and the commune."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingAlgorithm,
    QgsProcessingException,
    QgsProcessingParameterProviderConnection,
    QgsProcessingParameterString,
)

from ..core.register import Register
from ..logic.errors import RegisterError
from ..logic.i18n import tr

CONNECTION = "CONNECTION"
COMMUNE = "COMMUNE"


def add_register_parameters(algorithm: QgsProcessingAlgorithm) -> None:
    """The connection (a saved PostgreSQL connection) and the commune code."""
    algorithm.addParameter(QgsProcessingParameterProviderConnection(
        CONNECTION, tr("Register connection"), "postgres"))
    algorithm.addParameter(QgsProcessingParameterString(COMMUNE, tr("Commune code")))


def register_and_commune(algorithm: QgsProcessingAlgorithm, parameters,
                         context) -> tuple[Register, str]:
    """The register connection and the commune code the parameters name."""
    name = algorithm.parameterAsConnectionName(parameters, CONNECTION, context)
    commune = algorithm.parameterAsString(parameters, COMMUNE, context).strip()
    try:
        register = Register(name)
        known = {c.code for c in register.communes()}
    except RegisterError as exc:
        raise QgsProcessingException(exc.plain) from exc
    if commune not in known:
        raise QgsProcessingException(
            tr("Commune {0} is not a commune in force in this register").format(commune))
    return register, commune
