"""Symbols x timeframes: scans of each timeframe's native windows, resampling a week of minutes,
the live multi-timeframe update, and their references (pandas, TA-Lib) measured in one process.

`TimeframeScan.time_scan_all` and `track_symbol_timeframes_per_second` take the symbols only: their
`params` are the method's own (asv reads a method's attributes before its class's).
"""

from __future__ import annotations

from typing import Any

from benchmarks.bench_talib import _ratio, _rows, _talib, talib_detection
from benchmarks.common import (
    FOUR_HOURS_MS,
    TIMEFRAME_MINUTES,
    api,
    calls_per_second,
    cpu_percent,
    minute_batch,
    multi_timeframe_replay,
    on_cpu,
    symbol_names,
    timeframe_batches,
)

SCAN_SYMBOLS = [10, 100]
HIGHER = [tf for tf in TIMEFRAME_MINUTES if tf != "1m"]  # resampled from 1m
REFRESH_SECONDS = 0.5  # the live cadence for the CPU-use figure, as bench_multi_symbol's
CPU_WINDOW_SECONDS = 2.0
CPU_SYMBOLS = 10
THROUGHPUT_SECONDS = 1.0
PANDAS_AGG = {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}


def _symbols_only(func: Any) -> Any:
    func.params = [SCAN_SYMBOLS]
    func.param_names = ["symbols"]
    return func


class TimeframeScan:
    """`scan` of each timeframe's 1,000-candle native windows, and `scan_timeframes` of all five."""

    params = [SCAN_SYMBOLS, list(TIMEFRAME_MINUTES)]
    param_names = ["symbols", "timeframe"]
    version = "1"
    rounds = 2
    repeat = (3, 8, 2.0)
    warmup_time = 0.1

    def setup(self, symbols: int, timeframe: str | None = None) -> None:
        self.scan_timeframes = api("alphapulse", "scan_timeframes")  # the native timeframes too
        self.scan = api("alphapulse", "scan")
        self.batches = timeframe_batches(symbols)
        self.scan_timeframes(self.batches)

    @on_cpu(version="1")
    def time_scan(self, symbols: int, timeframe: str) -> None:
        self.scan(self.batches[timeframe])

    @_symbols_only
    @on_cpu(version="1")
    def time_scan_all(self, symbols: int) -> None:
        self.scan_timeframes(self.batches)

    @_symbols_only
    def track_symbol_timeframes_per_second(self, symbols: int) -> float:
        """(symbol, timeframe) windows scanned per second, all five timeframes a call."""
        rate = calls_per_second(lambda: self.scan_timeframes(self.batches), THROUGHPUT_SECONDS)
        return symbols * len(self.batches) * rate

    track_symbol_timeframes_per_second.unit = "symbol-timeframes/s"  # type: ignore[attr-defined]


class Resample:
    """`resample` of 10 symbols x a week of 1-minute candles (10,080) to each higher timeframe."""

    params = [HIGHER]
    param_names = ["timeframe"]
    version = "1"
    rounds = 2
    repeat = (3, 10, 2.0)
    warmup_time = 0.1

    def setup(self, timeframe: str) -> None:
        self.resample = api("alphapulse", "resample")
        self.batch = minute_batch(10)
        self.resample(self.batch, timeframe)

    @on_cpu(version="1")
    def time_resample(self, timeframe: str) -> None:
        self.resample(self.batch, timeframe)

    def peakmem_resample(self, timeframe: str) -> None:
        self.resample(self.batch, timeframe)


class MultiTimeframeUpdate:
    """`MultiTimeframeDetector.update` with full 500-bar windows: a 1-minute candle that closes a
    bar on all five timeframes (a 4h close, the heaviest minute), and the CPU use of the refresh."""

    version = "1"
    rounds = 2
    repeat = (3, 10, 2.0)
    warmup_time = 0.1

    def setup(self) -> None:
        self.detector, self.rows, first_ts = multi_timeframe_replay(CPU_SYMBOLS)
        self.next_ts = dict.fromkeys(symbol_names(CPU_SYMBOLS), first_ts)
        self.k = 0

    def _update(self, symbol: str) -> None:
        row = self.rows[self.k % len(self.rows)]
        self.detector.update(symbol, (self.next_ts[symbol], *row))
        self.next_ts[symbol] += FOUR_HOURS_MS
        self.k += 1

    @on_cpu(version="1")
    def time_update(self) -> None:
        self._update("BTCUSDT")

    def track_cpu_percent(self) -> float:
        """CPU use, in percent of one core, when every REFRESH_SECONDS each of CPU_SYMBOLS
        symbols gets a 1-minute candle closing all five timeframes, over CPU_WINDOW_SECONDS."""

        def refresh() -> None:
            for symbol in self.next_ts:
                self._update(symbol)

        return cpu_percent(refresh, REFRESH_SECONDS, CPU_WINDOW_SECONDS)

    track_cpu_percent.unit = "%"  # type: ignore[attr-defined]


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise NotImplementedError("pandas is not installed in this environment") from None
    return pandas


def _frames(batch: Any) -> list[Any]:
    """Each symbol of `batch` as a pandas DataFrame indexed by UTC time."""
    pd = _pandas()
    fields = ("open", "high", "low", "close", "volume")
    return [
        pd.DataFrame(
            {f: getattr(batch, f)[k] for f in fields},
            index=pd.to_datetime(batch.timestamp[k], unit="ms", utc=True),
        )
        for k in range(len(batch.symbols))
    ]


class Ratios:
    """Ours / the reference on the same data, measured in one process, interleaved (lower is
    better): `resample` of 10 symbols x a week of minutes to 5m, 15m, 1h and 4h against pandas'
    per-symbol `resample().agg()` (empty bars dropped as ours are), target at or below 0.5x; and
    `scan_timeframes` of 100 symbols x 5 timeframes x 1,000 candles against TA-Lib's loop over the
    same 500 windows, target at or below 1x."""

    version = "1"
    params = [["resample_vs_pandas", "scan_timeframes_vs_talib"]]
    param_names = ["workload"]
    unit = "ratio"

    def setup(self, workload: str) -> None:
        if workload == "resample_vs_pandas":
            resample = api("alphapulse", "resample")
            batch = minute_batch(10)
            frames = _frames(batch)
            rules = [f"{TIMEFRAME_MINUTES[tf]}min" for tf in HIGHER]
            self.ours = lambda: [resample(batch, tf) for tf in HIGHER]
            self.theirs = lambda: [
                frame.resample(rule, label="left", closed="left").agg(PANDAS_AGG).dropna()
                for rule in rules
                for frame in frames
            ]
        else:
            scan_timeframes = api("alphapulse", "scan_timeframes")
            talib = _talib()
            batches = timeframe_batches(100)
            rows = [row for b in batches.values() for row in _rows(b)]
            self.ours = lambda: scan_timeframes(batches)
            self.theirs = lambda: [talib_detection(talib, *row) for row in rows]
        self.ours()
        self.theirs()

    def track_ours_over_reference(self, workload: str) -> float:
        return _ratio(self.ours, self.theirs)
