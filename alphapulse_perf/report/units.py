"""Numbers with units, the way a person reads them: one unit chosen per value."""

from __future__ import annotations

import math

_TIME = ((1.0, "s"), (1e-3, "ms"), (1e-6, "us"), (1e-9, "ns"))
_BYTES = ((2.0**30, "GiB"), (2.0**20, "MiB"), (2.0**10, "KiB"), (1.0, "B"))


def format_value(value: float | None, unit: str) -> str:
    """`1.23 ms`, `54.7 MiB`, `0.67 ratio`, `12,345,678` (instructions, cycles); "-" if missing."""
    if value is None:
        return "-"
    if math.isinf(value) or math.isnan(value):
        return str(value)
    if unit in ("instructions", "cycles"):  # exact counts: every digit means something at 0.1 %
        return f"{value:,.0f}"
    scales = _TIME if unit == "seconds" else _BYTES if unit == "bytes" else None
    if scales is None:
        return f"{value:.3g} {unit}".rstrip()
    for scale, name in scales:
        if abs(value) >= scale:
            return f"{value / scale:.3g} {name}"
    scale, name = scales[-1]
    return f"{value / scale:.3g} {name}"


def json_number(value: float | None) -> float | None:
    """`value` as JSON can hold it: a finite number, else null (JSON has no NaN or infinity)."""
    return value if value is not None and math.isfinite(value) else None
