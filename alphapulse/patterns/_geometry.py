"""Candle geometry and TA-Lib's candle settings, computed once and shared by every pattern.

TA-Lib judges "long body", "short shadow", "near" and so on against the average range of the
candles *before* the one judged. It keeps that average as a running total that it starts where its
output starts (the pattern's lookback) and then moves by `total += range[j] - range[j - period]`.
Comparisons such as `body < average` are exact, so a total accumulated in any other order can flip
a tie. `Geometry.average` therefore reproduces the same sequence of floating-point additions with
one `cumsum` (numpy accumulates left to right, element by element), which is O(N) and vectorised
across symbols.

Arrays are 2-D inside: one row a symbol, candles along the last axis.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

Float2D = NDArray[np.float64]


class RangeType(enum.Enum):
    REAL_BODY = "RealBody"  # |close - open|
    HIGH_LOW = "HighLow"  # high - low
    SHADOWS = "Shadows"  # upper + lower shadow; the average of it is halved


@dataclass(frozen=True)
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


class Geometry:
    """The candles of many symbols and every derived quantity the patterns share, computed lazily.

    Patterns evaluate candle `i` for every `i` in `[lookback, n)` at once. `at(x, k, lookback)`
    gives `x` at candle `i - k` for all those `i`, so `g.at(g.close, 1, lb) < g.at(g.open, 0, lb)`
    reads "the previous close is below this open".
    """

    def __init__(self, open: Float2D, high: Float2D, low: Float2D, close: Float2D) -> None:  # noqa: A002
        self.open = open
        self.high = high
        self.low = low
        self.close = close
        self.n = int(close.shape[-1])
        self._averages: dict[tuple[CandleSetting, int, int], Float2D] = {}
        self._means: dict[tuple[RangeType, int, int], Float2D] = {}

    # Shapes of each candle, written as TA-Lib's macros write them (same operations, same ties).
    @cached_property
    def white(self) -> NDArray[np.bool_]:
        """TA_CANDLECOLOR == 1: close >= open (a flat candle counts as white)."""
        return self.close >= self.open

    @cached_property
    def color(self) -> NDArray[np.int32]:
        """TA_CANDLECOLOR: +1 white, -1 black."""
        return np.where(self.white, 1, -1).astype(np.int32)

    @cached_property
    def body_top(self) -> Float2D:
        return np.where(self.white, self.close, self.open)

    @cached_property
    def body_bottom(self) -> Float2D:
        return np.where(self.white, self.open, self.close)

    @cached_property
    def real_body(self) -> Float2D:
        return np.abs(self.close - self.open)

    @cached_property
    def high_low(self) -> Float2D:
        return self.high - self.low

    @cached_property
    def upper_shadow(self) -> Float2D:
        return self.high - self.body_top

    @cached_property
    def lower_shadow(self) -> Float2D:
        return self.body_bottom - self.low

    @cached_property
    def shadows(self) -> Float2D:
        return self.upper_shadow + self.lower_shadow

    def range_of(self, range_type: RangeType) -> Float2D:
        """TA_CANDLERANGE for every candle."""
        if range_type is RangeType.REAL_BODY:
            return self.real_body
        if range_type is RangeType.HIGH_LOW:
            return self.high_low
        return self.shadows

    def at(self, x: NDArray[np.generic], k: int, lookback: int) -> NDArray[np.generic]:
        """`x` at candle `i - k` for every evaluated candle `i` in `[lookback, n)` (a view)."""
        return x[..., lookback - k : self.n - k]

    def average(self, setting: CandleSetting, lookback: int, k: int = 0) -> Float2D:
        """TA_CANDLEAVERAGE(setting) at candle `i - k` for every `i` in `[lookback, n)`.

        Equal, bit for bit, to TA-Lib's running total for a pattern whose lookback is `lookback`.
        """
        key = (setting, lookback, k)
        cached = self._averages.get(key)
        if cached is None:
            if setting.period == 0:
                base = self.at(self.range_of(setting.range_type), k, lookback)
            else:
                # Totals run from candle `lookback - k` to the last; candle i uses the one at i - k.
                base = self._mean(setting.range_type, setting.period, lookback - k)[..., : self.n - lookback]
            # factor * base / divisor, in TA-Lib's order; x * 1.0 and x / 1.0 are exact, so skip them.
            if setting.factor != 1.0:
                base = setting.factor * base
            if setting.range_type is RangeType.SHADOWS:
                base = base / 2.0
            cached = self._averages[key] = base
        return cached

    def _mean(self, range_type: RangeType, p: int, first: int) -> Float2D:
        """TA-Lib's running total / p of the `p` ranges before each candle in `[first, n)`.

        The total depends only on the range, the period and where TA-Lib started it, so settings
        that average the same range (BodyLong, BodyShort, BodyVeryLong) share it.
        """
        key = (range_type, p, first)
        cached = self._means.get(key)
        if cached is not None:
            return cached
        ranges = self.range_of(range_type)
        count = self.n - first
        if first < p:
            raise ValueError(f"a {p}-candle average cannot start at candle {first}")
        # TA-Lib adds the first window one candle at a time, then moves it by (entering - leaving).
        steps = np.concatenate(
            (
                ranges[..., first - p : first],
                ranges[..., first : first + count - 1] - ranges[..., first - p : first - p + count - 1],
            ),
            axis=-1,
        )
        totals = np.cumsum(steps, axis=-1)[..., p - 1 :]
        cached = self._means[key] = totals / p
        return cached
