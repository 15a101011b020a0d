"""Charts of the land statistics (PNG or SVG, matplotlib's Agg backend: no display needed)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
# Debian's own matplotlib (seen through the venv's system site packages) ships an
# mpl_toolkits that the pinned matplotlib cannot load; only 3-D axes need it, charts do not.
warnings.filterwarnings("ignore", message="Unable to import Axes3D")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from cadastre.errors import CadastreError  # noqa: E402
from cadastre.export.stats import TOTAL, StatLine  # noqa: E402

CHART_SUFFIXES = (".png", ".svg")
MAX_BARS = 45


def _check(path: Path) -> None:
    if path.suffix.lower() not in CHART_SUFFIXES:
        raise CadastreError(f"--chart {path.name}: a chart is a .png or .svg file")


def _shown(lines: Sequence[StatLine]) -> list[StatLine]:
    """Codes with area, in table order, indented by depth; the total is left out."""
    return [line for line in lines if line.code != TOTAL and line.area > 0][:MAX_BARS]


def _label(line: StatLine) -> str:
    return f"{'  ' * max(line.depth - 1, 0)}{line.code}"


def _save(fig: plt.Figure, path: Path) -> Path:
    partial = path.with_name(f".{path.name}.partial{path.suffix}")
    try:
        fig.savefig(partial, format=path.suffix[1:].lower(), bbox_inches="tight")
        os.replace(partial, path)
    finally:
        plt.close(fig)
        partial.unlink(missing_ok=True)
    return path


def plot_statistics(lines: Sequence[StatLine], path: Path, title: str) -> Path:
    """Horizontal bars: area (ha) by land-use code, headings above their sub-codes."""
    _check(path)
    shown = _shown(lines)
    fig, ax = plt.subplots(figsize=(8, 1.5 + 0.28 * max(len(shown), 1)))
    ax.barh([_label(line) for line in shown], [line.area / 1e4 for line in shown],
            color=[line.fill_color or "#999999" for line in shown], edgecolor="#444444")
    _decorate(ax, title)
    return _save(fig, path)


def plot_comparison(before: Sequence[StatLine], after: Sequence[StatLine], path: Path,
                    title: str, labels: tuple[str, str]) -> Path:
    """Paired bars per code: area (ha) at the first and the second date."""
    _check(path)
    old = {line.code: line.area for line in before}
    codes = {line.code for line in _shown(before)} | {line.code for line in _shown(after)}
    shown = [line for line in after if line.code in codes][:MAX_BARS]
    shown += [line for line in _shown(before) if line.code not in {s.code for s in shown}]
    positions = range(len(shown))
    fig, ax = plt.subplots(figsize=(8, 1.5 + 0.45 * max(len(shown), 1)))
    ax.barh([p - 0.2 for p in positions], [old.get(line.code, 0.0) / 1e4 for line in shown],
            height=0.4, color="#9ecae1", label=labels[0])
    ax.barh([p + 0.2 for p in positions], [line.area / 1e4 for line in shown], height=0.4,
            color="#3182bd", label=labels[1])
    ax.set_yticks(list(positions), [_label(line) for line in shown])
    ax.legend()
    _decorate(ax, title)
    return _save(fig, path)


def _decorate(ax: plt.Axes, title: str) -> None:
    ax.invert_yaxis()
    ax.set_xlabel("Diện tích (ha) / area (ha)")
    ax.set_title(title)
    ax.grid(axis="x", alpha=0.3)
