"""Candle geometry and TA-Lib's candle settings, computed once and shared by every pattern.

TA-Lib judges "long body", "short shadow", "near" and so on against the average range of the
candles *before* the one judged. It keeps that average as a running total that it starts where its
output starts (the pattern's lookback) and then moves by `total += range[j] - range[j - period]`.
Comparisons such as `body < average` are exact, so a total accumulated in any other order can flip
a tie. `Geometry.average` therefore reproduces the same sequence of floating-point additions with
one cumulative sum (numpy accumulates element by element, in order), which is O(N) and vectorised
across symbols.

Inside, arrays are candle-major: shape (candles, symbols), one column a symbol. A pattern reads
candle `i - k` for every evaluated `i` as one slice of rows, which is one contiguous block of
memory, so numpy runs every operation on it in its fastest loop however many symbols there are
(a column slice of a symbol-major array is strided, and about three times slower on 100 symbols).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

Float2D = NDArray[np.float64]
Bool2D = NDArray[np.bool_]
T = TypeVar("T", bound=np.generic)


class RangeType(enum.Enum):
    REAL_BODY = "RealBody"  # |close - open|
    HIGH_LOW = "HighLow"  # high - low
    SHADOWS = "Shadows"  # upper + lower shadow; the average of it is halved


# eq=False: settings are module constants, hashed by identity (cheap as a cache key).
@dataclass(frozen=True, eq=False)
class CandleSetting:
    """One of TA-Lib's candle settings: what is averaged, over how many candles, times what."""

    name: str
    range_type: RangeType
    period: int  # 0: the candle's own range, no average
    factor: float


# TA-Lib's defaults (ta_global.c); the names are TA-Lib's.
BODY_LONG = CandleSetting("BodyLong", RangeType.REAL_BODY, 10, 1.0)
BODY_VERY_LONG = CandleSetting("BodyVeryLong", RangeType.REAL_BODY, 10, 3.0)
BODY_SHORT = CandleSetting("BodyShort", RangeType.REAL_BODY, 10, 1.0)
BODY_DOJI = CandleSetting("BodyDoji", RangeType.HIGH_LOW, 10, 0.1)
SHADOW_LONG = CandleSetting("ShadowLong", RangeType.REAL_BODY, 0, 1.0)
SHADOW_VERY_LONG = CandleSetting("ShadowVeryLong", RangeType.REAL_BODY, 0, 2.0)
SHADOW_SHORT = CandleSetting("ShadowShort", RangeType.SHADOWS, 10, 1.0)
SHADOW_VERY_SHORT = CandleSetting("ShadowVeryShort", RangeType.HIGH_LOW, 10, 0.1)
NEAR = CandleSetting("Near", RangeType.HIGH_LOW, 5, 0.2)
FAR = CandleSetting("Far", RangeType.HIGH_LOW, 5, 0.6)
EQUAL = CandleSetting("Equal", RangeType.HIGH_LOW, 5, 0.05)

# The most bytes of one float array of a `Geometry.blocks` block (50 symbols x 1,000 candles).
BLOCK_BYTES = 400_000


def _frozen(x: NDArray[T]) -> NDArray[T]:
    """`x`, read-only: a shared array must not be changed by a kernel's in-place `&=`."""
    x.setflags(write=False)
    return x


def _vs_prior(compare: np.ufunc, now: Float2D | Bool2D, prior: Float2D | Bool2D) -> Bool2D:
    """`compare(now[j], prior[j - 1])` for every candle `j`; False for the first candle."""
    out = np.empty(now.shape, dtype=np.bool_)
    out[0] = False
    compare(now[1:], prior[:-1], out=out[1:])
    return out


class Geometry:
    """The candles of many symbols and every derived quantity the patterns share, computed lazily.

    Built from (symbols, candles) arrays; holds them candle-major, (candles, symbols). Patterns
    evaluate candle `i` for every `i` in `[lookback, n)` at once. `at(x, k, lookback)` gives `x` at
    candle `i - k` for all those `i`, so `g.at(g.close, 1, lb) < g.at(g.open, 0, lb)` reads "the
    previous close is below this open". Every full-length property is computed once, on first use,
    and is read-only.
    """

    def __init__(self, open: Float2D, high: Float2D, low: Float2D, close: Float2D) -> None:
        self._prices = (open, high, low, close)  # as given: (symbols, candles)
        self.symbols, self.n = close.shape
        self._scaled: dict[tuple[CandleSetting, int], Float2D] = {}
        self._same: dict[tuple[str, int, float, int], Float2D] = {}
        self._means: dict[tuple[str, int, int], Float2D] = {}

    def blocks(self) -> Iterator[tuple[slice, Geometry]]:
        """This geometry split into blocks of symbols, each with its own (symbol range, geometry).

        A block's arrays stay small enough (`BLOCK_BYTES` a float array) to stay in the CPU's
        cache and to be reused by the allocator from block to block: on 100 symbols x 1,000
        candles one geometry's ~30 MB of arrays came fresh from the OS on every call here, and
        touching new pages cost more than the arithmetic.
        """
        size = max(1, BLOCK_BYTES // (8 * max(self.n, 1)))
        if self.symbols <= size:
            yield slice(None), self
            return
        for start in range(0, self.symbols, size):
            part = slice(start, start + size)
            yield part, Geometry(*(x[part] for x in self._prices))

    # The prices, candle-major. `.T` of a (1, n) row is contiguous already: one symbol is no copy.
    @cached_property
    def open(self) -> Float2D:
        return _frozen(np.ascontiguousarray(self._prices[0].T))

    @cached_property
    def high(self) -> Float2D:
        return _frozen(np.ascontiguousarray(self._prices[1].T))

    @cached_property
    def low(self) -> Float2D:
        return _frozen(np.ascontiguousarray(self._prices[2].T))

    @cached_property
    def close(self) -> Float2D:
        return _frozen(np.ascontiguousarray(self._prices[3].T))

    # Shapes of each candle, written as TA-Lib's macros write them (same operations, same ties).
    @cached_property
    def white(self) -> Bool2D:
        """TA_CANDLECOLOR == 1: close >= open (a flat candle counts as white)."""
        return _frozen(self.close >= self.open)

    @cached_property
    def black(self) -> Bool2D:
        """TA_CANDLECOLOR == -1: close < open (or either is NaN)."""
        return _frozen(~self.white)

    @cached_property
    def color(self) -> NDArray[np.int32]:
        """TA_CANDLECOLOR: +1 white, -1 black."""
        color = self.white.astype(np.int32)
        color += color
        color -= 1
        return _frozen(color)

    @cached_property
    def sign(self) -> Float2D:
        """TA_CANDLECOLOR as a float, +1.0 or -1.0: `x * sign < y * sign` tests both directions.

        (A float: an int32 factor would cost a conversion in every product.)
        """
        sign = self.white.astype(np.float64)
        sign += sign
        sign -= 1.0
        return _frozen(sign)

    @cached_property
    def turn(self) -> Bool2D:
        """The colour differs from the prior candle's (False for the first candle)."""
        return _frozen(_vs_prior(np.not_equal, self.white, self.white))

    @cached_property
    def _no_nan(self) -> bool:
        """Neither open nor close holds a NaN (then max/min equal TA-Lib's colour choice)."""
        return not np.isnan(np.add.reduce(self.real_body, axis=None))

    # Without NaN, max/min pick exactly what TA-Lib's colour test picks (ties are equal values),
    # without the branch per element that makes `np.where` ten times slower on many symbols.
    @cached_property
    def body_top(self) -> Float2D:
        """max(open, close), or TA-Lib's `close >= open ? close : open` where one is NaN."""
        if self._no_nan:
            return _frozen(np.maximum(self.open, self.close))
        return _frozen(np.where(self.white, self.close, self.open))

    @cached_property
    def body_bottom(self) -> Float2D:
        """min(open, close), or TA-Lib's `close >= open ? open : close` where one is NaN."""
        if self._no_nan:
            return _frozen(np.minimum(self.open, self.close))
        return _frozen(np.where(self.white, self.open, self.close))

    @cached_property
    def real_body(self) -> Float2D:
        return _frozen(np.abs(self.close - self.open))

    @cached_property
    def high_low(self) -> Float2D:
        return _frozen(self.high - self.low)

    @cached_property
    def upper_shadow(self) -> Float2D:
        return _frozen(self.high - self.body_top)

    @cached_property
    def lower_shadow(self) -> Float2D:
        return _frozen(self.body_bottom - self.low)

    @cached_property
    def shadows(self) -> Float2D:
        return _frozen(self.upper_shadow + self.lower_shadow)

    @cached_property
    def longer_shadow(self) -> Float2D:
        """max of the two shadows: both shadows < x  <=>  this < x (a NaN fails either way)."""
        return _frozen(np.maximum(self.upper_shadow, self.lower_shadow))

    @cached_property
    def shorter_shadow(self) -> Float2D:
        """min of the two shadows: both shadows > x  <=>  this > x (a NaN fails either way)."""
        return _frozen(np.minimum(self.upper_shadow, self.lower_shadow))

    # How a body lies against the prior candle's body (False for the first candle).
    @cached_property
    def gap_up(self) -> Bool2D:
        """TA_REALBODYGAPUP(i, i-1): the body lies wholly above the prior body."""
        return _frozen(_vs_prior(np.greater, self.body_bottom, self.body_top))

    @cached_property
    def gap_down(self) -> Bool2D:
        """TA_REALBODYGAPDOWN(i, i-1): the body lies wholly below the prior body."""
        return _frozen(_vs_prior(np.less, self.body_top, self.body_bottom))

    @cached_property
    def inside(self) -> Bool2D:
        """The body lies strictly inside the prior body, neither end matching."""
        inside = _vs_prior(np.less, self.body_top, self.body_top)
        inside[1:] &= self.body_bottom[1:] > self.body_bottom[:-1]
        return _frozen(inside)

    @cached_property
    def within(self) -> Bool2D:
        """The body lies inside the prior body, either end allowed to match."""
        within = _vs_prior(np.less_equal, self.body_top, self.body_top)
        within[1:] &= self.body_bottom[1:] >= self.body_bottom[:-1]
        return _frozen(within)

    def range_of(self, range_type: RangeType) -> Float2D:
        """TA_CANDLERANGE for every candle."""
        if range_type is RangeType.REAL_BODY:
            return self.real_body
        if range_type is RangeType.HIGH_LOW:
            return self.high_low
        return self.shadows

    def at(self, x: NDArray[T], k: int, lookback: int) -> NDArray[T]:
        """`x` at candle `i - k` for every evaluated candle `i` in `[lookback, n)` (a view)."""
        return x[lookback - k : self.n - k]

    def average(self, setting: CandleSetting, lookback: int, k: int = 0) -> Float2D:
        """TA_CANDLEAVERAGE(setting) at candle `i - k` for every `i` in `[lookback, n)` (a view).

        Equal, bit for bit, to TA-Lib's running total for a pattern whose lookback is `lookback`:
        the total started at candle `lookback - k`, so patterns whose `lookback - k` agree share it.
        """
        if setting.period == 0:
            return self.at(self._scaled_average(setting, 0), k, lookback)
        first = lookback - k
        scaled = self._scaled.get((setting, first))
        if scaled is None:
            scaled = self._scaled_average(setting, first)
        return scaled[: self.n - lookback]

    def _scaled_average(self, setting: CandleSetting, first: int) -> Float2D:
        """TA_CANDLEAVERAGE(setting) for candles `first..n-1` (all candles for a period of 0)."""
        cached = self._scaled.get((setting, first))
        if cached is not None:
            return cached
        # Settings with one range, period and factor (BodyDoji, ShadowVeryShort) share one array.
        same = (setting.range_type.value, setting.period, setting.factor, first)
        cached = self._same.get(same)
        if cached is None:
            if setting.period == 0:
                base = self.range_of(setting.range_type)
            else:
                base = self._mean(setting.range_type, setting.period, first)
            # factor * base / divisor in TA-Lib's order; x * 1.0 and x / 1.0 are exact: skipped.
            if setting.factor != 1.0:
                base = setting.factor * base
            if setting.range_type is RangeType.SHADOWS:
                base = base / 2.0
            cached = self._same[same] = _frozen(base)
        self._scaled[setting, first] = cached
        return cached

    def _mean(self, range_type: RangeType, p: int, first: int) -> Float2D:
        """TA-Lib's running total / p of the `p` ranges before each candle in `[first, n)`.

        The total depends only on the range, the period and where TA-Lib started it, so settings
        that average the same range (BodyLong, BodyShort, BodyVeryLong) share it.
        """
        key = (range_type.value, p, first)
        cached = self._means.get(key)
        if cached is not None:
            return cached
        if first < p:
            raise ValueError(f"a {p}-candle average cannot start at candle {first}")
        ranges = self.range_of(range_type)
        n = self.n
        # TA-Lib adds the first window one candle at a time, then moves it by (entering - leaving).
        steps = np.empty((n - first + p - 1, self.symbols))
        steps[:p] = ranges[first - p : first]
        np.subtract(ranges[first : n - 1], ranges[first - p : n - 1 - p], out=steps[p:])
        np.add.accumulate(steps, axis=0, out=steps)  # np.cumsum, without its Python wrappers
        totals = steps[p - 1 :]
        totals /= p
        cached = self._means[key] = _frozen(totals)
        return cached
