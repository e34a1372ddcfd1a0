"""The indicators AlphaPulse scores with, equal to TA-Lib's (0.8.x) to a relative 1e-9, numpy only.

`compute_indicators(open, high, low, close, volume)` returns the 15 series of `INDICATORS`, each
TA-Lib's function with TA-Lib's defaults (SMA moving averages, no unstable period, default
compatibility); the single indicators are public too (`sma`, `ema`, `rsi`, `macd`, `bbands`,
`stoch`, `atr`, `volume_ratio`). Inputs are 1-D (one symbol) or 2-D (one row a symbol, candles on
the last axis); a 2-D call gives row for row what the 1-D calls give, bit for bit, because every
operation is elementwise or runs along the candle axis. Outputs have the input's shape and are NaN
for TA-Lib's lookback (the warm-up), so a series shorter than the lookback is all NaN, not an error.

The arithmetic is TA-Lib's, not a textbook's, so the numbers match:

* EMA: `k = 1 - beta`, `beta = (p-1)/(p+1)`, seeded with the plain average of the first `p` values.
* MACD: the fast EMA is seeded with the average of the `fast` closes that END where the slow seed
  ends (TA_INT_MACD aligns both seeds on the slow EMA's first bar), so MACD's fast line is NOT
  `ema(close, 12)`; the signal EMA is seeded with the average of the first `signal` MACD values.
* RSI and ATR: Wilder's smoothing, `beta = (p-1)/p`, seeded with the average of the first `p`
  gains and losses or true ranges; RSI = `100 * (gain / (gain + loss))`, 0 where the total is
  exactly 0 (TA-Lib 0.8.1 tests it exactly, no longer against 1e-8).
* BBANDS: middle band = SMA; deviation = population standard deviation from sums anchored near the
  window (TA-Lib 0.8 made its variance cancellation-free the same way), exactly 0 on a flat window.
* STOCH: fast %K = `(close - lowest) / ((highest - lowest) / 100)`, 0 where the range is within
  1e-14 of the prices (TA-Lib's TA_IS_ZERO_SCALED), then an SMA-3 for slow %K and one for %D.
* VOLUME_RATIO = `volume / SMA(volume, 20)` as numpy divides TA-Lib's numbers: a window of 20 zero
  volumes is NaN (0/0). TA-Lib's running total comes back to exactly 0 there whenever the volumes
  are whole numbers; with fractional ones it may keep a rounding residue and give 0 instead.

`newest_indicators` gives each one's value on the newest candle only, which is what detection
scores, from the newest windows and weighted sums instead of whole series: equal to TA-Lib's to
the same tolerance, and row for row (bit for bit) what its 1-D calls give, too.

How it runs without a loop over candles or symbols is in `alphapulse._moving`: every running sum
and recurrence is a cumsum. `compute_indicators` runs three, two series per complex cumsum: both
EMAs, RSI's gains and losses, volume and true range; the anchored close deviations (SMA 20/50,
BBANDS) in blocks; then MACD's signal with the flat-window counter. STOCH's window extremes are
log-step maxima. Scratch memory is kept per thread between calls (`_moving.Workspace`).

Limits: NaN in the input is not checked for (TA-Lib does not either) and propagates; recurrence
inputs beyond ~1e170 in magnitude overflow the chunk scaling.
"""

from __future__ import annotations

import math
from functools import lru_cache
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike, NDArray

from alphapulse._moving import (
    Recurrence,
    Scan,
    Workspace,
    anchored_moments,
    anchors,
    block_window_sum,
    chunk_length,
    ema_recurrence,
    fading,
    moment_block,
    newest_weights,
    pad,
    shift_sum3,
    wilder_recurrence,
    window_max,
    workspace,
)

__all__ = [
    "INDICATORS",
    "LOOKBACKS",
    "atr",
    "bbands",
    "compute_indicators",
    "ema",
    "macd",
    "newest_indicators",
    "rsi",
    "sma",
    "stoch",
    "volume_ratio",
]

Float = NDArray[np.float64]

# Index of the first non-NaN value of each output of `compute_indicators` (TA-Lib's lookback).
LOOKBACKS: dict[str, int] = {
    "RSI_14": 14,
    "MACD": 33,
    "MACD_SIGNAL": 33,
    "MACD_HIST": 33,
    "BB_UPPER": 19,
    "BB_MIDDLE": 19,
    "BB_LOWER": 19,
    "STOCH_K": 17,
    "STOCH_D": 17,
    "ATR_14": 14,
    "SMA_20": 19,
    "SMA_50": 49,
    "EMA_12": 11,
    "EMA_26": 25,
    "VOLUME_RATIO": 19,
}
INDICATORS: tuple[str, ...] = tuple(LOOKBACKS)

_MAX_PERIOD = 100_000  # TA-Lib's upper bound on every period
_MAX_MULTIPLIER = 3e37  # TA-Lib's TA_REAL_MAX, the bound on the band multipliers
_SCALED_ZERO = 1e-14  # TA-Lib's TA_EPSILON in TA_IS_ZERO_SCALED (STOCH's flat range)
_TINY = 5e-324  # the least positive double: max(total, _TINY) is total unless total is 0


# ---------------------------------------------------------------------------------------------
# Input normalisation: one function per kind of argument, every error naming the argument.


def _as_series(name: str, values: ArrayLike) -> Float:
    """`values` as a float64 array (no copy when it already is one), 1-D or 2-D."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf":
        raise ValueError(
            f"`{name}` must be a 1-D or 2-D array of real numbers, got dtype {arr.dtype}"
        )
    if arr.ndim not in (1, 2):
        raise ValueError(f"`{name}` must be a 1-D or 2-D array of real numbers, got {arr.ndim}-D")
    return np.asarray(arr, dtype=np.float64)


def _as_candles(**series: ArrayLike) -> list[Float]:
    """Several series that must share one shape (high, low, close...), checked in order."""
    names = list(series)
    arrays = [_as_series(name, values) for name, values in series.items()]
    for name, arr in zip(names[1:], arrays[1:], strict=True):
        if arr.shape != arrays[0].shape:
            raise ValueError(
                f"`{name}` has shape {arr.shape}, but `{names[0]}` has shape {arrays[0].shape}: "
                "they must have one shape"
            )
    return arrays


def _as_period(name: str, value: object, minimum: int) -> int:
    """An integer period in TA-Lib's range `[minimum, 100000]`."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value!r}")
    period = int(value)
    if not minimum <= period <= _MAX_PERIOD:
        raise ValueError(f"`{name}` must be >= {minimum} and <= {_MAX_PERIOD}, got {period}")
    return period


def _as_multiplier(name: str, value: object) -> float:
    """A finite band multiplier within TA-Lib's +-3e37."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise ValueError(f"`{name}` must be a real number, got {value!r}")
    number = float(value)
    if not (math.isfinite(number) and abs(number) <= _MAX_MULTIPLIER):
        raise ValueError(f"`{name}` must be finite and within +-{_MAX_MULTIPLIER:g}, got {number}")
    return number


def _rows(arr: Float) -> Float:
    """The series as C-contiguous rows (one row for 1-D): the flat views below rely on it."""
    return np.ascontiguousarray(arr.reshape(1, -1) if arr.ndim == 1 else arr)


def _nans(shape: tuple[int, ...]) -> tuple[Float, Float, Float]:
    """Three all-NaN outputs: the series is shorter than the lookback."""
    return np.full(shape, np.nan), np.full(shape, np.nan), np.full(shape, np.nan)


def _finish(full: Float, lookback: int, n: int, shape: tuple[int, ...]) -> Float:
    """A full-width result as the caller's output: warm-up NaN, padding cut, input shape."""
    full[:, : min(lookback, full.shape[1])] = np.nan
    return full[:, :n].reshape(shape)


# ---------------------------------------------------------------------------------------------
# Kernels on full-width rows, shared by the single indicators and `compute_indicators`.


def _sma_into(x: Float, period: int, out: Float) -> Float:
    """TA-Lib's SMA of `x` (rows, width) into `out`, valid from column `period - 1`.

    NaN or inf in the warm-up columns of `x` would poison a prefix sum; callers keep them finite.
    """
    if period == 1:
        np.copyto(out, x)
        return out
    if period == 3:
        shift_sum3(x, out)
    elif period == 2:
        xf, of = x.reshape(-1), out.reshape(-1)
        np.add(xf[1:], xf[:-1], out=of[1:])
        of[0] = 0.0
    else:
        rows, n = x.shape
        scan = Scan(rows, n, 1, chunk_length(n, (), period))
        scan.lane(0)[:, :n] = x
        scan.run()
        if scan.width == n:
            scan.window_sum(0, period, out)
        else:
            wide = scan.window_sum(0, period, np.empty((rows, scan.width)))
            np.copyto(out, wide[:, :n])
    out /= period
    return out


def _solve_rows(x: Float, rec: Recurrence) -> Float:
    """One recurrence over `x` (rows, n), full width n, valid from `rec.start`."""
    rows, n = x.shape
    scan = Scan(rows, n, 1, chunk_length(n, (rec,), rec.start + 1))
    scan.load(0, pad(x, scan.width), rec)
    scan.run()
    return scan.solve(0, rec, np.empty((rows, scan.width)))[:, :n]


def _scratch(ws: Workspace | None, name: str, shape: tuple[int, ...]) -> Float:
    """A scratch array: from the thread's workspace in `compute_indicators`, else fresh."""
    return np.empty(shape) if ws is None else ws.get(name, shape)


def _changes(cf: Float, gain: Float, loss: Float, change: Float) -> None:
    """Gains and losses of the close into flat lanes (index 0: no change yet, 0).

    `change` is flat scratch. At each row's first column the change crosses from the previous row:
    finite garbage, which the recurrence weights by 0.
    """
    np.subtract(cf[1:], cf[:-1], out=change[1:])
    np.maximum(change[1:], 0.0, out=gain[1:])
    np.subtract(gain[1:], change[1:], out=loss[1:])  # exact: gain is 0 or the change itself
    gain[0] = loss[0] = 0.0


def _true_range(hf: Float, lf: Float, cf: Float, out: Float, low: Float) -> None:
    """TA-Lib's true range into flat `out`: max(high, prev close) - min(low, prev close).

    Bit for bit TA-Lib's greatest of high-low, |prev-high| and |prev-low|: the difference chosen is
    one of those three, computed the same way, and rounding is monotonic. `low` is flat scratch.
    """
    prev = cf[:-1]
    np.maximum(hf[1:], prev, out=out[1:])
    np.minimum(lf[1:], prev, out=low[1:])
    out[1:] -= low[1:]
    out[0] = 0.0


def _rsi_into(gain: Float, loss: Float, total: Float, out: Float) -> None:
    """100 * (gain / (gain + loss)); 0 where the total is 0 (0 / the least double)."""
    np.add(gain, loss, out=total)
    np.maximum(total, _TINY, out=total)
    np.divide(gain, total, out=out)
    out *= 100.0


def _bands_into(
    scan: Scan,
    anchor: Float,
    changes: Float,
    period: int,
    multipliers: tuple[float, float],
    out: tuple[Float, Float, Float],
    scratch: Float,
) -> None:
    """Upper, middle and lower band (full width, from `period - 1`) into `out`.

    Middle = SMA = anchor + mean deviation, from the anchored sums of lanes 0 and 1 of `scan`
    (`anchored_moments`). `changes` counts the steps that move the close within each window: a
    window without one has deviation exactly 0, as TA-Lib's reseeded variance has; elsewhere the
    variance is clamped at 0 against rounding. Then TA-Lib's band loop: one product when the
    multipliers are equal, two otherwise. `scratch`: (5, rows, width).
    """
    upper, middle, lower = out
    up, down = multipliers
    s1, s2 = scratch[0], scratch[1]
    anchored_moments(scan, 0, anchor, period, s1, s2, scratch[2:])
    s1 /= period
    np.add(s1, anchor, out=middle)
    s1 *= s1
    s2 /= period
    s2 -= s1
    np.minimum(changes, 1.0, out=s1)
    s2 *= s1
    np.maximum(s2, 0.0, out=s2)
    sd = np.sqrt(s2, out=s2)
    if up == down:
        sd *= up
        np.add(middle, sd, out=upper)
        np.subtract(middle, sd, out=lower)
    else:
        np.add(middle, sd * up, out=upper)
        np.subtract(middle, sd * down, out=lower)


def _stoch_into(
    h: Float,
    l: Float,
    c: Float,
    periods: tuple[int, int, int],
    out: tuple[Float, Float],
    ws: Workspace | None = None,
) -> None:
    """Slow %K and %D (full width, valid from fastk + slowk + slowd - 3) into `out`."""
    fastk, slowk, slowd = periods
    shape = c.shape
    highest = window_max(h, fastk, _scratch(ws, "stoch_high", shape), out[0])
    lowest = window_max(l, fastk, _scratch(ws, "stoch_low", shape), out[1], lowest=True)
    span = np.subtract(highest, lowest, out=out[1])
    # TA_IS_ZERO_SCALED(span, |highest| + |lowest|): 0 for a flat window. A necessary condition
    # is span <= 2e-14 * max(highest, -lowest) (that bounds both magnitudes); test the cheap
    # reductions first, the elementwise test only if a window comes that close.
    valid = span[:, fastk - 1 :]
    if valid.size and valid.min() <= 2 * _SCALED_ZERO * max(highest.max(), -lowest.min()):
        scale = np.add(highest, lowest, out=out[0])
        np.abs(scale, out=scale)
        scale *= _SCALED_ZERO
        flat = span <= scale
        span[flat] = np.inf  # x / inf = 0: TA-Lib's 0 on a flat window
    span /= 100.0
    fast_k = np.subtract(c, lowest, out=lowest)
    fast_k /= span
    fast_k[:, : fastk - 1] = 0.0  # warm-up: no inf or NaN for the sums to carry along
    _sma_into(fast_k, slowk, out[0])
    _sma_into(out[0], slowd, out[1])


def _fill_deviations(scan: Scan, c: Float, block: int, anchor: Float) -> Float:
    """Lanes 0 and 1 of `scan` := close - anchor and its square; the anchors go to `anchor`."""
    anchors(c, block, anchor)
    dev = scan.lane(0)
    np.subtract(c, anchor, out=dev)
    np.multiply(dev, dev, out=scan.lane(1))
    return anchor


def _macd_line_into(
    fast_ema: Float, slow_ema: Float, c: Float, fast: int, slow: int, out: Float, tmp: Float
) -> None:
    """MACD line (full width, valid from `slow - 1`) from EMAs seeded at `fast-1` and `slow-1`.

    TA_INT_MACD seeds the fast EMA at the slow EMA's first bar with the average of the `fast`
    closes ending there. Both are the same recurrence, so the two differ by the seed gap fading by
    `beta` a bar: add `beta**(t - slow + 1) * (seed - fast_ema[slow - 1])` from there on.
    """
    np.subtract(fast_ema, slow_ema, out=out)
    if fast == slow:
        return
    seed = c[:, slow - fast : slow].sum(axis=1, keepdims=True) / fast
    gap = seed - fast_ema[:, slow - 1 : slow]
    out += np.multiply(gap, fading(ema_recurrence(fast).a, slow - 1, out.shape[1]), out=tmp)


# ---------------------------------------------------------------------------------------------
# The single indicators.


def sma(x: ArrayLike, period: int) -> Float:
    """Simple moving average, TA-Lib's SMA(x, period): NaN for the first `period - 1` values."""
    arr = _as_series("x", x)
    p = _as_period("period", period, 1)
    rows = _rows(arr)
    out = np.full(rows.shape, np.nan)
    if rows.shape[1] >= p:
        _sma_into(rows, p, out)
    return _finish(out, p - 1, rows.shape[1], arr.shape)


def ema(x: ArrayLike, period: int) -> Float:
    """Exponential moving average, TA-Lib's EMA(x, period), seeded by an SMA of the first values."""
    arr = _as_series("x", x)
    p = _as_period("period", period, 1)
    rows = _rows(arr)
    n = rows.shape[1]
    if n < p:
        return np.full(arr.shape, np.nan)
    out = rows.copy() if p == 1 else _solve_rows(rows, ema_recurrence(p))
    return _finish(out, p - 1, n, arr.shape)


def rsi(close: ArrayLike, period: int = 14) -> Float:
    """Relative strength index, TA-Lib's RSI(close, period): Wilder's smoothing, seeded by SMAs."""
    arr = _as_series("close", close)
    p = _as_period("period", period, 2)
    rows = _rows(arr)
    n = rows.shape[1]
    if n <= p:
        return np.full(arr.shape, np.nan)
    rec = wilder_recurrence(p)
    scan = Scan(rows.shape[0], n, 2, chunk_length(n, (rec,), p + 1))
    c = pad(rows, scan.width)
    _changes(c.reshape(-1), scan.flat(0), scan.flat(1), np.empty(c.size))
    scan.weigh(0, rec)
    scan.weigh(1, rec)
    scan.run()
    gain = scan.solve(0, rec, np.empty(c.shape))
    loss = scan.solve(1, rec, np.empty(c.shape))
    out = np.empty(c.shape)
    _rsi_into(gain, loss, loss, out)
    return _finish(out, p, n, arr.shape)


def atr(high: ArrayLike, low: ArrayLike, close: ArrayLike, period: int = 14) -> Float:
    """Average true range, TA-Lib's ATR(high, low, close, period); period 1 is the true range."""
    h, l, c = _as_candles(high=high, low=low, close=close)
    p = _as_period("period", period, 1)
    hr, lr, cr = _rows(h), _rows(l), _rows(c)
    n = cr.shape[1]
    if n <= p:
        return np.full(c.shape, np.nan)
    if p == 1:
        out = np.empty(cr.shape)
        _true_range(
            hr.reshape(-1),
            lr.reshape(-1),
            cr.reshape(-1),
            out.reshape(-1),
            np.empty(n * cr.shape[0]),
        )
        return _finish(out, 1, n, c.shape)
    rec = wilder_recurrence(p)
    scan = Scan(cr.shape[0], n, 1, chunk_length(n, (rec,), p + 1))
    hp, lp, cp = (pad(x, scan.width) for x in (hr, lr, cr))
    _true_range(hp.reshape(-1), lp.reshape(-1), cp.reshape(-1), scan.flat(0), np.empty(cp.size))
    scan.weigh(0, rec)
    scan.run()
    out = scan.solve(0, rec, np.empty(cp.shape))
    return _finish(out, p, n, c.shape)


def macd(
    close: ArrayLike, fast_period: int = 12, slow_period: int = 26, signal_period: int = 9
) -> tuple[Float, Float, Float]:
    """TA-Lib's MACD(close, fast, slow, signal): (macd, signal, histogram).

    As in TA-Lib a slow period shorter than the fast one is swapped with it, and the fast EMA is
    seeded on the slow EMA's first bar (see `_macd_line_into`).
    """
    arr = _as_series("close", close)
    fast = _as_period("fast_period", fast_period, 2)
    slow = _as_period("slow_period", slow_period, 2)
    signal = _as_period("signal_period", signal_period, 1)
    fast, slow = min(fast, slow), max(fast, slow)
    rows = _rows(arr)
    n = rows.shape[1]
    lookback = slow + signal - 2
    if n <= lookback:
        return _nans(arr.shape)
    line = np.empty(rows.shape)
    fast_ema = _solve_rows(rows, ema_recurrence(fast))
    slow_ema = _solve_rows(rows, ema_recurrence(slow))
    _macd_line_into(fast_ema, slow_ema, rows, fast, slow, line, np.empty(rows.shape))
    if signal == 1:
        sig = line.copy()
    else:
        sig = _solve_rows(line, ema_recurrence(signal, seed_from=slow - 1))
    hist = line - sig
    return (
        _finish(line, lookback, n, arr.shape),
        _finish(sig, lookback, n, arr.shape),
        _finish(hist, lookback, n, arr.shape),
    )


def bbands(
    close: ArrayLike, period: int = 20, nbdev_up: float = 2.0, nbdev_down: float = 2.0
) -> tuple[Float, Float, Float]:
    """TA-Lib's BBANDS(close, period, nbdev_up, nbdev_down, matype=SMA): (upper, middle, lower)."""
    arr = _as_series("close", close)
    p = _as_period("period", period, 2)
    up = _as_multiplier("nbdev_up", nbdev_up)
    down = _as_multiplier("nbdev_down", nbdev_down)
    rows = _rows(arr)
    n = rows.shape[1]
    if n < p:
        return _nans(arr.shape)
    block = moment_block(p)
    deviations = Scan(rows.shape[0], n, 3, block)  # prefix sums restart at every anchor block
    c = pad(rows, deviations.width)
    scratch = np.empty((5, *c.shape))
    anchor = _fill_deviations(deviations, c, block, np.empty(c.shape))
    cf = c.reshape(-1)
    np.not_equal(cf[1:], cf[:-1], out=deviations.flat(2)[1:])
    deviations.run()
    changes = block_window_sum(deviations, 2, p - 1, np.empty(c.shape))
    upper, middle, lower = (np.empty(c.shape) for _ in range(3))
    _bands_into(deviations, anchor, changes, p, (up, down), (upper, middle, lower), scratch)
    return (
        _finish(upper, p - 1, n, arr.shape),
        _finish(middle, p - 1, n, arr.shape),
        _finish(lower, p - 1, n, arr.shape),
    )


def stoch(
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    fastk_period: int = 14,
    slowk_period: int = 3,
    slowd_period: int = 3,
) -> tuple[Float, Float]:
    """TA-Lib's STOCH(high, low, close, fastk, slowk, SMA, slowd, SMA): (slow %K, slow %D)."""
    h, l, c = _as_candles(high=high, low=low, close=close)
    periods = (
        _as_period("fastk_period", fastk_period, 1),
        _as_period("slowk_period", slowk_period, 1),
        _as_period("slowd_period", slowd_period, 1),
    )
    cr = _rows(c)
    n = cr.shape[1]
    lookback = sum(periods) - 3
    if n <= lookback:
        return np.full(c.shape, np.nan), np.full(c.shape, np.nan)
    slow_k, slow_d = np.empty(cr.shape), np.empty(cr.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        _stoch_into(_rows(h), _rows(l), cr, periods, (slow_k, slow_d))
    return _finish(slow_k, lookback, n, c.shape), _finish(slow_d, lookback, n, c.shape)


def volume_ratio(volume: ArrayLike, period: int = 20) -> Float:
    """volume / SMA(volume, period); a window of zero volumes gives NaN (0/0), as numpy does."""
    arr = _as_series("volume", volume)
    p = _as_period("period", period, 1)
    rows = _rows(arr)
    n = rows.shape[1]
    if n < p:
        return np.full(arr.shape, np.nan)
    out = _sma_into(rows, p, np.empty(rows.shape))
    with np.errstate(divide="ignore", invalid="ignore"):
        np.divide(rows, out, out=out)
    return _finish(out, p - 1, n, arr.shape)


# ---------------------------------------------------------------------------------------------
# Everything at once.

# Lanes of the three scans of `compute_indicators` (complex pairs: 0-1, 2-3, 4-5). The main scan
# (chunks of up to 1,300 candles) holds the recurrences and the volume; the deviations scan
# (chunks = anchor blocks of 50) the close minus its anchor and its square; the last one MACD's
# signal, which needs the first, and the count of price changes for BBANDS' flat windows.
_EMA12, _EMA26, _GAIN, _LOSS, _VOLUME, _TRUE_RANGE = range(6)
_DEV = 0  # and its square in lane 1
_SIGNAL, _CHANGES = range(2)
_R_EMA12 = ema_recurrence(12)
_R_EMA26 = ema_recurrence(26)
_R_WILDER = wilder_recurrence(14)
_R_SIGNAL = ema_recurrence(9, seed_from=25)  # over the MACD line, which starts at column 25

# Rows of the output buffer, grouped by warm-up so one NaN fill covers each group.
_ORDER = (
    "EMA_12", "RSI_14", "ATR_14", "STOCH_K", "STOCH_D", "SMA_20", "BB_MIDDLE", "BB_UPPER",
    "BB_LOWER", "VOLUME_RATIO", "EMA_26", "MACD", "MACD_SIGNAL", "MACD_HIST", "SMA_50",
)  # fmt: skip
_SLOT = {name: i for i, name in enumerate(_ORDER)}
_WARMUPS = (
    (0, 1, 11),
    (1, 3, 14),
    (3, 5, 17),
    (5, 10, 19),
    (10, 11, 25),
    (11, 14, 33),
    (14, 15, 49),
)


@lru_cache(maxsize=64)
def _main_chunk(n: int) -> int:
    """The chunk length of `compute_indicators`' main scan for `n` candles (the same few recur)."""
    return chunk_length(n, (_R_EMA12, _R_EMA26, _R_WILDER, _R_SIGNAL), 50, moment_block(50))


def compute_indicators(
    open: ArrayLike,  # the OHLCV field names are the contract
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    volume: ArrayLike,
) -> dict[str, Float]:
    """The 15 indicators of `INDICATORS`, each equal to TA-Lib's with the parameters of its name.

    RSI(14), MACD(12, 26, 9), BBANDS(20, 2, 2), STOCH(14, 3, 3), ATR(14), SMA(20), SMA(50), EMA(12),
    EMA(26) and VOLUME_RATIO = volume / SMA(volume, 20). `open` is validated but used by none.
    SMA_20 and BB_MIDDLE are one computation (two arrays); MACD's EMAs are not EMA_12 and EMA_26
    (TA-Lib seeds them differently) but derive from them. The outputs are views of one new buffer
    (non-contiguous rows past 1,300 candles, where the width is padded to whole chunks).
    """
    buf, n, shape = _indicator_buffer(open, high, low, close, volume)
    return {name: buf[_SLOT[name], :, :n].reshape(shape) for name in INDICATORS}


# ---------------------------------------------------------------------------------------------
# The newest value of each indicator: what detection scores.

# Rows of `compute_indicators`' buffer in `INDICATORS` order (the newest column of short series).
_NEWEST_ROWS = np.array([_SLOT[name] for name in INDICATORS])
# From this many candles on every indicator is past its warm-up (SMA 50 is the last).
_NEWEST_FROM = LOOKBACKS["SMA_50"] + 1
# STOCH: the windows of 14 candles ending at each of the newest 5, as columns of the newest 18
# (fast %K at the newest 5 -> slow %K, an SMA 3, at the newest 3 -> %D, their SMA 3).
_STOCH_WINDOWS = np.arange(5)[:, np.newaxis] + np.arange(14)


def newest_indicators(
    open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike, volume: ArrayLike
) -> Float:
    """The newest value of each indicator, shape (len(INDICATORS), symbols), rows in that order.

    `compute_indicators`' last column, to the same tolerance against TA-Lib, for detection, which
    scores the newest candle only. At 1,000 candles numpy calls, not arithmetic, are the cost, so
    each value is computed from what it depends on rather than as the end of a series: the window
    indicators (SMA, BBANDS, STOCH, VOLUME_RATIO) from their newest windows; the recurrences
    (EMA, MACD and its signal, RSI's and ATR's smoothing) as weighted sums of their inputs, the
    recurrence unrolled (`newest_weights`, `_trend_weights`). A 1-D series is one symbol. Fewer
    than 50 candles (some value still in its warm-up): `compute_indicators`.
    """
    _, h, l, c, v = _as_candles(open=open, high=high, low=low, close=close, volume=volume)
    n = c.shape[-1]
    if n < _NEWEST_FROM:
        if n == 0:
            raise ValueError("the series are empty: there is no newest candle")
        buf, _, _ = _indicator_buffer(open, high, low, close, volume)
        short: Float = buf[_NEWEST_ROWS, :, n - 1]
        return short
    hr, lr, cr, vr = (_rows(x) for x in (h, l, c, v))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        values = {
            **_newest_trend(cr),
            **_newest_wilder(hr, lr, cr),
            **_newest_windows(hr, lr, cr, vr),
        }
    return np.array([values[name] for name in INDICATORS])  # (np.stack costs three times more)


# MACD's fast EMA: seeded on the slow EMA's first bar (column 25) with the average of the 12 closes
# ending there, as TA_INT_MACD does (see `_macd_line_into`).
_R_MACD_FAST = ema_recurrence(12, seed_from=26 - 12)


@lru_cache(maxsize=32)
def _trend_weights(n: int) -> Float:
    """Weights of EMA_12, EMA_26, MACD and MACD_SIGNAL on the newest of `n` closes: one row each
    of a read-only (4, n) array, each value the weighted sum of the closes.

    All four are linear in the closes. The EMAs' weights are `newest_weights`; MACD's line is the
    fast EMA minus the slow one. Its signal, an EMA 9 of the line, weighs close i by the sum over
    the line's values t of (the signal's weight of t) x (the line's weight of i at t): each EMA's
    share is that EMA run backwards over the signal's weights (`_carried_back`).
    """
    signal = newest_weights(_R_SIGNAL, n)
    weights = np.array(
        [
            newest_weights(_R_EMA12, n),
            newest_weights(_R_EMA26, n),
            newest_weights(_R_MACD_FAST, n) - newest_weights(_R_EMA26, n),
            _carried_back(_R_MACD_FAST, signal) - _carried_back(_R_EMA26, signal),
        ]
    )
    weights.flags.writeable = False
    return weights


def _carried_back(rec: Recurrence, u: Float) -> Float:
    """`v` with `v[i]` = sum over t of `u[t]` x (the weight of x[i] in the recurrence at t).

    After the seed a value's weight at t is `gain * a**(t - i)`, so `v[i] = gain * b[i]` with
    `b[i] = u[i] + a * b[i + 1]`: the recurrence run backwards over `u` (a scan of the reversed
    weights). Each value of the seed window weighs `a**(t - start) / length`: `b[start] / length`.
    """
    n = len(u)
    back = _solve_rows(u[np.newaxis, ::-1].copy(), Recurrence(rec.a, 1.0, 0, 0))[0, ::-1]
    v = np.zeros(n)
    v[rec.start + 1 :] = rec.gain * back[rec.start + 1 :]
    v[rec.seed_from : rec.start + 1] = back[rec.start] / (rec.start + 1 - rec.seed_from)
    return v


def _newest_trend(c: Float) -> dict[str, Float]:
    """EMA_12, EMA_26 and MACD's three values on the newest candle of each row of `c` (n > 33):
    weighted sums of the closes (`_trend_weights`)."""
    weights = _trend_weights(c.shape[1])
    ema12, ema26, macd, signal = np.add.reduce(c[:, np.newaxis, :] * weights, axis=2).T
    return {
        "EMA_12": ema12,
        "EMA_26": ema26,
        "MACD": macd,
        "MACD_SIGNAL": signal,
        "MACD_HIST": macd - signal,
    }


def _newest_wilder(h: Float, l: Float, c: Float) -> dict[str, Float]:
    """RSI_14 and ATR_14 on the newest candle: Wilder's smoothing of the gains, the losses and
    the true ranges of candles 1..n-1, each a weighted sum with the smoothing's weights."""
    weights = newest_weights(_R_WILDER, c.shape[1])[1:]  # of candles 1..n-1
    change = c[:, 1:] - c[:, :-1]
    gain = np.maximum(change, 0.0)
    loss = gain - change  # exact: gain is 0 or the change itself
    prev = c[:, :-1]
    true_range = np.maximum(h[:, 1:], prev)
    true_range -= np.minimum(l[:, 1:], prev)  # as `_true_range`
    gains, losses = _weighted_sum(gain, weights), _weighted_sum(loss, weights)
    total = np.maximum(gains + losses, _TINY)  # 0 where the total is 0, as `_rsi_into`
    return {"RSI_14": 100.0 * (gains / total), "ATR_14": _weighted_sum(true_range, weights)}


def _weighted_sum(x: Float, weights: Float) -> Float:
    """`x @ weights` row by row, each row summed alike however many there are.

    Not `@`: BLAS sums a row differently in a batch than alone, and a symbol in `scan` must get
    the very values `detect` gives it. numpy's reduction along a row is the same for every row.
    """
    weighted: Float = np.add.reduce(x * weights, axis=1)
    return weighted


def _newest_windows(h: Float, l: Float, c: Float, v: Float) -> dict[str, Float]:
    """SMA_20, SMA_50, BBANDS, VOLUME_RATIO and STOCH on the newest candle, from its windows."""
    # Deviations from the newest close: exactly 0 in a window without a move (TA-Lib's bands are
    # then flat), and small, so the variance from their sums does not cancel.
    dev = c[:, -20:] - c[:, -1:]
    mean = np.add.reduce(dev, axis=1) / 20
    variance = np.add.reduce(dev * dev, axis=1) / 20 - mean * mean
    width = np.sqrt(np.maximum(variance, 0.0))  # clamped against rounding, as `_bands_into`
    width *= 2.0
    middle = c[:, -1] + mean
    # STOCH, as `_stoch_into`: fast %K where the range is not flat (TA_IS_ZERO_SCALED), else 0.
    highest = np.maximum.reduce(h[:, -18:][:, _STOCH_WINDOWS], axis=2)
    lowest = np.minimum.reduce(l[:, -18:][:, _STOCH_WINDOWS], axis=2)
    span = highest - lowest
    span[span <= np.abs(highest + lowest) * _SCALED_ZERO] = np.inf  # x / inf = 0
    fast_k = (c[:, -5:] - lowest) / (span / 100.0)
    slow_k = (fast_k[:, :-2] + fast_k[:, 1:-1] + fast_k[:, 2:]) / 3  # as `shift_sum3`
    return {
        "SMA_20": middle,
        "BB_MIDDLE": middle,
        "BB_UPPER": middle + width,
        "BB_LOWER": middle - width,
        "SMA_50": np.add.reduce(c[:, -50:], axis=1) / 50,
        "VOLUME_RATIO": v[:, -1] / (np.add.reduce(v[:, -20:], axis=1) / 20),
        "STOCH_K": slow_k[:, 2],
        "STOCH_D": (slow_k[:, 0] + slow_k[:, 1] + slow_k[:, 2]) / 3,
    }


def _indicator_buffer(
    open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike, volume: ArrayLike
) -> tuple[Float, int, tuple[int, ...]]:
    """Every indicator in one new buffer (rows in `_ORDER`, symbols, width >= n), NaN warm-ups;
    with the number of candles n and the input's shape."""
    _, h, l, c, v = _as_candles(open=open, high=high, low=low, close=close, volume=volume)
    shape = c.shape
    hr, lr, cr, vr = (_rows(x) for x in (h, l, c, v))
    rows, n = cr.shape
    if n <= LOOKBACKS["EMA_12"]:
        return np.full((len(_ORDER), rows, n), np.nan), n, shape
    ws = workspace()
    scan = Scan(rows, n, 6, _main_chunk(n), ws, "main")
    width = scan.width
    buf = np.empty((len(_ORDER), rows, width))
    h2, l2, c2, v2 = (pad(x, width) for x in (hr, lr, cr, vr))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        _compute_into(h2, l2, c2, v2, scan, buf, ws)
    for first, last, warmup in _WARMUPS:
        buf[first:last, :, :warmup] = np.nan
    return buf, n, shape


def _compute_into(
    h: Float, l: Float, c: Float, v: Float, scan: Scan, buf: Float, ws: Workspace
) -> None:
    """Every indicator, full width, into `buf` (rows in `_ORDER`); warm-ups are left as garbage.

    Every lane of the workspace scans is written in full before `run()`: they hold old values.
    """
    n = c.shape[1]  # the padded width: past the series, the last candle repeats
    hf, lf, cf = h.reshape(-1), l.reshape(-1), c.reshape(-1)
    tmp = ws.get("tmp", (8, *c.shape))  # 0-5 scratch, 6 anchors, 7 changes
    flat = tmp.reshape(8, -1)

    block = moment_block(50)  # one anchor grid for the windows of 20 and 50
    deviations = Scan(c.shape[0], n, 2, block, ws, "deviations")
    anchor = _fill_deviations(deviations, c, block, tmp[6])
    deviations.run()
    scan.load(_EMA12, c, _R_EMA12)
    scan.load(_EMA26, c, _R_EMA26)
    _changes(cf, scan.flat(_GAIN), scan.flat(_LOSS), flat[0])
    scan.weigh_pair(_GAIN, _R_WILDER)
    scan.lane(_VOLUME)[...] = v
    _true_range(hf, lf, cf, scan.flat(_TRUE_RANGE), flat[0])
    scan.weigh(_TRUE_RANGE, _R_WILDER)
    scan.run()

    ema12 = scan.solve(_EMA12, _R_EMA12, buf[_SLOT["EMA_12"]])
    ema26 = scan.solve(_EMA26, _R_EMA26, buf[_SLOT["EMA_26"]])
    scan.solve(_TRUE_RANGE, _R_WILDER, buf[_SLOT["ATR_14"]])
    if scan.count == 1:  # one chunk: the ratio of the scaled sums is the ratio of the averages
        gain, loss = scan.lane(_GAIN), scan.lane(_LOSS)
    else:
        gain = scan.solve(_GAIN, _R_WILDER, tmp[0])
        loss = scan.solve(_LOSS, _R_WILDER, tmp[1])
    _rsi_into(gain, loss, tmp[2], buf[_SLOT["RSI_14"]])

    second = Scan(c.shape[0], n, 2, scan.chunk, ws, "signal")
    changes = second.flat(_CHANGES)
    np.not_equal(cf[1:], cf[:-1], out=changes[1:])
    changes[0] = 0.0
    if n > 33:
        line = buf[_SLOT["MACD"]]
        _macd_line_into(ema12, ema26, c, 12, 26, line, tmp[0])
        second.load(_SIGNAL, line, _R_SIGNAL)
    else:
        second.lane(_SIGNAL)[...] = 0.0
    second.run()
    if n > 33:
        signal = second.solve(_SIGNAL, _R_SIGNAL, buf[_SLOT["MACD_SIGNAL"]])
        np.subtract(line, signal, out=buf[_SLOT["MACD_HIST"]])

    if n > 19:
        bands = (buf[_SLOT["BB_UPPER"]], buf[_SLOT["BB_MIDDLE"]], buf[_SLOT["BB_LOWER"]])
        moved = second.window_sum(_CHANGES, 19, tmp[7])
        _bands_into(deviations, anchor, moved, 20, (2.0, 2.0), bands, tmp[:5])
        np.copyto(buf[_SLOT["SMA_20"]], bands[1])
        volume_mean = scan.window_sum(_VOLUME, 20, tmp[0])
        volume_mean /= 20
        np.divide(v, volume_mean, out=buf[_SLOT["VOLUME_RATIO"]])
    if n > 49:
        sma50 = buf[_SLOT["SMA_50"]]
        anchored_moments(deviations, _DEV, anchor, 50, sma50, None, tmp[:3])
        sma50 /= 50
        sma50 += anchor

    if n > 17:
        _stoch_into(h, l, c, (14, 3, 3), (buf[_SLOT["STOCH_K"]], buf[_SLOT["STOCH_D"]]), ws)
