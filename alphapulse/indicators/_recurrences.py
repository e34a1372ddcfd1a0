"""TA-Lib's smoothing recurrences along the candle axis, without a loop over candles, numpy only.

EMA and Wilder's smoothing are `y[t] = a * y[t-1] + gain * u[t]` from a seed, with a constant
`0 <= a < 1`. Unrolled, `y[k] = a**(k+1) * (y0 + sum over i <= k of gain * u[i] * a**-(i+1))`:
one cumsum a row. The terms grow like `a**-i` and each partial sum is dominated by its newest
terms, so the rounding error stays a fixed multiple of `eps / (1 - a)` relative to y, however long
the series. To keep `a**-i` finite the candles are taken in chunks over which it grows by at most
`e**MAX_EXPONENT`, each chunk continuing from the last value of the one before: one chunk for an
EMA 12 up to ~1,800 candles, a loop over a handful of chunks beyond.

The smoothed series is linear in its input, so its last value (or any weighted sum of its values,
as MACD's signal takes of MACD's line) is a weighted sum of the input: `smoothed_adjoint` gives
those weights by running the recurrence backwards over the output's weights (the transposed
recurrence), `smoothed_weights` the weights of the last value alone. Detection, which scores the
newest candle only, takes one weighted sum instead of building series.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float64]

# a**-chunk <= e**300 ~ 2e130: inputs up to ~1e170 in magnitude stay finite.
MAX_EXPONENT = 300.0


def ema_coefficients(period: int) -> tuple[float, float]:
    """TA-Lib's EMA as (a, gain): `beta = (p-1)/(p+1)` and `k = 1 - beta`."""
    beta = (period - 1) / (period + 1)
    return beta, 1.0 - beta


def wilder_coefficients(period: int) -> tuple[float, float]:
    """Wilder's smoothing (RSI, ATR) as (a, gain): `beta = (p-1)/p` and `1 - beta`."""
    beta = (period - 1) / period
    return beta, 1.0 - beta


@lru_cache(maxsize=64)
def _scales(a: float, gain: float, length: int) -> tuple[Float, Float]:
    """(gain * a**-(k+1), a**(k+1)) for k < length, read-only."""
    k = np.arange(1, length + 1, dtype=np.float64)
    grow, shrink = gain * np.power(a, -k), np.power(a, k)
    grow.flags.writeable = shrink.flags.writeable = False
    return grow, shrink


def smooth(seed: Float, u: Float, a: float, gain: float) -> Float:
    """`seed` (..., 1), then `y = a * y + gain * u` for each candle of `u` (..., m): (..., 1 + m).

    Along the last axis; any leading axes (symbols, series smoothed together) are independent.
    """
    m = u.shape[-1]
    y = np.empty((*u.shape[:-1], 1 + m))
    y[..., :1] = seed
    if a == 0.0:  # a period of 1: each value is its input
        np.multiply(u, gain, out=y[..., 1:])
        return y
    chunk = max(1, int(MAX_EXPONENT / -math.log(a)))
    for start in range(0, m, chunk):
        stop = min(start + chunk, m)
        grow, shrink = _scales(a, gain, stop - start)
        part = y[..., 1 + start : 1 + stop]
        np.multiply(u[..., start:stop], grow, out=part)
        np.add.accumulate(part, axis=-1, out=part)
        part += y[..., start : start + 1]  # the value before the chunk
        part *= shrink
    return y


def smoothed(x: Float, period: int, a: float, gain: float) -> Float:
    """TA-Lib's seeding of EMA and Wilder: the mean of the first `period` values of `x` (of each
    row along the last axis), then the recurrence over the rest: (..., n - period + 1)."""
    seed = np.add.reduce(x[..., :period], axis=-1, keepdims=True) / period
    return smooth(seed, x[..., period:], a, gain)


def smoothed_adjoint(w: Float, period: int, a: float, gain: float) -> Float:
    """The weights on `x` of `sum over k of w[k] * smoothed(x, period, a, gain)[k]`, 1-D.

    `smoothed[k] = a**k * seed + sum over 1 <= j <= k of a**(k-j) * gain * x[period-1+j]`, so with
    `back[k] = w[k] + a * back[k+1]` (the recurrence run backwards over `w`) the seed weighs
    `back[0]`, shared by its `period` values, and `x[period-1+j]` weighs `gain * back[j]`.
    """
    back = smooth(w[-1:], w[-2::-1], a, 1.0)[::-1]
    weights = np.empty(len(w) + period - 1)
    weights[:period] = back[0] / period
    weights[period:] = gain * back[1:]
    return weights


def smoothed_weights(n: int, period: int, a: float, gain: float) -> Float:
    """The weight of each of `n` values in the last value of `smoothed` (n >= period)."""
    last = np.zeros(n - period + 1)
    last[-1] = 1.0
    return smoothed_adjoint(last, period, a, gain)
