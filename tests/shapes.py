"""Candle series for the oracle tests: realistic walks and the adversarial shapes that break ties.

Every builder returns (open, high, low, close, volume) as float64 arrays and is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from hypothesis import strategies as st
from numpy.typing import NDArray

from alphapulse.market import SYMBOLS, synthetic_candles

OHLCV = tuple[
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
    NDArray[np.float64],
]


def walk(symbol: str = "BTCUSDT", n: int = 1000, seed: int = 0) -> OHLCV:
    c = synthetic_candles(symbol, n, seed=seed)
    return c.open, c.high, c.low, c.close, c.volume


def _from_body(
    o: NDArray[np.float64],
    c: NDArray[np.float64],
    up: NDArray[np.float64],
    down: NDArray[np.float64],
    v: NDArray[np.float64] | None = None,
) -> OHLCV:
    h = np.maximum(o, c) + up
    l = np.minimum(o, c) - down
    vol = np.ones_like(o) * 1000.0 if v is None else v
    return o, h, l, c, vol


def flat(n: int = 300) -> OHLCV:
    x = np.full(n, 100.0)
    return x, x.copy(), x.copy(), x.copy(), np.full(n, 5.0)


def doji_runs(n: int = 300, seed: int = 1) -> OHLCV:
    rng = np.random.default_rng(seed)
    o = 100.0 + np.cumsum(rng.normal(0, 1, n)).round(2)
    trend = rng.random(n) < 0.3
    c = np.where(trend, o + rng.normal(0, 2, n).round(2), o)
    return _from_body(o, c, rng.exponential(1, n).round(2), rng.exponential(1, n).round(2))


def gaps(n: int = 300, seed: int = 2) -> OHLCV:
    """Bodies separated by large gaps up and down, often with no shadows (marubozu, kicking)."""
    rng = np.random.default_rng(seed)
    o = 100.0 + np.cumsum(rng.choice([-8.0, -3.0, 0.0, 3.0, 8.0], n))
    c = o + rng.choice([-6.0, -2.0, -0.1, 0.1, 2.0, 6.0], n)
    shaven = rng.random(n) < 0.5
    up = np.where(shaven, 0.0, rng.choice([0.1, 1.0, 4.0], n))
    down = np.where(shaven, 0.0, rng.choice([0.1, 1.0, 4.0], n))
    return _from_body(o + 1000.0, c + 1000.0, up, down)


def equal_highs(n: int = 300, seed: int = 3) -> OHLCV:
    rng = np.random.default_rng(seed)
    o = rng.choice([96.0, 97.0, 98.0, 99.0], n)
    c = rng.choice([95.0, 97.0, 98.0, 99.0], n)
    h = np.full(n, 100.0)
    l = np.minimum(o, c) - rng.choice([0.0, 0.5, 2.0], n)
    return o, h, l, c, np.full(n, 10.0)


def small_integers(n: int = 400, seed: int = 4) -> OHLCV:
    """Prices from a handful of integers: exact ties everywhere, the test of `<` vs `<=`."""
    rng = np.random.default_rng(seed)
    o = rng.integers(1, 6, n).astype(float)
    c = rng.integers(1, 6, n).astype(float)
    return _from_body(
        o,
        c,
        rng.integers(0, 3, n).astype(float),
        rng.integers(0, 3, n).astype(float),
        rng.integers(0, 4, n).astype(float),
    )


def decimal_ticks(n: int = 400, seed: int = 5) -> OHLCV:
    """Prices on a 0.1 tick: sums of such values round differently in a different order."""
    rng = np.random.default_rng(seed)
    o = np.round(rng.integers(10, 40, n) * 0.1, 1)
    c = np.round(rng.integers(10, 40, n) * 0.1, 1)
    return _from_body(
        o, c, np.round(rng.integers(0, 5, n) * 0.1, 1), np.round(rng.integers(0, 5, n) * 0.1, 1)
    )


def scaled(factor: float, n: int = 500, seed: int = 6) -> OHLCV:
    o, h, l, c, v = walk("ETHUSDT", n, seed)
    return o * factor, h * factor, l * factor, c * factor, v


def trends(n: int = 600, seed: int = 7) -> OHLCV:
    """Runs of same-colour candles with growing or shrinking bodies (soldiers, crows, methods)."""
    rng = np.random.default_rng(seed)
    direction = np.repeat(rng.choice([-1.0, 1.0], n // 5 + 1), 5)[:n]
    size = rng.choice([0.2, 1.0, 3.0, 6.0], n)
    gap = rng.choice([0.0, 0.0, 0.5, -0.5, 2.0, -2.0], n)
    o = np.empty(n)
    c = np.empty(n)
    price = 500.0
    for i in range(n):  # test data only: a loop keeps the construction readable
        o[i] = price + gap[i]
        c[i] = o[i] + direction[i] * size[i]
        price = c[i] if rng.random() < 0.6 else (o[i] + c[i]) / 2
    up = rng.choice([0.0, 0.05, 0.5, 3.0], n)
    down = rng.choice([0.0, 0.05, 0.5, 3.0], n)
    return _from_body(o, c, up, down)


# Some patterns hardly ever fire on random data: hand-made hits, each after 10 plain candles
# (the "long" and "short" tests compare with the 10 before). (open, high, low, close) per candle.
_LEAD_IN = [(100.0, 101.5, 99.5, 101.0)] * 10
RARE_HITS = {
    "breakaway_bullish": [
        (110, 111, 99, 100),
        (98, 98.5, 95.5, 96),
        (95, 97, 93, 94),
        (93, 94, 90, 91),
        (91.5, 99.5, 91, 99),
    ],
    "breakaway_bearish": [
        (100, 111, 99, 110),
        (112, 114.5, 111.5, 114),
        (115, 117, 113, 116),
        (117, 120, 116, 119),
        (118.5, 119, 110.5, 111),
    ],
    "ladder_bottom": [
        (110, 110.5, 105.5, 106),
        (108, 108.5, 103.5, 104),
        (106, 106.5, 101.5, 102),
        (103, 105, 100.5, 101),
        (103.5, 107.5, 103, 107),
    ],
    "rising_three_methods": [
        (100, 111, 99, 110),
        (109, 109.5, 107.5, 108),
        (108, 108.5, 106.5, 107),
        (107, 107.5, 105.5, 106),
        (106.5, 112.5, 106, 112),
    ],
    "falling_three_methods": [
        (110, 111, 99, 100),
        (101, 102.5, 100.5, 102),
        (102, 103.5, 101.5, 103),
        (103, 104.5, 102.5, 104),
        (103.5, 104, 97.5, 98),
    ],
    "upside_gap_two_crows": [
        (100, 110.5, 99.5, 110),
        (113, 113.5, 111.5, 112),
        (114, 114.5, 110.5, 111),
    ],
}


def rare_hits() -> OHLCV:
    """Every hand-made hit in turn, each after its lead-in, in one series."""
    rows = [row for hit in RARE_HITS.values() for row in (*_LEAD_IN, *hit)]
    o, h, l, c = (np.array(col, dtype=float) for col in zip(*rows, strict=True))
    return o, h, l, c, np.full(len(o), 100.0)


NAMED_SHAPES: dict[str, Callable[[], OHLCV]] = {
    "flat": flat,
    "doji_runs": doji_runs,
    "gaps": gaps,
    "equal_highs": equal_highs,
    "small_integers": small_integers,
    "decimal_ticks": decimal_ticks,
    "tiny_prices": lambda: scaled(1e-6),
    "huge_prices": lambda: scaled(1e6),
    "trends": trends,
    "rare_hits": rare_hits,
    "zero_volume": lambda: (*walk("ADAUSDT", 300, 9)[:4], np.zeros(300)),
}

WALKS = [(s, n, seed) for s in SYMBOLS[:4] for n, seed in ((2000, 0), (777, 11), (60, 3))]
LENGTHS = [1, 2, 3, 5, 10, 11, 12, 13, 14, 15, 16, 20, 26, 33, 34, 35, 50, 100]


@st.composite
def ohlcv_candles(draw: st.DrawFn, min_size: int = 1, max_size: int = 120) -> OHLCV:
    """Candles built from small integers and tenths: ties, flats and gaps are likely, not rare."""
    n = draw(st.integers(min_size, max_size))
    unit = draw(st.sampled_from([1.0, 0.1, 0.25, 1e-4, 1e3]))
    ints = st.integers(0, 12)
    o = np.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype=float) * unit + 10 * unit
    c = np.array(draw(st.lists(ints, min_size=n, max_size=n)), dtype=float) * unit + 10 * unit
    up = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=float) * unit
    down = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=float) * unit
    vol = np.array(draw(st.lists(st.integers(0, 50), min_size=n, max_size=n)), dtype=float)
    return _from_body(o, c, up, down, vol)
