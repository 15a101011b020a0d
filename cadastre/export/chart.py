"""Charts of the land statistics (PNG or SVG, matplotlib's Agg backend: no display needed).

The land-use tree is drawn as it is read in the national tables: one panel per group (NNP,
PNN, CSD, and codes outside the tree), each with its own scale, titled with the group's name,
area and share of the total; inside it the codes under the group, named and indented by
depth. A heading that has codes shown below it is drawn hollow (its bar includes theirs); the
codes themselves are filled with their standard map colour. A comparison draws, the same way,
what each code gained (green, right) or lost (red, left) between the two dates.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: names searchable, selectable
# Debian's own matplotlib (seen through the venv's system site packages) ships an
# mpl_toolkits that the pinned matplotlib cannot load; only 3-D axes need it, charts do not.
warnings.filterwarnings("ignore", message="Unable to import Axes3D")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

from cadastre.errors import CadastreError  # noqa: E402
from cadastre.export.stats import TOTAL, StatLine  # noqa: E402

CHART_SUFFIXES = (".png", ".svg")
MAX_ROWS = 60
LABEL_POINTS = 290  # room left of each panel for "CODE  name", in points
NAME_CHARS = 44
GAIN, LOSS, EDGE = "#1a9850", "#d73027", "#444444"
OTHER = "Ngoài hệ thống TT 27/2018 / outside the national tree"


@dataclass(frozen=True)
class _Row:
    line: StatLine
    value: float  # ha: the area, or its change
    heading: bool  # has rows shown below it: drawn hollow


@dataclass(frozen=True)
class _Panel:
    title: str
    rows: list[_Row]


def _check(path: Path) -> None:
    if path.suffix.lower() not in CHART_SUFFIXES:
        raise CadastreError(f"--chart {path.name}: a chart is a .png or .svg file")


def _ha(value: float, signed: bool = False) -> str:
    """An area given in ha, written in ha (m² under one hectare)."""
    sign = "+" if signed else ""
    text = f"{value * 1e4:{sign},.0f} m²" if abs(value) < 1 else f"{value:{sign},.2f} ha"
    return text.replace("-", "−")


def _name(line: StatLine) -> str:
    name = line.name if len(line.name) <= NAME_CHARS else line.name[:NAME_CHARS - 1] + "…"
    return f"{line.code}  {name}"


def _panels(lines: Sequence[StatLine], value: Callable[[StatLine], float],
            title: Callable[[StatLine | None, list[StatLine]], str]) -> list[_Panel]:
    """Lines with a value ≠ 0 grouped under their group heading, in table order."""
    shown = [line for line in lines if line.code != TOTAL and abs(value(line)) > 1e-9]
    groups = [line for line in shown if line.depth == 1 and line.group_code == line.code]
    panels = []
    for group in groups:
        members = [line for line in shown if line.group_code == group.code and line is not group]
        panels.append(_Panel(title(group, members), _rows(members or [group], value)))
    outside = [line for line in shown if line.group_code is None]
    if outside:
        panels.append(_Panel(title(None, outside), _rows(outside, value)))
    return _limit(panels)


def _rows(members: list[StatLine], value: Callable[[StatLine], float]) -> list[_Row]:
    parents = {line.parent_code for line in members}
    return [_Row(line, value(line) / 1e4, line.code in parents) for line in members]


def _limit(panels: list[_Panel]) -> list[_Panel]:
    """At most MAX_ROWS rows in all (a chart of the whole tree stays readable)."""
    kept, room = [], MAX_ROWS
    for panel in panels:
        if room <= 0:
            break
        kept.append(_Panel(panel.title, panel.rows[:room]))
        room -= len(panel.rows)
    return kept


def _figure(panels: list[_Panel], title: str) -> tuple[plt.Figure, list[plt.Axes]]:
    heights = [max(len(p.rows), 1) + 1.6 for p in panels] or [1]
    fig, axes = plt.subplots(len(heights), 1, squeeze=False, layout="constrained",
                             figsize=(12, 1.4 + 0.34 * sum(heights)),
                             gridspec_kw={"height_ratios": heights})
    engine = fig.get_layout_engine()
    assert isinstance(engine, ConstrainedLayoutEngine)  # layout="constrained" above
    engine.set(h_pad=0.15, hspace=0.05)
    fig.suptitle(title, fontsize=13, fontweight="bold")
    return fig, [ax for (ax,) in axes]


def _draw_rows(ax: plt.Axes, panel: _Panel, colour: Callable[[_Row], str],
               signed: bool) -> None:
    ys = range(len(panel.rows))
    for y, row in zip(ys, panel.rows, strict=True):
        if row.heading:
            ax.barh(y, row.value, height=0.7, facecolor="none", edgecolor=EDGE, linewidth=1.6,
                    hatch="///" if not signed else None)
        else:
            ax.barh(y, row.value, height=0.7, color=colour(row), edgecolor=EDGE, linewidth=0.6)
        ax.annotate(_ha(row.value, signed), xy=(row.value, y), xytext=(4 if row.value >= 0
                    else -4, 0), textcoords="offset points", va="center", fontsize=8,
                    ha="left" if row.value >= 0 else "right")
        indent = 14 * max(row.line.depth - 2, 0)
        # x in axes fraction, y in data: a blended transform (matplotlib's stubs omit it).
        ax.annotate(_name(row.line), xy=(0, y),
                    xycoords=("axes fraction", "data"),  # type: ignore[arg-type]
                    xytext=(-LABEL_POINTS + indent, 0), textcoords="offset points",
                    ha="left", va="center", fontsize=9,
                    fontweight="bold" if row.heading else "normal")
    ax.set_yticks([])
    ax.set_ylim(len(panel.rows) - 0.4, -0.6)
    ax.set_title(panel.title, loc="left", fontsize=10, fontweight="bold")
    ax.grid(axis="x", alpha=0.3)
    ax.margins(x=0.18)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _save(fig: plt.Figure, path: Path) -> Path:
    partial = path.with_name(f".{path.name}.partial{path.suffix}")
    try:
        fig.savefig(partial, format=path.suffix[1:].lower(), bbox_inches="tight", dpi=110)
        os.replace(partial, path)
    finally:
        plt.close(fig)
        partial.unlink(missing_ok=True)
    return path


def _nothing(fig: plt.Figure, ax: plt.Axes, text: str) -> None:
    ax.axis("off")
    ax.text(0.5, 0.5, text, ha="center", va="center", fontsize=11, transform=ax.transAxes)


def _total(lines: Sequence[StatLine]) -> float:
    return next((line.area for line in lines if line.code == TOTAL), 0.0)


def plot_statistics(lines: Sequence[StatLine], path: Path, title: str) -> Path:
    """Area (ha) by land-use code, one panel per group, codes named and indented under their
    headings (hollow bars: a heading's total)."""
    _check(path)
    total = _total(lines) or sum(line.area for line in lines if line.depth == 1)

    def heading(group: StatLine | None, members: list[StatLine]) -> str:
        if group is None:
            return f"{OTHER}: {_ha(sum(m.area for m in members if m.depth == 1) / 1e4)}"
        share = f" ({100 * group.area / total:.1f} %)" if total else ""
        return f"{group.code}  {group.name}: {_ha(group.area / 1e4)}{share}"

    panels = _panels(lines, lambda line: line.area, heading)
    fig, axes = _figure(panels, f"{title}\nTổng / total {_ha(total / 1e4)}")
    if not panels:
        _nothing(fig, axes[0], "Không có thửa đất / no parcel")
    for ax, panel in zip(axes, panels, strict=False):
        _draw_rows(ax, panel, lambda row: row.line.fill_color or "#999999", signed=False)
    axes[-1].set_xlabel("Diện tích (ha) / area (ha)")
    return _save(fig, path)


def plot_comparison(before: Sequence[StatLine], after: Sequence[StatLine], path: Path,
                    title: str, labels: tuple[str, str]) -> Path:
    """What each land-use code gained (green) or lost (red) in ha from the first date to the
    second, one panel per group, codes named and indented under their headings."""
    _check(path)
    old = {line.code: line.area for line in before}
    new = {line.code: line for line in after}
    lines = list(after) + [line for line in before if line.code not in new]

    def change(line: StatLine) -> float:
        return (new[line.code].area if line.code in new else 0.0) - old.get(line.code, 0.0)

    def heading(group: StatLine | None, members: list[StatLine]) -> str:
        if group is None:
            return f"{OTHER}: {_ha(sum(change(m) for m in members if m.depth == 1) / 1e4, True)}"
        return (f"{group.code}  {group.name}: {_ha(old.get(group.code, 0.0) / 1e4)} → "
                f"{_ha(change(group) / 1e4 + old.get(group.code, 0.0) / 1e4)} "
                f"({_ha(change(group) / 1e4, True)})")

    panels = _panels(lines, change, heading)
    before_total, after_total = _total(before), _total(after)
    fig, axes = _figure(panels, f"{title}\nTổng / total {labels[0]}: {_ha(before_total / 1e4)}"
                        f" → {labels[1]}: {_ha(after_total / 1e4)}")
    if not panels:
        _nothing(fig, axes[0], f"Không thay đổi / no change {labels[0]} → {labels[1]}")
    # One scale centred on zero for every panel: gains and losses compare across groups.
    reach = 1.3 * max((abs(r.value) for p in panels for r in p.rows), default=1.0)
    for ax, panel in zip(axes, panels, strict=False):
        _draw_rows(ax, panel, lambda row: GAIN if row.value >= 0 else LOSS, signed=True)
        ax.axvline(0, color=EDGE, linewidth=0.8)
        ax.set_xlim(-reach, reach)
    axes[-1].set_xlabel(f"Tăng (+) / giảm (−) diện tích, ha — gain (+) / loss (−), "
                        f"{labels[0]} → {labels[1]}")
    return _save(fig, path)
