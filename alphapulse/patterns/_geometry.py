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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

import numpy as np
from numpy.typing import NDArray

Float2D = NDArray[np.float64]
Float3D = NDArray[np.float64]
Bool2D = NDArray[np.bool_]
T = TypeVar("T", bound=np.generic)
V = TypeVar("V")


class cached(Generic[V]):
    """A property computed on first use and then stored on the instance: `cached_property`
    without its lock.

    Python 3.11's `functools.cached_property` takes a lock on every first access (about 1.3 us;
    a detection makes some 25 of them). A `Geometry` is used by one call on one thread, so it
    needs none. The value goes into the instance's `__dict__`, which then shadows this (non-data)
    descriptor, so later reads are plain attribute reads.
    """

    def __init__(self, func: Callable[[Any], V]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> cached[V]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> V: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> V | cached[V]:
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


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
    # What the averages are shared by: settings alike (BodyDoji, ShadowVeryShort) share arrays.
    # The range's value, not the enum, which hashes itself in Python (~0.3 us a lookup).
    kind: tuple[str, int, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", (self.range_type.value, self.period, self.factor))


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
SETTINGS = (
    *(BODY_LONG, BODY_VERY_LONG, BODY_SHORT, BODY_DOJI, SHADOW_LONG, SHADOW_VERY_LONG),
    *(SHADOW_SHORT, SHADOW_VERY_SHORT, NEAR, FAR, EQUAL),
)

# Where the patterns start TA-Lib's running totals (a pattern's lookback minus the candle it reads
# the average of), by range and period. These are computed together, in one pass (see
# `Geometry._means_of`); a start not listed here is computed alone: correct, only slower.
RUNNING_STARTS: dict[tuple[RangeType, int], tuple[int, ...]] = {
    (RangeType.REAL_BODY, 10): (10, 11, 12, 13, 14),  # BodyLong, BodyShort
    (RangeType.HIGH_LOW, 10): (10, 11, 12, 13),  # BodyDoji, ShadowVeryShort
    (RangeType.HIGH_LOW, 5): (10, 11),  # Near, Far, Equal
    (RangeType.SHADOWS, 10): (10,),  # ShadowShort
}

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


def _scaled(setting: CandleSetting, means: Float3D) -> Float3D:
    """TA_CANDLEAVERAGE from the running totals' means: factor * mean / divisor, in TA-Lib's
    order (x * 1.0 and x / 1.0 are exact: skipped), read-only."""
    if setting.factor != 1.0:
        means = setting.factor * means
    if setting.range_type is RangeType.SHADOWS:
        means = means / 2.0
    return _frozen(means)


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
    @cached
    def open(self) -> Float2D:
        return _frozen(np.ascontiguousarray(self._prices[0].T))

    @cached
    def high(self) -> Float2D:
        return _frozen(np.ascontiguousarray(self._prices[1].T))

    @cached
    def low(self) -> Float2D:
        return _frozen(np.ascontiguousarray(self._prices[2].T))

    @cached
    def close(self) -> Float2D:
        return _frozen(np.ascontiguousarray(self._prices[3].T))

    # Shapes of each candle, written as TA-Lib's macros write them (same operations, same ties).
    @cached
    def white(self) -> Bool2D:
        """TA_CANDLECOLOR == 1: close >= open (a flat candle counts as white)."""
        return _frozen(self.close >= self.open)

    @cached
    def black(self) -> Bool2D:
        """TA_CANDLECOLOR == -1: close < open (or either is NaN)."""
        return _frozen(~self.white)

    @cached
    def color(self) -> NDArray[np.int32]:
        """TA_CANDLECOLOR: +1 white, -1 black."""
        color = self.white.astype(np.int32)
        color += color
        color -= 1
        return _frozen(color)

    @cached
    def sign(self) -> Float2D:
        """TA_CANDLECOLOR as a float, +1.0 or -1.0: `x * sign < y * sign` tests both directions.

        (A float: an int32 factor would cost a conversion in every product.)
        """
        sign = self.white.astype(np.float64)
        sign += sign
        sign -= 1.0
        return _frozen(sign)

    @cached
    def turn(self) -> Bool2D:
        """The colour differs from the prior candle's (False for the first candle)."""
        return _frozen(_vs_prior(np.not_equal, self.white, self.white))

    @cached
    def _no_nan(self) -> bool:
        """Neither open nor close holds a NaN (then max/min equal TA-Lib's colour choice)."""
        return not np.isnan(np.add.reduce(self.real_body, axis=None))

    # Without NaN, max/min pick exactly what TA-Lib's colour test picks (ties are equal values),
    # without the branch per element that makes `np.where` ten times slower on many symbols.
    @cached
    def body_top(self) -> Float2D:
        """max(open, close), or TA-Lib's `close >= open ? close : open` where one is NaN."""
        if self._no_nan:
            return _frozen(np.maximum(self.open, self.close))
        return _frozen(np.where(self.white, self.close, self.open))

    @cached
    def body_bottom(self) -> Float2D:
        """min(open, close), or TA-Lib's `close >= open ? open : close` where one is NaN."""
        if self._no_nan:
            return _frozen(np.minimum(self.open, self.close))
        return _frozen(np.where(self.white, self.open, self.close))

    @cached
    def real_body(self) -> Float2D:
        return _frozen(np.abs(self.close - self.open))

    @cached
    def high_low(self) -> Float2D:
        return _frozen(self.high - self.low)

    @cached
    def upper_shadow(self) -> Float2D:
        return _frozen(self.high - self.body_top)

    @cached
    def lower_shadow(self) -> Float2D:
        return _frozen(self.body_bottom - self.low)

    @cached
    def shadows(self) -> Float2D:
        return _frozen(self.upper_shadow + self.lower_shadow)

    @cached
    def longer_shadow(self) -> Float2D:
        """max of the two shadows: both shadows < x  <=>  this < x (a NaN fails either way)."""
        return _frozen(np.maximum(self.upper_shadow, self.lower_shadow))

    @cached
    def shorter_shadow(self) -> Float2D:
        """min of the two shadows: both shadows > x  <=>  this > x (a NaN fails either way)."""
        return _frozen(np.minimum(self.upper_shadow, self.lower_shadow))

    # How a body lies against the prior candle's body (False for the first candle).
    @cached
    def gap_up(self) -> Bool2D:
        """TA_REALBODYGAPUP(i, i-1): the body lies wholly above the prior body."""
        return _frozen(_vs_prior(np.greater, self.body_bottom, self.body_top))

    @cached
    def gap_down(self) -> Bool2D:
        """TA_REALBODYGAPDOWN(i, i-1): the body lies wholly below the prior body."""
        return _frozen(_vs_prior(np.less, self.body_top, self.body_bottom))

    @cached
    def inside(self) -> Bool2D:
        """The body lies strictly inside the prior body, neither end matching."""
        inside = _vs_prior(np.less, self.body_top, self.body_top)
        inside[1:] &= self.body_bottom[1:] > self.body_bottom[:-1]
        return _frozen(inside)

    @cached
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
        first = lookback - k if setting.period else 0  # a period of 0: the candle's own range
        scaled = self._averages.get((setting, first))
        if scaled is None:
            scaled = self._lone_average(setting, first)
        if setting.period == 0:
            return self.at(scaled, k, lookback)
        return scaled[: self.n - lookback]

    @cached
    def _averages(self) -> dict[tuple[CandleSetting, int], Float2D]:
        """TA_CANDLEAVERAGE of every setting of `SETTINGS` for each start of `RUNNING_STARTS`
        within the series (start 0 for a period of 0), over candles `start..n-1`.

        All at once, on first use: one cumsum for every running total (`_means_of`), one product
        for each factor (settings alike, such as BodyDoji and ShadowVeryShort, share arrays).
        """
        groups = {
            (range_type, p): tuple(start for start in starts if start < self.n)
            for (range_type, p), starts in RUNNING_STARTS.items()
        }
        means = self._means_of(
            [(rt, p, start) for (rt, p), starts in groups.items() for start in starts]
        )
        rows: dict[tuple[str, int], tuple[tuple[int, ...], Float3D]] = {}
        row = 0
        for (range_type, p), starts in groups.items():
            rows[range_type.value, p] = (starts, means[row : row + len(starts)])
            row += len(starts)
        averages: dict[tuple[CandleSetting, int], Float2D] = {}
        scaled: dict[tuple[str, int, float], Float3D] = {}
        for setting in SETTINGS:
            if setting.period == 0:
                starts, base = (0,), self.range_of(setting.range_type)[np.newaxis]
            elif setting.kind[:2] in rows:
                starts, base = rows[setting.kind[:2]]
            else:
                continue
            if setting.kind not in scaled:
                scaled[setting.kind] = _scaled(setting, base)
            for start, average in zip(starts, scaled[setting.kind], strict=True):
                averages[setting, start] = average[start:]
        return averages

    def _lone_average(self, setting: CandleSetting, first: int) -> Float2D:
        """`_averages` for a start that `RUNNING_STARTS` does not list: computed alone, and kept."""
        means = self._means_of([(setting.range_type, setting.period, first)])
        average = self._averages[setting, first] = _scaled(setting, means)[0, first:]
        return average

    def _means_of(self, lanes: list[tuple[RangeType, int, int]]) -> Float3D:
        """TA-Lib's running total / p for each (range, period p, start) of `lanes`: one row each,
        indexed by candle, valid from the start. One cumsum for them all, each total added in
        TA-Lib's order.

        TA-Lib adds the first window of a total one range at a time (from 0), then moves it by
        (entering - leaving) each candle. Row c of a lane's steps is what TA-Lib adds to get the
        total before candle c: zeros until the window (0 + x is x, as TA-Lib's own start from 0),
        the window's ranges, then the differences. At 1,000 candles numpy calls, not arithmetic,
        are the cost, and there is one cumsum and one division for all the lanes.
        """
        n = self.n
        steps = np.empty((len(lanes), n, self.symbols))
        # Zeros up to the latest window's end, in one call; each lane's window and differences
        # are then written over its part.
        steps[:, : max((start + 1 for _, _, start in lanes), default=0)] = 0.0
        for row, (range_type, p, start) in zip(steps, lanes, strict=True):
            if start < p:
                raise ValueError(f"a {p}-candle average cannot start at candle {start}")
            ranges = self.range_of(range_type)
            row[start - p + 1 : start + 1] = ranges[start - p : start]
            np.subtract(ranges[start : n - 1], ranges[start - p : n - 1 - p], out=row[start + 1 :])
        np.add.accumulate(steps, axis=1, out=steps)  # np.cumsum, without its Python wrappers
        steps /= np.array([p for _, p, _ in lanes], dtype=np.float64)[:, np.newaxis, np.newaxis]
        return _frozen(steps)
