"""Phase timing for the generator's log (INFO on the `data_samples` loggers)."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

log = logging.getLogger("data_samples.generator")


@contextmanager
def timed(phase: str) -> Iterator[None]:
    """Log how long a phase of the generation took."""
    start = time.perf_counter()
    yield
    log.info("%s took %.2f s", phase, time.perf_counter() - start)
