"""The single indicators, each TA-Lib's function: `sma`, `ema`, `rsi`, `macd`, `bbands`, `stoch`,
`atr`, `volume_ratio`.

Each one is three pieces: its lookback (`*_lookback`, from its periods: the index of its first
value), its computation on validated rows (`*_rows`: the values from the lookback on, one column a
candle) and the public function, which checks the arguments and pads the warm-up with NaN.
`compute_indicators` runs the same `*_rows` functions, and so does `newest_indicators` on the
newest windows; the recurrences' newest values are weighted sums (`*_weights`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache

import numpy as np
from numpy.typing import ArrayLike

from alphapulse.indicators._inputs import (
    Float,
    as_candles,
    as_multiplier,
    as_period,
    as_series,
    full,
    quiet,
    rows,
)
from alphapulse.indicators._recurrences import (
    ema_coefficients,
    smoothed,
    smoothed_adjoint,
    smoothed_weights,
    wilder_coefficients,
)
from alphapulse.indicators._windows import window_max, window_min, window_sum, window_variance

SCALED_ZERO = 1e-14  # TA-Lib's TA_EPSILON in TA_IS_ZERO_SCALED (STOCH's flat range)
TINY = 5e-324  # the least positive double: 0 / TINY is 0


# ---------------------------------------------------------------------------------------------
# Lookbacks: how many candles each indicator needs before its first value.


def sma_lookback(period: int) -> int:
    return period - 1


def ema_lookback(period: int) -> int:
    return period - 1


def rsi_lookback(period: int) -> int:
    return period  # the first change is at candle 1


def atr_lookback(period: int) -> int:
    return period  # the first true range is at candle 1


def macd_lookback(fast: int, slow: int, signal: int) -> int:
    return max(fast, slow) - 1 + signal - 1


def bbands_lookback(period: int, nbdev_up: float = 0.0, nbdev_down: float = 0.0) -> int:
    return period - 1


def stoch_lookback(fastk: int, slowk: int, slowd: int) -> int:
    return (fastk - 1) + (slowk - 1) + (slowd - 1)


def volume_ratio_lookback(period: int) -> int:
    return period - 1


# ---------------------------------------------------------------------------------------------
# The computations on rows (n > lookback): the values of the candles from the lookback on, with
# numpy's warnings silenced by the caller (`quiet`).


def sma_rows(x: Float, period: int) -> Float:
    """TA-Lib's SMA: the mean of each window."""
    return window_sum(x, period) / period


def ema_rows(x: Float, period: int) -> Float:
    """TA-Lib's EMA: `k = 1 - beta`, `beta = (p-1)/(p+1)`, seeded with the first `p` values."""
    return smoothed(x, period, *ema_coefficients(period))


def _read_only(weights: Float) -> Float:
    weights.flags.writeable = False  # kept in a cache and shared by every caller
    return weights


@lru_cache(maxsize=32)
def ema_weights(n: int, period: int) -> Float:
    """The weight of each of `n` values in the newest EMA, read-only."""
    return _read_only(smoothed_weights(n, period, *ema_coefficients(period)))


@lru_cache(maxsize=32)
def wilder_weights(n: int, period: int) -> Float:
    """The weight of each of `n` values in the newest Wilder smoothing (RSI's, ATR's), read-only."""
    return _read_only(smoothed_weights(n, period, *wilder_coefficients(period)))


def price_changes(close: Float) -> Float:
    """The gains and the losses of candles 1..n-1, stacked: (2, rows, n - 1)."""
    change = close[:, 1:] - close[:, :-1]
    moves = np.empty((2, *change.shape))
    np.maximum(change, 0.0, out=moves[0])
    np.subtract(moves[0], change, out=moves[1])  # exact: the gain is 0 or the change itself
    return moves


def relative_strength(gain: Float, loss: Float) -> Float:
    """RSI from the smoothed gains and losses: `100 * gain / (gain + loss)`, 0 where both are 0."""
    total = np.maximum(gain + loss, TINY)  # never negative: TINY is the total unless it is 0
    ratio: Float = 100.0 * (gain / total)
    return ratio


def rsi_rows(close: Float, period: int) -> Float:
    """TA-Lib's RSI: Wilder's smoothing of the gains and the losses (smoothed together)."""
    gain, loss = smoothed(price_changes(close), period, *wilder_coefficients(period))
    return relative_strength(gain, loss)


def true_range(high: Float, low: Float, close: Float) -> Float:
    """TA-Lib's true range of candles 1..n-1: max(high, prev close) - min(low, prev close).

    Bit for bit TA-Lib's greatest of high-low, |prev-high| and |prev-low|: the difference chosen is
    one of those three, computed the same way, and rounding is monotonic.
    """
    prev = close[:, :-1]
    return np.maximum(high[:, 1:], prev) - np.minimum(low[:, 1:], prev)


def atr_rows(high: Float, low: Float, close: Float, period: int) -> Float:
    """TA-Lib's ATR: Wilder's smoothing of the true range (period 1: the true range itself)."""
    return smoothed(true_range(high, low, close), period, *wilder_coefficients(period))


def macd_rows(close: Float, fast: int, slow: int, signal: int) -> tuple[Float, Float, Float]:
    """TA-Lib's MACD: (line, signal, histogram); a slow period under the fast one is swapped.

    TA_INT_MACD seeds the fast EMA on the slow EMA's first bar, with the mean of the `fast` closes
    ending there: the fast EMA of the closes from candle `slow - fast` on, NOT `ema(close, fast)`.
    The signal is the EMA of the line, seeded with the mean of its first `signal` values; the
    outputs are cut to the signal's candles.
    """
    fast, slow = min(fast, slow), max(fast, slow)
    line = ema_rows(close[:, slow - fast :], fast) - ema_rows(close, slow)  # from candle slow-1
    line_signal = ema_rows(line, signal)
    line = line[:, line.shape[1] - line_signal.shape[1] :]
    return line, line_signal, line - line_signal


@lru_cache(maxsize=32)
def macd_weights(n: int, fast: int, slow: int, signal: int) -> Float:
    """The weights of `n` closes in the newest MACD line and signal: (2, n), read-only
    (n > `macd_lookback`).

    Both are linear in the closes: the line's weights are the fast EMA's (on the closes from
    `slow - fast` on, as `macd_rows` seeds it) minus the slow one's; the signal weighs the line's
    values by its own EMA weights, carried back through both EMAs (`smoothed_adjoint`).
    """
    fast, slow = min(fast, slow), max(fast, slow)
    length = n - slow + 1  # of the line

    def through_line(w: Float) -> Float:  # weights on the line -> weights on the closes
        on_closes = -smoothed_adjoint(w, slow, *ema_coefficients(slow))
        on_closes[slow - fast :] += smoothed_adjoint(w, fast, *ema_coefficients(fast))
        return on_closes

    newest = np.zeros(length)
    newest[-1] = 1.0
    return _read_only(np.array([through_line(newest), through_line(ema_weights(length, signal))]))


def bbands_rows(
    close: Float, period: int, nbdev_up: float, nbdev_down: float
) -> tuple[Float, Float, Float]:
    """TA-Lib's BBANDS with an SMA: (upper, middle, lower); the deviation is the population
    standard deviation of the window, exactly 0 on a flat one."""
    middle = sma_rows(close, period)
    deviation = np.sqrt(window_variance(close, period))
    return middle + nbdev_up * deviation, middle, middle - nbdev_down * deviation


def stoch_rows(
    high: Float, low: Float, close: Float, fastk: int, slowk: int, slowd: int
) -> tuple[Float, Float]:
    """TA-Lib's STOCH with SMAs: (slow %K, slow %D).

    Fast %K = `(close - lowest) / ((highest - lowest) / 100)`, 0 where the range is within 1e-14
    of the prices (TA_IS_ZERO_SCALED); slow %K is its SMA, %D the SMA of slow %K.
    """
    highest, lowest = window_max(high, fastk), window_min(low, fastk)
    span = highest - lowest
    span[span <= np.abs(highest + lowest) * SCALED_ZERO] = np.inf  # flat: a finite x / inf is 0
    fast_k = (close[:, fastk - 1 :] - lowest) / (span / 100.0)
    slow_k = sma_rows(fast_k, slowk)
    return slow_k[:, slowd - 1 :], sma_rows(slow_k, slowd)


def volume_ratio_rows(volume: Float, period: int) -> Float:
    """volume / SMA(volume, period); a window of zero volumes gives NaN (0/0), as numpy does."""
    ratio: Float = volume[:, period - 1 :] / sma_rows(volume, period)
    return ratio


# ---------------------------------------------------------------------------------------------
# The public functions: argument checks, then the rows, NaN over the warm-up.


def _padded(
    compute: Callable[..., Float | tuple[Float, ...]],
    lookback: int,
    series: Sequence[Float],
    *params: float,
) -> tuple[Float, ...]:
    """`compute` of the rows of `series` with `params`, each output in the input's shape, NaN for
    the first `lookback` candles (all NaN for a series no longer than that)."""
    shape = series[0].shape
    if shape[-1] <= lookback:
        return tuple(np.full(shape, np.nan) for _ in range(3))  # the caller takes 1, 2 or 3
    with quiet():
        result = compute(*(rows(x) for x in series), *params)
    return tuple(full(part, shape) for part in (result if isinstance(result, tuple) else (result,)))


def sma(x: ArrayLike, period: int) -> Float:
    """Simple moving average, TA-Lib's SMA(x, period): NaN for the first `period - 1` values."""
    arr = as_series("x", x)
    p = as_period("period", period, 1)
    return _padded(sma_rows, sma_lookback(p), [arr], p)[0]


def ema(x: ArrayLike, period: int) -> Float:
    """Exponential moving average, TA-Lib's EMA(x, period), seeded by an SMA of the first values."""
    arr = as_series("x", x)
    p = as_period("period", period, 1)
    return _padded(ema_rows, ema_lookback(p), [arr], p)[0]


def rsi(close: ArrayLike, period: int = 14) -> Float:
    """Relative strength index, TA-Lib's RSI(close, period): Wilder's smoothing, seeded by SMAs."""
    arr = as_series("close", close)
    p = as_period("period", period, 2)
    return _padded(rsi_rows, rsi_lookback(p), [arr], p)[0]


def atr(high: ArrayLike, low: ArrayLike, close: ArrayLike, period: int = 14) -> Float:
    """Average true range, TA-Lib's ATR(high, low, close, period); period 1 is the true range."""
    hlc = as_candles(high=high, low=low, close=close)
    p = as_period("period", period, 1)
    return _padded(atr_rows, atr_lookback(p), hlc, p)[0]


def macd(
    close: ArrayLike, fast_period: int = 12, slow_period: int = 26, signal_period: int = 9
) -> tuple[Float, Float, Float]:
    """TA-Lib's MACD(close, fast, slow, signal): (macd, signal, histogram).

    As in TA-Lib a slow period shorter than the fast one is swapped with it, and the fast EMA is
    seeded on the slow EMA's first bar (see `macd_rows`).
    """
    arr = as_series("close", close)
    periods = (
        as_period("fast_period", fast_period, 2),
        as_period("slow_period", slow_period, 2),
        as_period("signal_period", signal_period, 1),
    )
    line, signal, hist = _padded(macd_rows, macd_lookback(*periods), [arr], *periods)[:3]
    return line, signal, hist


def bbands(
    close: ArrayLike, period: int = 20, nbdev_up: float = 2.0, nbdev_down: float = 2.0
) -> tuple[Float, Float, Float]:
    """TA-Lib's BBANDS(close, period, nbdev_up, nbdev_down, matype=SMA): (upper, middle, lower)."""
    arr = as_series("close", close)
    p = as_period("period", period, 2)
    up = as_multiplier("nbdev_up", nbdev_up)
    down = as_multiplier("nbdev_down", nbdev_down)
    upper, middle, lower = _padded(bbands_rows, bbands_lookback(p), [arr], p, up, down)[:3]
    return upper, middle, lower


def stoch(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    fastk_period: int = 14,
    slowk_period: int = 3,
    slowd_period: int = 3,
) -> tuple[Float, Float]:
    """TA-Lib's STOCH(high, low, close, fastk, slowk, SMA, slowd, SMA): (slow %K, slow %D)."""
    hlc = as_candles(high=high, low=low, close=close)
    periods = (
        as_period("fastk_period", fastk_period, 1),
        as_period("slowk_period", slowk_period, 1),
        as_period("slowd_period", slowd_period, 1),
    )
    slow_k, slow_d = _padded(stoch_rows, stoch_lookback(*periods), hlc, *periods)[:2]
    return slow_k, slow_d


def volume_ratio(volume: ArrayLike, period: int = 20) -> Float:
    """volume / SMA(volume, period); a window of zero volumes gives NaN (0/0), as numpy does."""
    arr = as_series("volume", volume)
    p = as_period("period", period, 1)
    return _padded(volume_ratio_rows, volume_ratio_lookback(p), [arr], p)[0]
