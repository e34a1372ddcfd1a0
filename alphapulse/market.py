"""Market data: the symbols AlphaPulse watches, deterministic synthetic candles, and CSV loading.

Synthetic candles are seeded from the symbol's CRC-32 and the caller's seed (never `hash()`, which
changes per process), so the same call gives the same numbers on every run and machine. The walk has
volatility regimes, trends, gaps, dojis, shaven candles and clustered volume, and prices are rounded
to a tick, so that every pattern of the set occurs and exact ties happen as they do on an exchange.
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from alphapulse.candles import CandleBatch, Candles

__all__ = [
    "BASE_PRICES",
    "SYMBOLS",
    "TIMEFRAMES",
    "load_csv",
    "synthetic_batch",
    "synthetic_candles",
]

SYMBOLS: tuple[str, ...] = (
    "BTCUSDT",
    "ETHUSDT",
    "ADAUSDT",
    "DOTUSDT",
    "LINKUSDT",
    "LTCUSDT",
    "BCHUSDT",
    "XRPUSDT",
    "EOSUSDT",
    "TRXUSDT",
)
BASE_PRICES = {"BTCUSDT": 50_000.0, "ETHUSDT": 3_000.0}
_DEFAULT_BASE_PRICE = 100.0

TIMEFRAMES = {"1m": 1, "5m": 5, "15m": 15, "1h": 60, "4h": 240, "1d": 1440}  # minutes
_DAILY_VOLATILITY = 0.02
_EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z


def _rng(symbol: str, timeframe: str, seed: int) -> np.random.Generator:
    key = [seed, zlib.crc32(symbol.encode()), zlib.crc32(timeframe.encode())]
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(key)))


def _regime(
    rng: np.random.Generator, n: int, levels: NDArray[np.float64], stay: float
) -> NDArray[np.float64]:
    """A persistent Markov regime: each candle keeps the previous level with probability `stay`."""
    switch = rng.random(n) > stay
    switch[0] = True
    picks = rng.integers(0, len(levels), size=n)
    # The level in force at t is the pick of the latest switch at or before t.
    last_switch = np.maximum.accumulate(np.where(switch, np.arange(n), 0))
    return levels[picks[last_switch]]


def synthetic_candles(symbol: str, n: int, timeframe: str = "1h", seed: int = 0) -> Candles:
    """`n` candles of `symbol`, the same numbers on every run and machine."""
    if timeframe not in TIMEFRAMES:
        raise ValueError(f"`timeframe` must be one of {sorted(TIMEFRAMES)}, got {timeframe!r}")
    if n < 1:
        raise ValueError(f"`n` must be at least 1, got {n}")
    minutes = TIMEFRAMES[timeframe]
    rng = _rng(symbol, timeframe, seed)
    sigma = _DAILY_VOLATILITY * np.sqrt(minutes / 1440.0)
    vol = sigma * _regime(rng, n, np.array([0.5, 1.0, 2.2]), stay=0.97)
    drift = sigma * _regime(rng, n, np.array([-0.6, 0.0, 0.0, 0.6]), stay=0.9)

    body = drift + vol * rng.standard_normal(n)
    doji = rng.random(n) < 0.08
    body[doji] *= 0.01
    gap = np.where(rng.random(n) < 0.08, vol * 2.5 * rng.standard_normal(n), 0.0)
    # Sometimes a candle opens back inside the previous body (crows, soldiers, harami need it).
    retrace = rng.random(n) < 0.15
    gap[1:] -= np.where(retrace[1:], rng.uniform(0.1, 0.6, n - 1) * body[:-1], 0.0)
    gap[0] = 0.0

    base = BASE_PRICES.get(symbol, _DEFAULT_BASE_PRICE)
    log_close = np.log(base) + np.cumsum(gap + body)
    close = np.exp(log_close)
    open_ = np.exp(log_close - body)

    # Momentum candles close near their extreme: in a trend the shadow on its side shrinks.
    upper = vol * rng.exponential(0.5, n) * np.where(drift > 0, 0.15, 1.0)
    lower = vol * rng.exponential(0.5, n) * np.where(drift < 0, 0.15, 1.0)
    shaven = rng.random(n) < 0.04  # marubozu: no shadow at all
    upper[shaven | (rng.random(n) < 0.04)] = 0.0
    lower[shaven | (rng.random(n) < 0.04)] = 0.0
    high = np.maximum(open_, close) * np.exp(upper)
    low = np.minimum(open_, close) * np.exp(-lower)

    # Exchange ticks: rounding is monotone, so high >= max(open, close) >= ... >= low still holds.
    tick = 10.0 ** (np.floor(np.log10(base)) - 6)
    open_, high, low, close = (np.round(x / tick) * tick for x in (open_, high, low, close))

    activity = np.exp(np.cumsum(rng.normal(0.0, 0.15, n)) * 0.2 + 8.0 * np.abs(body) / sigma * 0.1)
    volume = np.round(1_000.0 * activity * rng.lognormal(0.0, 0.4, n), 4)
    volume[rng.random(n) < 0.005] = 0.0

    timestamp = _EPOCH_MS + np.arange(n, dtype=np.int64) * minutes * 60_000
    return Candles(timestamp, open_, high, low, close, volume, symbol, min_candles=0)


def synthetic_batch(
    symbols: Sequence[str], n: int, timeframe: str = "1h", seed: int = 0
) -> CandleBatch:
    """The batch whose row k equals `synthetic_candles(symbols[k], n, timeframe, seed)`."""
    return CandleBatch.from_candles([synthetic_candles(s, n, timeframe, seed) for s in symbols])


_COLUMNS = ("open", "high", "low", "close", "volume")
_TIME_COLUMNS = ("timestamp", "date")


def _parse_time(path: Path, text: str, line: int) -> int:
    """Milliseconds since the epoch from an integer (s or ms) or an ISO date."""
    try:
        value = int(text)
    except ValueError:
        try:
            return int(np.datetime64(text.strip().rstrip("Z"), "ms").astype(np.int64))
        except ValueError:
            raise ValueError(
                f"{path}, line {line}: column timestamp: not a date: {text!r}"
            ) from None
    return value * 1000 if abs(value) < 100_000_000_000 else value  # seconds -> ms


def load_csv(path: str | PathLike[str], symbol: str = "") -> Candles:
    """Read OHLCV candles from a CSV file with a header (names matched without regard to case)."""
    path = Path(path)
    with path.open(newline="") as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path}: the file is empty")
        names = [h.strip().lower() for h in header]
        time_col = next((names.index(c) for c in _TIME_COLUMNS if c in names), None)
        if time_col is None:
            raise ValueError(f"{path}: no column named timestamp or date in the header {header}")
        missing = [c for c in _COLUMNS if c not in names]
        if missing:
            raise ValueError(f"{path}: the header {header} has no column {', '.join(missing)}")
        cols = [names.index(c) for c in _COLUMNS]
        stamps: list[int] = []
        rows: list[list[float]] = []
        for line, record in enumerate(reader, start=2):
            if not record:
                continue
            stamps.append(_parse_time(path, record[time_col], line))
            values = []
            for name, k in zip(_COLUMNS, cols, strict=True):
                try:
                    values.append(float(record[k]))
                except (ValueError, IndexError):
                    cell = record[k] if k < len(record) else "<missing>"
                    raise ValueError(
                        f"{path}, line {line}: column {name}: not a number: {cell!r}"
                    ) from None
            rows.append(values)
    data = np.array(rows, dtype=np.float64).reshape(-1, len(_COLUMNS))
    try:
        o, h, l, c, v = data.T
        return Candles(np.array(stamps, dtype=np.int64), o, h, l, c, v, symbol or path.stem)
    except ValueError as err:
        raise ValueError(f"{path}: {err}") from None
