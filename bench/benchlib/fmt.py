"""Number formatting for the report's Markdown cells.

Every formatter takes floats that may be NaN (a median of no runs, a division by zero) and
prints "–" for them, so one failed peer never breaks a table or the whole report.
"""
from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

NAN = math.nan


def div(a: float, b: float) -> float:
    """a / b, NaN instead of ZeroDivisionError: ratios against a failed reference show "–"."""
    try:
        return a / b
    except ZeroDivisionError:
        return NAN


def median(xs: Sequence[float]) -> float:
    return statistics.median(xs) if xs else NAN


def mean(xs: Sequence[float]) -> float:
    return statistics.fmean(xs) if xs else NAN


def bad(x: float | None) -> bool:
    return x is None or math.isnan(x) or math.isinf(x)


def num(fmt: str, x: float) -> str:
    """printf-style cell (`%.3f`, `%d`, `%.0f%%`)."""
    return "–" if bad(x) else fmt % x


def commas(x: float) -> str:
    """Rounded to an integer with thousands separators (10,000), as the tables in docs/performance.md use."""
    return "–" if bad(x) else f"{int(x + 0.5):,}"


def wall(x: float) -> str:
    """Milliseconds below 0.1 s so scenario 4's start-up times keep three digits."""
    if bad(x):
        return "–"
    if x < 0.1:
        return f"{x * 1000:.1f} ms"
    if x < 10:
        return f"{x:.3f} s"
    return f"{x:.1f} s"


def rss(kib: float) -> str:
    return "–" if bad(kib) else f"{kib / 1024:.1f} MiB"


def ratio(x: float) -> str:
    """Against a reference that failed (rate 0, so NaN or not positive): "–", not 1e15×."""
    return "–" if bad(x) or x <= 0 else f"{x:.2f}×"


def percent(x: float) -> str:
    """One decimal below 10% so small shares of the wrk ceiling are not shown as 0%."""
    if bad(x):
        return "–"
    return f"{x:.1f}%" if x < 10 else f"{x:.0f}%"
