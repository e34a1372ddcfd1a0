"""The real-time path: one new candle in, the signals of that candle out.

Each symbol keeps its newest `window` candles in a preallocated buffer twice the window long; a new
candle is written in place and, when the buffer is full, the newest `window - 1` candles move
to its front (once every `window` updates). Each update then runs the same detection as `detect` on
the window, so its work is proportional to the window, not to the history, and its signals equal
`detect` on the same candles.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from alphapulse.candles import MIN_CANDLES, Candles
from alphapulse.detection import detect_arrays
from alphapulse.signals import Signal

__all__ = ["Candle", "StreamingDetector"]


class Candle(NamedTuple):
    """One OHLCV candle; `timestamp` in ms since the epoch."""

    timestamp: int
    open: float
    high: float
    low: float
    close: float
    volume: float


def _check(symbol: str, candle: Candle, previous: int | None) -> None:
    for name in ("open", "high", "low", "close", "volume"):
        if not math.isfinite(getattr(candle, name)):
            raise ValueError(
                f"{symbol}: `{name}` of the candle at {candle.timestamp} is not finite"
            )
    if candle.high < max(candle.open, candle.close):
        raise ValueError(
            f"{symbol}: `high` of the candle at {candle.timestamp} is below max(open, close)"
        )
    if candle.low > min(candle.open, candle.close):
        raise ValueError(
            f"{symbol}: `low` of the candle at {candle.timestamp} is above min(open, close)"
        )
    if candle.volume < 0:
        raise ValueError(f"{symbol}: `volume` of the candle at {candle.timestamp} is negative")
    if previous is not None and candle.timestamp <= previous:
        raise ValueError(
            f"{symbol}: `timestamp` {candle.timestamp} is not after"
            f" the previous candle's {previous}"
        )


class _Buffer:
    """The newest candles of one symbol: rows open, high, low, close, volume; plus timestamps."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.values = np.empty((5, 2 * window), dtype=np.float64)
        self.stamps = np.empty(2 * window, dtype=np.int64)
        self.end = 0

    @property
    def size(self) -> int:
        return min(self.end, self.window)

    @property
    def last_timestamp(self) -> int | None:
        return int(self.stamps[self.end - 1]) if self.end else None

    def append(self, candle: Candle) -> None:
        if self.end == self.values.shape[1]:
            keep = self.window - 1
            self.values[:, :keep] = self.values[:, self.end - keep : self.end]
            self.stamps[:keep] = self.stamps[self.end - keep : self.end]
            self.end = keep
        self.values[:, self.end] = candle[1:]
        self.stamps[self.end] = candle.timestamp
        self.end += 1

    def extend(self, stamps: NDArray[np.int64], values: NDArray[np.float64]) -> None:
        """Append many candles at once (rows of `values` as in `self.values`)."""
        old_stamps, old_values = self.view()
        keep_stamps = np.concatenate((old_stamps, stamps))[-self.window :]
        keep_values = np.concatenate((old_values, values), axis=1)[:, -self.window :]
        self.end = len(keep_stamps)
        self.stamps[: self.end] = keep_stamps
        self.values[:, : self.end] = keep_values

    def view(self) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        start = self.end - self.size
        return self.stamps[start : self.end], self.values[:, start : self.end]


class StreamingDetector:
    """Signals of each new candle, per symbol, over a sliding window of the newest candles."""

    def __init__(self, window: int = 500) -> None:
        if window < MIN_CANDLES:
            raise ValueError(f"`window` must be at least {MIN_CANDLES} candles, got {window}")
        self.window = window
        self._buffers: dict[str, _Buffer] = {}

    def _buffer(self, symbol: str) -> _Buffer:
        buffer = self._buffers.get(symbol)
        if buffer is None:
            buffer = self._buffers[symbol] = _Buffer(self.window)
        return buffer

    def seed(self, candles: Candles) -> None:
        """Load a symbol's history (its newest `window` candles) without detecting on it."""
        buffer = self._buffer(candles.symbol)
        previous = buffer.last_timestamp
        if previous is not None and candles.timestamp[0] <= previous:
            raise ValueError(
                f"{candles.symbol}: the seeded candles do not start after the buffered ones"
            )
        fields = np.stack([candles.open, candles.high, candles.low, candles.close, candles.volume])
        buffer.extend(candles.timestamp[-self.window :], fields[:, -self.window :])

    def update(
        self, symbol: str, candle: Candle | tuple[int, float, float, float, float, float]
    ) -> list[Signal]:
        """Add `candle` to `symbol`'s window; return the signals of that candle.

        Returns [] until the window holds enough candles for the indicators (MIN_CANDLES).
        """
        candle = Candle(*candle)
        buffer = self._buffer(symbol)
        _check(symbol, candle, buffer.last_timestamp)
        buffer.append(candle)
        if buffer.size < MIN_CANDLES:
            return []
        stamps, values = buffer.view()
        o, h, l, c, v = (row[np.newaxis] for row in values)
        return list(detect_arrays([symbol], stamps[-1:], o, h, l, c, v)[0].signals)

    def __len__(self) -> int:
        """How many symbols the detector follows."""
        return len(self._buffers)
