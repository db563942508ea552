"""The one summary line each benchmark prints last, which `make bench` collects.

    BENCH pages | p95 41.7 ms | baseline 19.2 ms | ratio 2.17 | target p95 < 60 ms and ratio <= 4: met

A line starts with "BENCH " so the runner can pick it out of the script's other output.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "BENCH "


@dataclass(frozen=True)
class Summary:
    name: str
    figure: float
    baseline: float
    unit: str
    ratio: float
    target: str
    met: bool
    label: str = "p95"

    def line(self) -> str:
        verdict = "met" if self.met else "MISSED"
        return (
            f"{PREFIX}{self.name} | {self.label} {self.figure:.1f} {self.unit} | baseline {self.baseline:.1f} "
            f"{self.unit} | ratio {self.ratio:.2f} | target {self.target}: {verdict}"
        )


def print_summary(summary: Summary) -> None:
    """Print the benchmark's summary line (flushed: the runner reads the output as it comes)."""
    print(summary.line(), flush=True)
