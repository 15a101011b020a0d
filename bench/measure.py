"""Timing helpers and the results table (printed, and written as JSON and Markdown)."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULTS_DIR = Path(__file__).resolve().parent / "results"


@dataclass
class Figure:
    """One measured operation beside its raw baseline."""

    operation: str
    size: str
    median_ms: float
    p95_ms: float | None
    p99_ms: float | None
    baseline: str
    baseline_median_ms: float
    baseline_p99_ms: float | None = None
    target: str = ""
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.median_ms / self.baseline_median_ms if self.baseline_median_ms else float("nan")


@dataclass
class Results:
    """All figures of one run, with a description of the machine."""

    figures: list[Figure] = field(default_factory=list)
    machine: dict[str, str] = field(default_factory=dict)

    def add(self, figure: Figure) -> None:
        self.figures.append(figure)
        print(format_row(figure), flush=True)

    def write(self, name: str) -> tuple[Path, Path]:
        RESULTS_DIR.mkdir(exist_ok=True)
        json_path = RESULTS_DIR / f"{name}.json"
        md_path = RESULTS_DIR / f"{name}.md"
        payload = {
            "machine": self.machine,
            "figures": [asdict(f) | {"ratio": round(f.ratio, 3)} for f in self.figures],
        }
        json_path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
        md_path.write_text(markdown(self) + "\n")
        return json_path, md_path


def timings(action: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    """Milliseconds of `repeat` calls after `warmup` unmeasured ones."""
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank."""
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index]


def summary(samples: list[float]) -> tuple[float, float, float]:
    """Median, p95 and p99 of samples in ms."""
    return statistics.median(samples), percentile(samples, 95), percentile(samples, 99)


def machine_description() -> dict[str, str]:
    """CPU, cores, memory and software versions, to read the figures against."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    postgres = subprocess.run(
        ["/usr/lib/postgresql/15/bin/postgres", "--version"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory_gib": f"{int(memory) / 2**20:.1f}",
        "os": platform.platform(),
        "python": platform.python_version(),
        "postgres": postgres,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }


HEADER = (
    "| operation | size | median ms | p95 ms | p99 ms | baseline | baseline median ms "
    "| baseline p99 ms | ratio | target |"
)


def format_row(figure: Figure) -> str:
    """One Markdown table row."""

    def fmt(value: float | None) -> str:
        return "–" if value is None else f"{value:.3f}"

    return (
        f"| {figure.operation} | {figure.size} | {fmt(figure.median_ms)} | "
        f"{fmt(figure.p95_ms)} | {fmt(figure.p99_ms)} | {figure.baseline} | "
        f"{fmt(figure.baseline_median_ms)} | {fmt(figure.baseline_p99_ms)} | "
        f"{figure.ratio:.2f}× | {figure.target} |"
    )


def markdown(results: Results) -> str:
    """The whole run as Markdown: machine, then the table, then notes."""
    lines = ["## Machine", ""]
    lines += [f"- {key}: {value}" for key, value in results.machine.items()]
    lines += ["", "## Figures", "", HEADER, "|" + "---|" * 10]
    lines += [format_row(figure) for figure in results.figures]
    notes = [f"- {f.operation} ({f.size}): {f.note}" for f in results.figures if f.note]
    if notes:
        lines += ["", "## Notes", "", *notes]
    return "\n".join(lines)
