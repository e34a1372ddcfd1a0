"""Market data: the symbols AlphaPulse watches, deterministic synthetic candles, and CSV loading.

Synthetic candles are seeded from the symbol's CRC-32 and the caller's seed (never `hash()`, which
changes per process), so the same call gives the same numbers on every run and machine. The walk has
volatility regimes, trends, gaps, dojis, shaven candles and clustered volume, and prices are rounded
to a tick, so that every pattern of the set occurs and exact ties happen as they do on an exchange.
"""

from __future__ import annotations

import csv
import io
import re
import zlib
from collections.abc import Sequence
from os import PathLike
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from alphapulse import _rules as rules
from alphapulse._rules import FLOAT_FIELDS
from alphapulse.candles import CandleBatch, Candles

__all__ = [
    "BASE_PRICES",
    "SYMBOLS",
    "TIMEFRAMES",
    "TIMEFRAME_MINUTES",
    "load_csv",
    "synthetic_batch",
    "synthetic_candles",
    "timeframe_ms",
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

# The timeframes AlphaPulse watches every symbol on; the generator and `resample` also know 1d.
TIMEFRAMES: tuple[str, ...] = ("1m", "5m", "15m", "1h", "4h")
TIMEFRAME_MINUTES = {"1m": 1, "5m": 5, "15m": 15, "1h": 60, "4h": 240, "1d": 1440}
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


def timeframe_ms(timeframe: str) -> int:
    """The length of a `timeframe` bar ("1m" ... "1d") in ms; ValueError for another name."""
    if timeframe not in TIMEFRAME_MINUTES:
        raise ValueError(
            f"`timeframe` must be one of {list(TIMEFRAME_MINUTES)}, got {rules.show(timeframe)}"
        )
    return TIMEFRAME_MINUTES[timeframe] * 60_000


def synthetic_candles(symbol: str, n: int, timeframe: str = "1h", seed: int = 0) -> Candles:
    """`n` candles of `symbol` on `timeframe`, the same numbers on every run and machine.

    Each timeframe is a native series of its own (its own random stream, not a resampled 1m one):
    bars `timeframe` apart from 2024-01-01T00:00Z, volatility scaled with the square root of the
    bar's length and volume with its length, both as on 1h (whose numbers are pinned).
    """
    minutes = timeframe_ms(timeframe) // 60_000
    if n < 1:
        raise ValueError(f"`n` must be at least 1, got {n}")
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
    per_bar = 1_000.0 * minutes / 60  # exactly 1000.0 on 1h: the pinned numbers do not move
    volume = np.round(per_bar * activity * rng.lognormal(0.0, 0.4, n), 4)
    volume[rng.random(n) < 0.005] = 0.0

    timestamp = _EPOCH_MS + np.arange(n, dtype=np.int64) * minutes * 60_000
    return Candles(timestamp, open_, high, low, close, volume, symbol, min_candles=0)


def synthetic_batch(
    symbols: Sequence[str], n: int, timeframe: str = "1h", seed: int = 0
) -> CandleBatch:
    """The batch whose row k equals `synthetic_candles(symbols[k], n, timeframe, seed)`."""
    return CandleBatch.from_candles([synthetic_candles(s, n, timeframe, seed) for s in symbols])


_TIME_COLUMNS = ("timestamp", "date")
_SECONDS_BELOW = 100_000_000_000  # an integer timestamp below this (year 5138 in s) is in seconds
# A UTC offset at the end of an ISO time: Z, +01:00, -0530.
_OFFSET = re.compile(r"(?:Z|([+-])(\d\d):?(\d\d))$")


def _read_text(path: Path) -> str:
    """The file as text: UTF-8, with or without a BOM."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        raise ValueError(
            f"{path}, line {line}: not UTF-8 text (byte {data[err.start]:#04x}"
            f" at offset {err.start}); save the file as UTF-8"
        ) from None


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    """The column (from 0) of each field, `timestamp` included, from the header."""
    names = [h.strip().lower() for h in header]
    time_name = next((c for c in _TIME_COLUMNS if c in names), None)
    if time_name is None and names[:1] != [""]:
        raise ValueError(
            f"{path}: no column named timestamp or date in the header {header}"
            " (nor an unnamed first column of dates, as pandas' to_csv() writes the index)"
        )
    missing = [c for c in FLOAT_FIELDS if c not in names]
    if missing:
        raise ValueError(f"{path}: the header {header} has no column {', '.join(missing)}")
    wanted = {"timestamp": time_name or "", **{c: c for c in FLOAT_FIELDS}}
    for name in wanted.values():
        if name and names.count(name) > 1:
            where = [k + 1 for k, n in enumerate(names) if n == name]
            raise ValueError(f"{path}: the header names column {name!r} more than once {where}")
    return {field: names.index(name) for field, name in wanted.items()}


def _parse_time(text: str) -> int:
    """Milliseconds since the epoch from an integer (s or ms) or an ISO date (UTC by default)."""
    text = text.strip()
    try:
        value = int(text)
    except ValueError:
        return _parse_date(text)
    return value * 1000 if abs(value) < _SECONDS_BELOW else value


def _parse_date(text: str) -> int:
    """Milliseconds since the epoch from an ISO date, UTC unless it ends with an offset."""
    offset = _OFFSET.search(text) if ("T" in text or " " in text) else None
    minutes = 0  # east of UTC
    if offset is not None:
        sign, hours, mins = offset.groups()
        if sign is not None:
            minutes = (1 if sign == "+" else -1) * (int(hours) * 60 + int(mins))
        text = text[: offset.start()]
    not_a_date = rules.InputError("timestamp", "is not a date", detail=repr(text))
    if not text[:1].isdigit():  # numpy also reads "", "NaT", "today" and "now": no dates here
        raise not_a_date
    try:
        date = np.datetime64(text)
    except ValueError:
        raise not_a_date from None
    return int(rules.read_stamps(date, 0)) - minutes * 60_000


def _width_error(path: Path, line: int, record: list[str], header: list[str]) -> ValueError:
    """A row with more or fewer cells than the header, at its first missing or extra column."""
    n, width = len(record), len(header)
    if n < width:
        what = f"the row is short: {n} cells, the header has {width} (no {header[n]!r})"
    else:
        what = f"the row is long: {n} cells, the header has {width} (extra {record[width]!r})"
    return ValueError(f"{path}, line {line}, column {min(n, width) + 1}: {what}")


def load_csv(path: str | PathLike[str], symbol: str = "") -> Candles:
    """Read one symbol's OHLCV candles from a CSV file with a header.

    The header names the columns open, high, low, close, volume and timestamp (or date), in any
    order and case; or, as pandas' `DataFrame.to_csv()` writes it, the first column is unnamed and
    holds the dates. A timestamp is an integer (seconds or ms since the epoch) or an ISO date,
    in UTC unless it ends with an offset (Z, +01:00). The file is UTF-8, with or without a BOM.
    The candles must pass the rules of `Candles`. Every error is a ValueError naming the file
    and, for a cell, its line, its column (from 1) and the candle's index.
    """
    path = Path(path)
    reader = csv.reader(io.StringIO(_read_text(path), newline=""))
    stamps: list[int] = []
    rows: list[list[float]] = []
    lines: list[int] = []
    try:
        header = next(reader, None)
        if header is None:
            raise ValueError(f"{path}: the file is empty")
        columns = _columns(path, header)
        for record in reader:
            if not record:
                continue  # a blank line
            if len(record) != len(header):
                raise _width_error(path, reader.line_num, record, header)
            lines.append(reader.line_num)
            stamps.append(_parse_stamp(record[columns["timestamp"]], len(rows)))
            rows.append(_parse_prices(record, columns, len(rows)))
    except csv.Error as err:
        raise ValueError(f"{path}, line {reader.line_num}: {err}") from None
    except rules.InputError as err:  # a cell of the row just read
        raise _located(path, lines, columns, err) from None
    o, h, l, c, v = np.array(rows, dtype=np.float64).reshape(-1, len(FLOAT_FIELDS)).T
    try:
        return Candles(stamps, o, h, l, c, v, symbol or path.stem)
    except rules.InputError as err:
        raise _located(path, lines, columns, err) from None


def _parse_stamp(text: str, k: int) -> int:
    """The timestamp cell of candle `k`; an error names the field and the index."""
    try:
        return _parse_time(text)
    except rules.InputError as err:
        raise rules.InputError("timestamp", err.problem, (k,), err.detail) from None


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _parse_prices(record: list[str], columns: dict[str, int], k: int) -> list[float]:
    """The price and volume cells of candle `k`; an error names the first bad one."""
    cells = [record[columns[f]] for f in FLOAT_FIELDS]
    try:
        return [float(cell) for cell in cells]
    except ValueError:
        bad = next(j for j, cell in enumerate(cells) if not _is_number(cell))
        raise rules.InputError(
            FLOAT_FIELDS[bad], "is not a number", (k,), repr(cells[bad])
        ) from None


def _located(
    path: Path, lines: list[int], columns: dict[str, int], err: rules.InputError
) -> ValueError:
    """`err` with the file, and the line and column of the cell it names."""
    if not err.index:
        return err.moved((), f"{path}: ")
    line, column = lines[err.index[0]], columns[err.field] + 1
    return err.moved(err.index, f"{path}, line {line}, column {column}: ")
