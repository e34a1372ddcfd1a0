"""The table of patterns, the wrapper that gives each one TA-Lib's calling convention, and `signal`.

A pattern is written once as a kernel `(geometry, lookback) -> Signal` for candles [lookback, n)
(candle-major, like the geometry) that ends with `return signal(...)`; `register` records it with
its lookback, and `write` writes the signal as TA-Lib's int32 values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from alphapulse.patterns._geometry import Geometry


class Signal(NamedTuple):
    """What a kernel emits: `value * color` where `hit`, else 0 (see `signal`)."""

    hit: NDArray[np.bool_]
    value: int | NDArray[np.int32]
    color: NDArray[np.int32] | None


def signal(
    hit: NDArray[np.bool_],
    value: int | NDArray[np.int32],
    color: NDArray[np.int32] | None = None,
) -> Signal:
    """TA-Lib's value where `hit`, else 0; times `color` (TA_CANDLECOLOR, +1 or -1) if given.

    The one way kernels emit output: `write` turns it into int32 with a cast and in-place
    products, no temporary and no `np.where` (which costs three times as much at 1,000 candles,
    and on many symbols ten times more again: a branch per element).
    """
    return Signal(hit, value, color)


def write(s: Signal, out: NDArray[np.int32]) -> int:
    """Write the signal as int32 into `out` (an array of its shape), all but a scalar value,
    which it returns (1 if the value is an array, written already).

    The caller multiplies the scalar values of all the patterns in with one product over their
    block of outputs: one numpy call instead of one per pattern, where calls, not arithmetic,
    are the cost at 1,000 candles.
    """
    out[...] = s.hit  # a casting copy (cheaper than `np.copyto` at 1,000 candles)
    if s.color is not None:
        out *= s.color
    if isinstance(s.value, np.ndarray):
        out *= s.value
        return 1
    return s.value


Kernel = Callable[[Geometry, int], Signal]


@dataclass(frozen=True)
class PatternSpec:
    """A TA-Lib pattern: its function name, how many candles it needs before its first output.

    Its `kernel(g, lookback)` gives the signal of candles `[lookback, n)` when `g.n > lookback`;
    TA-Lib's output is 0 before (the warm-up).
    """

    name: str
    lookback: int
    kernel: Kernel


SPECS: dict[str, PatternSpec] = {}


def register(name: str, lookback: int) -> Callable[[Kernel], Kernel]:
    """Record `kernel` as TA-Lib's pattern `name` (e.g. "CDLHAMMER") with that lookback."""

    def add(kernel: Kernel) -> Kernel:
        if name in SPECS:
            raise ValueError(f"pattern {name} is registered twice")
        SPECS[name] = PatternSpec(name, lookback, kernel)
        return kernel

    return add
