"""The newest value of each indicator: what detection scores."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from alphapulse.indicators import series
from alphapulse.indicators._inputs import Float, as_candles, quiet, rows
from alphapulse.indicators.combined import INDICATORS, LOOKBACKS, PARAMS, compute_indicators

# From this many candles every output has a newest value; shorter series take the whole path.
NEWEST_FROM = max(LOOKBACKS.values()) + 1
# BBANDS' middle band is the SMA of its period (`bbands_rows` runs `sma_rows`): SMA_20 is taken
# from it.
assert PARAMS["SMA_20"] == PARAMS["BB_MIDDLE"][:1]


def newest_indicators(
    open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike, volume: ArrayLike
) -> Float:
    """The newest value of each indicator, shape (len(INDICATORS), symbols), rows in that order.

    `compute_indicators`' last column to rounding, from what the newest candle depends on: a
    window indicator (SMA, BBANDS, STOCH, VOLUME_RATIO) is its `*_rows` function on the newest
    windows alone; a recurrence (EMA, MACD and its signal, RSI's and ATR's smoothing) is linear in
    its input, so its newest value is one weighted sum of it (`series.*_weights`, kept per length).
    Each row is reduced alike, so a 2-D call gives row for row what its 1-D calls give, bit for
    bit. A 1-D series is one symbol; NaN for an output still in its warm-up.
    """
    _, h, l, c, v = as_candles(open=open, high=high, low=low, close=close, volume=volume)
    if c.shape[-1] == 0:
        raise ValueError("the series are empty: there is no newest candle")
    return newest_of_rows(h, l, c, v)


def newest_of_rows(high: Float, low: Float, close: Float, volume: Float) -> Float:
    """`newest_indicators` of candles already checked (float64, one shape, at least one candle),
    as detection has them: the same values without checking them again."""
    h, l, c, v = (rows(x) for x in (high, low, close, volume))
    if c.shape[1] < NEWEST_FROM:
        whole = compute_indicators(c, h, l, c, v)  # `open` is used by no indicator
        return np.array([rows(whole[name])[:, -1] for name in INDICATORS])
    with quiet():
        values = {**_recurrences(h, l, c), **_windows(h, l, c, v)}  # each (symbols, 1)
    return np.array([values[name] for name in INDICATORS]).reshape(len(INDICATORS), -1)


def _weighted(x: Float, weights: Float) -> Float:
    """Each row of `x` (..., n) weighted by `weights` (n,) or (k, n) and summed, (..., 1): numpy's
    reduction along a row, the same for every row (BLAS's `@` sums a batch differently)."""
    summed: Float = np.add.reduce(x * weights, axis=-1, keepdims=True)
    return summed


@lru_cache(maxsize=32)
def _trend_weights(n: int) -> Float:
    """The weights of `n` closes in the newest EMA_12, EMA_26, MACD and MACD_SIGNAL: (4, n),
    read-only, one matrix so that the four are one weighted sum."""
    (fast,), (slow,) = PARAMS["EMA_12"], PARAMS["EMA_26"]
    emas = [series.ema_weights(n, fast), series.ema_weights(n, slow)]
    weights = np.concatenate([emas, series.macd_weights(n, *PARAMS["MACD"])])
    weights.flags.writeable = False  # kept in the cache, shared by every call
    return weights


def _recurrences(h: Float, l: Float, c: Float) -> dict[str, Float]:
    """EMA_12, EMA_26, MACD's three outputs, RSI_14 and ATR_14 as weighted sums (n >= 50)."""
    n = c.shape[1]
    ema_12, ema_26, macd, signal = _weighted(c[:, np.newaxis, :], _trend_weights(n)).transpose(
        1, 0, 2
    )
    (rsi_period,), (atr_period,) = PARAMS["RSI_14"], PARAMS["ATR_14"]
    gain, loss = _weighted(series.price_changes(c), series.wilder_weights(n - 1, rsi_period))
    true_range = series.true_range(h, l, c)
    return {
        "EMA_12": ema_12,
        "EMA_26": ema_26,
        "MACD": macd,
        "MACD_SIGNAL": signal,
        "MACD_HIST": macd - signal,
        "RSI_14": series.relative_strength(gain, loss),
        "ATR_14": _weighted(true_range, series.wilder_weights(n - 1, atr_period)),
    }


def _windows(h: Float, l: Float, c: Float, v: Float) -> dict[str, Float]:
    """SMA_20, SMA_50, BBANDS, STOCH and VOLUME_RATIO on their newest windows."""

    def newest(x: Float, name: str) -> Float:  # the candles the newest value depends on
        return x[:, -(LOOKBACKS[name] + 1) :]

    upper, middle, lower = series.bbands_rows(newest(c, "BB_MIDDLE"), *PARAMS["BB_MIDDLE"])
    slow_k, slow_d = series.stoch_rows(
        newest(h, "STOCH_K"), newest(l, "STOCH_K"), newest(c, "STOCH_K"), *PARAMS["STOCH_K"]
    )
    values = {
        "BB_UPPER": upper,
        "BB_MIDDLE": middle,
        "BB_LOWER": lower,
        "STOCH_K": slow_k,
        "STOCH_D": slow_d,
        "SMA_20": middle,
        "SMA_50": series.sma_rows(newest(c, "SMA_50"), *PARAMS["SMA_50"]),
        "VOLUME_RATIO": series.volume_ratio_rows(
            newest(v, "VOLUME_RATIO"), *PARAMS["VOLUME_RATIO"]
        ),
    }
    return values
