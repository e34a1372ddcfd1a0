"""Resampling: candles into the bars of a longer timeframe, every symbol in one vectorised pass.

Bars are aligned to UTC: a bar of `timeframe` starts at a whole multiple of its length since the
epoch and holds the candles whose timestamps fall in [start, start + length): open the first
candle's, high the highest, low the lowest, close the last candle's, volume the sum (added in time
order, as a live feed adds it, so `MultiTimeframeDetector` builds the very same bars). A bar with no
candles is absent, never invented.

The source step of a symbol is the smallest difference between its timestamps. Every difference
must be a whole multiple of it (missing candles are fine, a candle off the grid is not), the first
timestamp a multiple of it since the epoch, and the timeframe a multiple of it: then each candle
lies inside one bar. The newest bar is finished when it holds its last candle (the one that ends
where the bar ends); an unfinished newest bar is dropped unless `partial=True`.
"""

from __future__ import annotations

from typing import Any, overload

import numpy as np
from numpy.typing import NDArray

from alphapulse import _rules as rules
from alphapulse.candles import CandleBatch, Candles
from alphapulse.market import timeframe_ms

__all__ = ["aggregate", "resample"]

Fields = tuple[NDArray[Any], ...]  # timestamp (int64 ms), open, high, low, close, volume


def _index(r: int, k: int, one: bool) -> rules.Index:
    """Where, in the caller's terms: index k of `Candles`, row r and index k of a batch."""
    return (k,) if one else (r, k)


def _at(index: rules.Index) -> str:
    return f"index {index[0]}" if len(index) == 1 else f"row {index[0]}, index {index[1]}"


def _steps(ts: NDArray[np.int64], timeframe: str, length: int, one: bool) -> NDArray[np.int64]:
    """Each row's step (its smallest timestamp difference), checked against the rules above."""
    if ts.shape[1] == 1:
        raise ValueError("`timestamp` has 1 candle: resampling needs 2 to know the source step")
    diff = np.diff(ts, axis=1)
    step: NDArray[np.int64] = diff.min(axis=1)
    off = diff % step[:, np.newaxis] != 0
    if off.any():
        r, k = rules.first_index(off)
        raise rules.InputError(
            "timestamp",
            "is off the source step",
            _index(r, k + 1, one),
            f"{int(diff[r, k])} ms after the previous candle, not a multiple of the step"
            f" {int(step[r])} ms",
        )
    misaligned = ts[:, 0] % step != 0
    if misaligned.any():
        r = int(np.argmax(misaligned))
        raise rules.InputError(
            "timestamp",
            "is not a whole multiple of the source step since the epoch",
            _index(r, 0, one),
            f"{int(ts[r, 0])} ms, step {int(step[r])} ms",
        )
    coarser = length % step != 0
    if coarser.any():
        r = int(np.argmax(coarser))
        k = int(np.argmax(diff[r] == step[r])) + 1
        raise ValueError(
            f"`timeframe` {timeframe!r} ({length} ms) is not a multiple of the source step"
            f" {int(step[r])} ms (the step to {_at(_index(r, k, one))})"
        )
    return step


def aggregate(fields: Fields, length: int, step: NDArray[np.int64], partial: bool) -> Fields:
    """The bars of `length` ms of 2-D fields (one row a symbol) whose rows move by `step` ms.

    Every row must give the same number of bars (ValueError otherwise).
    """
    ts, o, h, l, c, v = fields
    rows, n = ts.shape
    if n == 0:
        return fields
    start = ts - ts % length  # floor: the bar of each candle
    new = np.empty((rows, n), dtype=bool)
    new[:, :1] = True
    np.not_equal(start[:, 1:], start[:, :-1], out=new[:, 1:])
    counts = new.sum(axis=1)
    first = np.flatnonzero(new)  # flat index of each bar's first candle; bars never span rows
    last = np.append(first[1:], rows * n) - 1
    keep = np.ones(first.shape, dtype=bool)
    if not partial:
        unfinished = (ts[:, -1] + step) % length != 0
        keep[np.cumsum(counts)[unfinished] - 1] = False
        counts = counts - unfinished
    if counts.min() != counts.max():
        r = int(np.argmax(counts != counts[0]))
        raise ValueError(
            f"the rows make different numbers of bars (row 0 {counts[0]}, row {r} {counts[r]});"
            " a batch needs one"
        )
    m = int(counts[0])
    flat = [x.reshape(-1) for x in (start, o, h, l, c, v)]
    bar = np.cumsum(new.reshape(-1)) - 1
    out = (
        flat[0][first],
        flat[1][first],
        np.maximum.reduceat(flat[2], first),
        np.minimum.reduceat(flat[3], first),
        flat[4][last],
        # bincount adds in index order, from 0.0: the sum a live feed makes candle by candle.
        np.bincount(bar, weights=flat[5], minlength=first.size),
    )
    return tuple(x[keep].reshape(rows, m) for x in out)


@overload
def resample(candles: Candles, timeframe: str, *, partial: bool = False) -> Candles: ...
@overload
def resample(candles: CandleBatch, timeframe: str, *, partial: bool = False) -> CandleBatch: ...


def resample(
    candles: Candles | CandleBatch, timeframe: str, *, partial: bool = False
) -> Candles | CandleBatch:
    """`candles` (one symbol or a batch) as bars of `timeframe`, aligned to UTC; see the module.

    A source whose steps are irregular, or whose step does not divide the timeframe, is a
    ValueError naming the index (and the row of a batch); so is a batch whose rows would make
    different numbers of bars. Empty buckets give no bar; the unfinished newest bar is dropped
    unless `partial`.
    """
    length = timeframe_ms(timeframe)
    if isinstance(candles, Candles):
        names = ("timestamp", "open", "high", "low", "close", "volume")
        fields: Fields = tuple(getattr(candles, f)[np.newaxis] for f in names)
        one = True
    elif isinstance(candles, CandleBatch):
        fields = (candles.timestamp, candles.open, candles.high, candles.low, candles.close,
                  candles.volume)  # fmt: skip
        one = False
    else:
        raise TypeError(f"`candles` must be Candles or CandleBatch, got {type(candles).__name__}")
    n = fields[0].shape[1]
    step = _steps(fields[0], timeframe, length, one) if n else np.ones(len(fields[0]), np.int64)
    ts, o, h, l, c, v = aggregate(fields, length, step, partial)
    if isinstance(candles, Candles):
        return Candles(ts[0], o[0], h[0], l[0], c[0], v[0], candles.symbol, min_candles=0)
    return CandleBatch(candles.symbols, ts, o, h, l, c, v, min_candles=0)
