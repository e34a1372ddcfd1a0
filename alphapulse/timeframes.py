"""Symbols x timeframes: a scan per timeframe, and the live path fed with 1-minute candles.

`MultiTimeframeDetector` keeps, per timeframe, a `StreamingDetector` of that timeframe's closed bars
(rolling windows, so an update's work is proportional to the windows, not to the history) and, per
symbol and higher timeframe, the open bar, into which each 1-minute candle is rolled. A bar closes
with the candle that ends where the bar ends (the fifth aligned minute of a 5m bar), or, when that
minute is missing, with the first candle after it; the bars are those of `resample` on the stream
(the same sums, added in the same order), so the signals equal `detect` on the resampled window.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from alphapulse import _rules as rules
from alphapulse.candles import CandleBatch, Candles
from alphapulse.detection import Detection, scan
from alphapulse.market import TIMEFRAMES, timeframe_ms
from alphapulse.resampling import aggregate
from alphapulse.signals import Signal
from alphapulse.streaming import Candle, StreamingDetector

__all__ = ["MultiTimeframeDetector", "scan_timeframes"]

MINUTE_MS = 60_000


def scan_timeframes(batches: Mapping[str, CandleBatch]) -> dict[str, list[Detection]]:
    """`scan` of each timeframe's batch: {timeframe: detections}, in the mapping's order."""
    for timeframe, batch in batches.items():
        if not isinstance(batch, CandleBatch):
            raise TypeError(
                f"`batches[{timeframe!r}]` must be a CandleBatch, got {type(batch).__name__}"
            )
    return {timeframe: scan(batch) for timeframe, batch in batches.items()}


class _Feed:
    """One symbol's 1-minute stream: its newest timestamp, its count, its open bars."""

    def __init__(self, timeframes: Sequence[str]) -> None:
        self.last: int | None = None
        self.count = 0  # 1-minute candles received (seeded or updated)
        self.open: dict[str, list[float] | None] = dict.fromkeys(
            timeframes
        )  # [start, o, h, l, c, v]


class MultiTimeframeDetector:
    """Signals of each timeframe whose bar closes, per symbol, fed one 1-minute candle at a time."""

    def __init__(self, timeframes: Sequence[str] = TIMEFRAMES, window: int = 500) -> None:
        if isinstance(timeframes, str) or not timeframes:
            raise ValueError(
                f"`timeframes` must be a non-empty sequence of names, got {timeframes!r}"
            )
        lengths = {tf: timeframe_ms(tf) for tf in timeframes}
        if len(lengths) != len(timeframes):
            raise ValueError(f"`timeframes` names a timeframe more than once: {list(timeframes)}")
        self.timeframes = tuple(timeframes)
        self.window = window
        self._detectors = {tf: StreamingDetector(window) for tf in self.timeframes}
        self._lengths = lengths
        self._higher = tuple(tf for tf in self.timeframes if lengths[tf] > MINUTE_MS)
        self._feeds: dict[str, _Feed] = {}

    def _feed(self, symbol: str) -> _Feed:
        feed = self._feeds.get(symbol)
        if feed is None:
            feed = self._feeds[symbol] = _Feed(self._higher)
        return feed

    def seed(self, candles: Candles) -> None:
        """Load a symbol's 1-minute history without detecting on it (as `StreamingDetector.seed`).

        The candles must start after the symbol's previous ones and sit on whole UTC minutes
        (ValueError otherwise); gaps are fine. Each timeframe keeps its newest `window` bars.
        """
        if not isinstance(candles, Candles):
            raise TypeError(f"`candles` must be Candles, got {type(candles).__name__}")
        if len(candles) == 0:
            return
        symbol = candles.symbol
        feed = self._feeds.get(symbol)
        first = int(candles.timestamp[0])
        if feed is not None and feed.last is not None and rules.not_after(first, feed.last):
            error = rules.not_increasing((), first, feed.last)
            raise error.moved((feed.count,), f"{symbol}: ")
        off = candles.timestamp % MINUTE_MS != 0
        if off.any():
            k = int(np.argmax(off))
            raise _off_minute(symbol, (0 if feed is None else feed.count) + k, candles.timestamp[k])
        feed = self._feed(symbol)
        if "1m" in self._detectors:
            self._detectors["1m"].seed(candles)
        for tf in self._higher:
            self._seed_bars(feed, tf, candles)
        feed.last = int(candles.timestamp[-1])
        feed.count += len(candles)

    def _seed_bars(self, feed: _Feed, tf: str, candles: Candles) -> None:
        """The closed bars of `tf` into its detector; the unfinished newest one stays open."""
        names = ("timestamp", "open", "high", "low", "close", "volume")
        fields = [getattr(candles, f)[np.newaxis] for f in names]
        bar = feed.open[tf]
        if bar is not None:  # the open bar goes first, as one candle: its sums continue in order
            fields = [
                np.concatenate(([[int(bar[0])]] if k == 0 else [[bar[k]]], x), axis=1)
                for k, x in enumerate(fields)
            ]
        length = self._lengths[tf]
        ts, o, h, l, c, v = (x[0] for x in aggregate(tuple(fields), length, _MINUTE, True))
        unfinished = (int(candles.timestamp[-1]) + MINUTE_MS) % length != 0
        closed = len(ts) - unfinished
        feed.open[tf] = (
            [int(ts[-1]), float(o[-1]), float(h[-1]), float(l[-1]), float(c[-1]), float(v[-1])]
            if unfinished
            else None
        )
        if closed:
            part = slice(max(closed - self.window, 0), closed)
            bars = Candles(ts[part], o[part], h[part], l[part], c[part], v[part], candles.symbol,
                           min_candles=0)  # fmt: skip
            self._detectors[tf].seed(bars)

    def update(
        self, symbol: str, candle: Candle | tuple[int, float, float, float, float, float]
    ) -> dict[str, list[Signal]]:
        """Roll a 1-minute candle into every timeframe; {timeframe: signals} of each bar it closes.

        The key of a timeframe is there when one of its bars closed with this candle (1m every
        time, 5m on the fifth aligned minute, ...), its list the signals of that bar ([] during a
        window's warm-up). A gap that skips a bar's last minute closes the bar with the next
        candle (and when that candle is itself a last minute, the list holds both bars' signals,
        oldest first).
        The candle passes the rules of `Candles` and sits on a whole UTC minute; a failure raises
        as `StreamingDetector.update` does, with the candle's index in the symbol's stream.
        """
        feed = self._feeds.get(rules.read_symbol(symbol))
        count = 0 if feed is None else feed.count
        try:
            checked = rules.read_candle(candle, None if feed is None else feed.last)
        except rules.InputError as err:
            raise err.moved((count,), f"{symbol}: ") from None
        ts, o, h, l, c, v = checked
        if ts % MINUTE_MS:
            raise _off_minute(symbol, count, ts)
        if feed is None:
            feed = self._feed(symbol)
        feed.last = ts
        feed.count += 1
        closed: dict[str, list[Signal]] = {}
        if "1m" in self._detectors:
            closed["1m"] = self._detectors["1m"].update(symbol, checked)
        for tf in self._higher:
            length = self._lengths[tf]
            start = ts - ts % length
            bar = feed.open[tf]
            if bar is not None and bar[0] != start:  # its last minute never came: it closed
                closed[tf] = self._detectors[tf].update(symbol, _bar(bar))
                bar = None
            if bar is None:
                bar = [start, o, h, l, c, 0.0 + v]  # sums from 0.0, as `resample` adds
            else:
                bar[2] = max(bar[2], h)
                bar[3] = min(bar[3], l)
                bar[4] = c
                bar[5] += v
            if (ts + MINUTE_MS) % length == 0:  # the bar's last minute
                closed[tf] = closed.get(tf, []) + self._detectors[tf].update(symbol, _bar(bar))
                bar = None
            feed.open[tf] = bar
        return closed

    def __len__(self) -> int:
        """How many symbols the detector follows."""
        return len(self._feeds)


_MINUTE = np.array([MINUTE_MS], dtype=np.int64)


def _bar(bar: list[float]) -> tuple[int, float, float, float, float, float]:
    return int(bar[0]), bar[1], bar[2], bar[3], bar[4], bar[5]


def _off_minute(symbol: str, index: int, stamp: object) -> rules.InputError:
    return rules.InputError(
        "timestamp",
        "is not on a whole UTC minute",
        (index,),
        f"{int(stamp)} ms",  # type: ignore[call-overload]
        f"{symbol}: ",
    )
