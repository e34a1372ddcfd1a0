"""The table of patterns and the wrapper that gives each one TA-Lib's calling convention.

A pattern is written once as a kernel `(geometry, lookback) -> values for candles [lookback, n)`;
`register` records it with its lookback, and `run` pads the warm-up with zeros as TA-Lib does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from alphapulse.patterns._geometry import Geometry

Kernel = Callable[[Geometry, int], NDArray[np.int32]]


@dataclass(frozen=True)
class PatternSpec:
    """A TA-Lib pattern: its function name, how many candles it needs before its first output."""

    name: str
    lookback: int
    kernel: Kernel

    def run(self, g: Geometry) -> NDArray[np.int32]:
        """TA-Lib's output for every candle: 0 for the warm-up, then the kernel's values."""
        out = np.zeros(g.close.shape, dtype=np.int32)
        if g.n > self.lookback:
            out[..., self.lookback :] = self.kernel(g, self.lookback)
        return out


SPECS: dict[str, PatternSpec] = {}


def register(name: str, lookback: int) -> Callable[[Kernel], Kernel]:
    """Record `kernel` as TA-Lib's pattern `name` (e.g. "CDLHAMMER") with that lookback."""

    def add(kernel: Kernel) -> Kernel:
        if name in SPECS:
            raise ValueError(f"pattern {name} is registered twice")
        SPECS[name] = PatternSpec(name, lookback, kernel)
        return kernel

    return add


_ZERO = np.int32(0)


def signal(hit: NDArray[np.bool_], value: NDArray[np.int32] | int) -> NDArray[np.int32]:
    """`value` where `hit`, else 0, as TA-Lib's int32 (one numpy call)."""
    return np.where(hit, np.int32(value) if isinstance(value, int) else value, _ZERO)
