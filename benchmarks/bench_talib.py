"""TA-Lib on the same workloads, so that every run carries its own anchor.

TA-Lib computes the same 15 indicator outputs and 36 patterns one symbol at a time (it has no
batch call). The `Ratios` track ours / TA-Lib measured in one process, interleaved, which is the
figure to read on a shared machine where absolute times drift between runs.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

from benchmarks.common import CANDLES, PATTERN_NAMES, SYMBOL_COUNTS, api, batch, candles, on_cpu


def _talib() -> Any:
    try:
        import talib
    except ImportError:
        raise NotImplementedError("TA-Lib is not installed in this environment") from None
    return talib


def talib_detection(talib: Any, o: Any, h: Any, l: Any, c: Any, v: Any) -> None:
    """One symbol's indicators and patterns through TA-Lib."""
    talib.RSI(c, 14)
    talib.MACD(c, 12, 26, 9)
    talib.BBANDS(c, 20, 2, 2, 0)
    talib.STOCH(h, l, c, 14, 3, 0, 3, 0)
    talib.ATR(h, l, c, 14)
    talib.SMA(c, 20)
    talib.SMA(c, 50)
    talib.EMA(c, 12)
    talib.EMA(c, 26)
    _ = v / talib.SMA(v, 20)
    for name in PATTERN_NAMES:
        getattr(talib, name)(o, h, l, c)


def _rows(b: Any) -> list[tuple[Any, ...]]:
    return [
        (b.open[k], b.high[k], b.low[k], b.close[k], b.volume[k]) for k in range(len(b.symbols))
    ]


class TALibSingleSymbol:
    """TA-Lib's share of `detect` for BTCUSDT (compare with SingleSymbolDetection)."""

    params = [list(CANDLES)]
    param_names = ["candles"]
    version = "1"
    rounds = 2
    repeat = (3, 10, 2.0)
    warmup_time = 0.1

    def setup(self, n: int) -> None:
        self.talib = _talib()
        c = candles("BTCUSDT", n)
        self.arrays = (c.open, c.high, c.low, c.close, c.volume)

    @on_cpu(version="2")
    def time_detection(self, n: int) -> None:
        talib_detection(self.talib, *self.arrays)


class TALibMultiSymbol:
    """TA-Lib over every symbol of the batch in turn (compare with MultiSymbolScan)."""

    params = [list(SYMBOL_COUNTS)]
    param_names = ["symbols"]
    version = "1"
    rounds = 2
    repeat = (3, 8, 2.0)
    warmup_time = 0.1

    def setup(self, symbols: int) -> None:
        self.talib = _talib()
        self.rows = _rows(batch(symbols))

    @on_cpu(version="2")
    def time_detection(self, symbols: int) -> None:
        for row in self.rows:
            talib_detection(self.talib, *row)


def _ratio(ours: Callable[[], object], theirs: Callable[[], object], rounds: int = 7) -> float:
    """Median time of `ours` / median time of `theirs`, in alternating rounds of >= 20 ms."""

    def round_time(func: Callable[[], object]) -> float:
        count, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < 0.02 or count < 2:
            func()
            count += 1
        return elapsed / count

    ours_times, theirs_times = [], []
    for _ in range(rounds):
        ours_times.append(round_time(ours))
        theirs_times.append(round_time(theirs))
    return statistics.median(ours_times) / statistics.median(theirs_times)


class Ratios:
    """AlphaPulse / TA-Lib on the same data, measured in one process (lower is better).

    Targets (issue 2): detect of 1 x 1,000 within 3x; scan of 100 x 1,000 at or below 1x.
    """

    version = "1"
    params = [[1, 10, 100]]
    param_names = ["symbols"]
    unit = "ratio"

    def setup(self, symbols: int) -> None:
        self.talib = _talib()
        if symbols == 1:
            detect = api("alphapulse", "detect")
            c = candles("BTCUSDT", 1_000)
            arrays = (c.open, c.high, c.low, c.close, c.volume)
            self.ours = lambda: detect(c)
            self.theirs = lambda: talib_detection(self.talib, *arrays)
        else:
            scan = api("alphapulse", "scan")
            b = batch(symbols)
            rows = _rows(b)
            self.ours = lambda: scan(b)
            self.theirs = lambda: [talib_detection(self.talib, *row) for row in rows]
        self.ours()
        self.theirs()

    def track_ours_over_talib(self, symbols: int) -> float:
        return _ratio(self.ours, self.theirs)
