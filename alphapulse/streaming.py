"""The real-time path: one new candle in, the signals of that candle out.

Each symbol keeps its newest `window` candles in a preallocated buffer twice the window long; a new
candle is written in place and, when the buffer is full, the newest `window - 1` candles move
to its front (once every `window` updates). Each update then runs the same detection as `detect` on
the window, so its work is proportional to the window, not to the history, and its signals equal
`detect` on the same candles.

Each new candle is checked by the rules of `Candles` (alphapulse/_rules.py), with the same messages;
the index a message names is the candle's place in its symbol's stream (seeded candles counted).
Plain float prices and int timestamps take a shortcut of a few hundred nanoseconds.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numpy.typing import NDArray

from alphapulse import _rules as rules
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


class _Buffer:
    """The newest candles of one symbol: rows open, high, low, close, volume; plus timestamps."""

    def __init__(self, window: int) -> None:
        self.window = window
        self.values = np.empty((5, 2 * window), dtype=np.float64)
        self.stamps = np.empty(2 * window, dtype=np.int64)
        self.end = 0
        self.count = 0  # candles received (seeded or updated): the index of the next one

    @property
    def size(self) -> int:
        return min(self.end, self.window)

    @property
    def last_timestamp(self) -> int | None:
        return int(self.stamps[self.end - 1]) if self.end else None

    def append(self, candle: rules.CandleValues) -> None:
        if self.end == self.values.shape[1]:
            keep = self.window - 1
            self.values[:, :keep] = self.values[:, self.end - keep : self.end]
            self.stamps[:keep] = self.stamps[self.end - keep : self.end]
            self.end = keep
        self.values[:, self.end] = candle[1:]
        self.stamps[self.end] = candle[0]
        self.end += 1
        self.count += 1

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
        if isinstance(window, bool) or not isinstance(window, int):
            raise TypeError(f"`window` must be an int, got {type(window).__name__} {window!r}")
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
        """Load a symbol's history (its newest `window` candles) without detecting on it.

        The candles must start after the symbol's buffered ones (ValueError otherwise).
        """
        if not isinstance(candles, Candles):
            raise TypeError(f"`candles` must be Candles, got {type(candles).__name__}")
        if len(candles) == 0:
            return
        buffer = self._buffers.get(candles.symbol)
        previous = None if buffer is None else buffer.last_timestamp
        first = int(candles.timestamp[0])
        if buffer is not None and previous is not None and rules.not_after(first, previous):
            error = rules.not_increasing((), first, previous)  # the order rule of `update`
            raise error.moved((buffer.count,), f"{candles.symbol}: ")
        fields = np.stack([candles.open, candles.high, candles.low, candles.close, candles.volume])
        buffer = self._buffer(candles.symbol)
        buffer.extend(candles.timestamp[-self.window :], fields[:, -self.window :])
        buffer.count += len(candles)

    def update(
        self, symbol: str, candle: Candle | tuple[int, float, float, float, float, float]
    ) -> list[Signal]:
        """Add `candle` to `symbol`'s window; return the signals of that candle.

        The candle must pass the rules of `Candles`, its timestamp strictly after the symbol's
        previous one; a failure raises ValueError (TypeError for a symbol that is no str or a
        candle that is no 6-tuple) naming the field and the candle's index in the symbol's
        stream (seeded candles counted, from 0). Returns [] until the window holds MIN_CANDLES.
        """
        buffer = self._buffers.get(rules.read_symbol(symbol))
        previous = None if buffer is None else buffer.last_timestamp
        try:
            checked = rules.read_candle(candle, previous)
        except rules.InputError as err:
            raise err.moved((0 if buffer is None else buffer.count,), f"{symbol}: ") from None
        if buffer is None:
            buffer = self._buffer(symbol)
        buffer.append(checked)
        if buffer.size < MIN_CANDLES:
            return []
        stamps, values = buffer.view()
        o, h, l, c, v = (row[np.newaxis] for row in values)
        return list(detect_arrays([symbol], stamps[-1:], o, h, l, c, v)[0].signals)

    def __len__(self) -> int:
        """How many symbols the detector follows."""
        return len(self._buffers)
