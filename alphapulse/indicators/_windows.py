"""Window sums, extremes and variances along the candle axis, numpy only.

Arrays are 2-D: one row a symbol, candles on the last axis. A window function returns one column
per whole window, in order: column j is the window of `period` candles that starts at candle j and
ends at candle j + period - 1 (n - period + 1 columns; none for a shorter series).

A series is reduced by doubling (`_reduce`): blocks of 1, 2, 4, ... candles, each pass combining
pairs of blocks of the previous size, and each window is the blocks of the binary digits of
`period` side by side. So:

* the work is a few whole-array operations per binary digit of the period, with no loop over
  candles or symbols;
* a window's result depends on its own values only: a sum has the rounding of a tree sum of its
  `period` values, with no running total that drifts along the series, and a window of zeros
  sums to exactly 0;
* extremes never round; a variance comes from sums of deviations from the window's first value,
  which do not cancel: a flat window has variance exactly 0, a quiet window after a volatile
  stretch keeps its digits.

A series of a few windows (the newest ones, in `newest_indicators`) is gathered into its windows
and each reduced in one numpy call instead: the same formulas summed in numpy's order.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float64]
# How two adjacent blocks make one: (left, right, left size, right size) -> the pair's block.
# A block is what is kept of it, along the last axis: its sum, its extreme, or its deviations'
# sum and sum of squares (stacked on a first axis).
Combine = Callable[[Float, Float, int, int], Float]

FEW = 8  # up to this many windows are gathered rather than built by doubling


def _reduce(x: Float, period: int, combine: Combine) -> Float:
    """`combine` over the windows of `period` candles, from the one-candle blocks `x`."""
    window: Float | None = None  # the digits of `period` taken so far: `size` candles a window
    size = 0
    block, span = x, 1  # every block of `span` candles, column j starting at candle j
    digits = period
    while True:
        if digits & 1:
            if window is None:
                window, size = block, span
            else:
                count = max(window.shape[-1] - span, 0)  # windows of size + span
                window = combine(window[..., :count], block[..., size : size + count], size, span)
                size += span
        digits >>= 1
        if not digits:
            break
        count = max(block.shape[-1] - span, 0)  # blocks of 2 * span
        block = combine(block[..., :count], block[..., span : span + count], span, span)
        span *= 2
    assert window is not None
    return window.copy() if window is x else window


@lru_cache(maxsize=32)
def _starts(count: int, period: int) -> NDArray[np.intp]:
    """The candles of each of `count` windows of `period`: (count, period), read-only."""
    index = np.arange(count)[:, np.newaxis] + np.arange(period)
    index.flags.writeable = False
    return index


def _few(x: Float, period: int) -> Float | None:
    """The windows of `x` side by side, (..., windows, period), if they are few; else None."""
    count = int(x.shape[-1]) - period + 1
    if count == 1:
        return x[..., np.newaxis, :]
    return x.take(_starts(count, period), axis=-1) if 1 < count <= FEW else None


def _folded(ufunc: np.ufunc, x: Float, period: int) -> Float:
    """`ufunc` (add, maximum, minimum) folded over each window of `period` candles of `x`."""
    count = int(x.shape[-1]) - period + 1
    if count == 1:
        folded: Float = ufunc.reduce(x, axis=-1, keepdims=True)
        return folded
    if (windows := _few(x, period)) is not None:
        folded = ufunc.reduce(windows, axis=-1)
        return folded
    return _reduce(x, period, lambda left, right, _, __: ufunc(left, right))


def window_sum(x: Float, period: int) -> Float:
    """Sum of each window of `period` candles of `x` (rows, n)."""
    return _folded(np.add, x, period)


def window_max(x: Float, period: int) -> Float:
    """Highest value of each window of `period` candles of `x`."""
    return _folded(np.maximum, x, period)


def window_min(x: Float, period: int) -> Float:
    """Lowest value of each window of `period` candles of `x`."""
    return _folded(np.minimum, x, period)


def _anchored(x: Float) -> Combine:
    """How two adjacent blocks of `x` make one, each kept as (sum of d, sum of d**2), d the
    deviations of its values from its first value (its anchor).

    The left block of column j starts at candle j, the right one `n_left` candles later: the
    right block's deviations move onto the left's anchor by `delta`, the difference of the two
    anchors, as sums of `d + delta`. Prices a few candles apart are close, so `delta` is small
    (exact where they are within a factor 2); on a flat stretch it is 0 and the sums stay 0.
    """

    def combine(left: Float, right: Float, n_left: int, n_right: int) -> Float:
        count = left.shape[-1]
        delta = x[..., n_left : n_left + count] - x[..., :count]
        moved = delta * n_right
        pair = left + right
        s1, s2 = pair
        s1 += moved
        shift = 2.0 * right[0]
        shift += moved
        shift *= delta  # sum of (d + delta)**2 - d**2 over the right block
        s2 += shift
        return pair

    return combine


def window_variance(x: Float, period: int) -> Float:
    """Population variance of each window of `period` candles of `x`, never negative.

    `E[d**2] - E[d]**2` with d the deviations from the window's first value: at the scale of the
    moves within the window, not of the price, so it does not cancel (TA-Lib 0.8 anchors its sums
    near the window too), and on whole-number prices every sum is exact.
    """
    if (windows := _few(x, period)) is not None:
        d = windows - windows[..., :1]
        s1, s2 = np.add.reduce(d, axis=-1), np.add.reduce(d * d, axis=-1)
    else:
        # One-candle blocks deviate by 0 from their anchor, themselves.
        s1, s2 = _reduce(np.zeros((2, *x.shape)), period, _anchored(x))
    mean = s1 / period
    variance: Float = np.maximum(
        s2 / period - mean * mean, 0.0
    )  # rounding may leave a hair below 0
    return variance
