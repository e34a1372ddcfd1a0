"""Inputs shared by the suite, built once per process.

asv runs today's benchmarks against every commit of alphapulse's history, so everything here
imports alphapulse lazily and raises NotImplementedError (asv's "skip") where a commit does not
have an API yet. The data come from `alphapulse.market`, whose numbers are pinned by a test
(tests/test_market.py): changing them would shift every series of the history, so a new data set
gets a new name here instead (append-only, as numpy's suite does).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any, TypeVar

CANDLES = (100, 1_000, 8_760)  # a 100-candle view, the usual 1,000-hour window, a year of hours
SYMBOL_COUNTS = (10, 25, 50, 100)
WINDOW = 1_000
# alphapulse.market.SYMBOLS, written out: the suite's inputs must not change with the commit under
# test, and this module may not import alphapulse at import time.
BASE_SYMBOLS = (
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


# The 36 TA-Lib patterns AlphaPulse runs (DESIGN.md), for the TA-Lib reference.
PATTERN_NAMES = (
    *("CDLHAMMER", "CDLSHOOTINGSTAR", "CDLENGULFING", "CDLDOJI", "CDLMORNINGSTAR"),
    *("CDLEVENINGSTAR", "CDL3WHITESOLDIERS", "CDL3BLACKCROWS", "CDLHANGINGMAN"),
    *("CDLINVERTEDHAMMER", "CDLSPINNINGTOP", "CDLMARUBOZU", "CDLTRISTAR", "CDL3INSIDE"),
    *("CDL3OUTSIDE", "CDLBREAKAWAY", "CDLDARKCLOUDCOVER", "CDLDRAGONFLYDOJI"),
    *("CDLGRAVESTONEDOJI", "CDLHARAMI", "CDLHARAMICROSS", "CDLHIGHWAVE", "CDLIDENTICAL3CROWS"),
    *("CDLKICKING", "CDLLADDERBOTTOM", "CDLLONGLEGGEDDOJI", "CDLLONGLINE", "CDLONNECK"),
    *("CDLPIERCING", "CDLRISEFALL3METHODS", "CDLSEPARATINGLINES", "CDLSHORTLINE"),
    *("CDLTAKURI", "CDLTHRUSTING", "CDLUNIQUE3RIVER", "CDLUPSIDEGAP2CROWS"),
)


# alphapulse.market.TIMEFRAMES, written out as SYMBOLS is, and their length in minutes.
TIMEFRAME_MINUTES = {"1m": 1, "5m": 5, "15m": 15, "1h": 60, "4h": 240}
WEEK_OF_MINUTES = 10_080

F = TypeVar("F", bound=Callable[..., Any])


def on_cpu(version: str) -> Callable[[F], F]:
    """Time the benchmark by its process's CPU time (`time.process_time`), not by the wall clock.

    On a shared runner the wall clock also counts the time the process waits for a core: with two
    busy neighbours on two cores a 25 ms scan read 45-150 ms, so whole rounds of one side moved
    together and looked like a regression. CPU time leaves that out and keeps what our code costs
    (memory stalls included). `version` is the method's own (asv reads it before the class's):
    each benchmark that was wall-timed under version 1 is version 2 on the CPU clock.
    """

    def mark(func: F) -> F:
        func.timer = time.process_time  # type: ignore[attr-defined]
        func.version = version  # type: ignore[attr-defined]
        return func

    return mark


def api(module: str, name: str) -> Any:
    """`module.name` of the alphapulse under test, or skip the benchmark where it has none."""
    try:
        found = importlib.import_module(module)
    except ImportError as err:
        raise NotImplementedError(f"{module} is not in this commit: {err}") from None
    if not hasattr(found, name):
        where = getattr(found, "__file__", "?")
        raise NotImplementedError(f"{module}.{name} is not in this commit ({where})")
    return getattr(found, name)


def symbol_names(count: int) -> list[str]:
    """The ten AlphaPulse symbols, then numbered copies of them (BTCUSDT.2, ...) up to `count`."""
    return [BASE_SYMBOLS[k % 10] + ("" if k < 10 else f".{k // 10 + 1}") for k in range(count)]


@cache
def candles(symbol: str, n: int) -> Any:
    return api("alphapulse.market", "synthetic_candles")(symbol, n)


@cache
def batch(count: int, n: int = WINDOW) -> Any:
    return api("alphapulse.market", "synthetic_batch")(symbol_names(count), n)


HOUR_MS = 3_600_000
FOUR_HOURS_MS = 4 * HOUR_MS


def streaming_replay(window: int) -> tuple[Any, list[tuple[float, ...]], int]:
    """For the streaming path: a `StreamingDetector` seeded with the last `window` hours of
    BTCUSDT's year, the year's candles (open, high, low, close, volume) to replay one by one, and
    the timestamp of the first new candle (replayed candles keep the timestamps increasing)."""
    history = candles("BTCUSDT", 8_760)
    detector = api("alphapulse", "StreamingDetector")(window=window)
    detector.seed(history.tail(window))
    columns = (history.open, history.high, history.low, history.close, history.volume)
    rows = list(zip(*(c.tolist() for c in columns), strict=True))
    return detector, rows, int(history.timestamp[-1]) + HOUR_MS


def cpu_percent(work: Callable[[], object], refresh: float, window: float) -> float:
    """CPU use, in percent of one core, of running `work` every `refresh` seconds for `window`.

    The work starts at every tick and the process idles until the next; work longer than a tick
    starts the next at once, so 100 % means the live path cannot keep up.
    """
    wall0, cpu0 = time.perf_counter(), time.process_time()
    next_tick = wall0
    while next_tick - wall0 < window:
        work()
        next_tick += refresh
        idle = next_tick - time.perf_counter()
        if idle > 0:
            time.sleep(idle)  # the idle part of the duty cycle, not a stand-in for work
    wall = time.perf_counter() - wall0
    return 100.0 * (time.process_time() - cpu0) / wall


def calls_per_second(work: Callable[[], object], seconds: float) -> float:
    """Calls of `work` per second, back to back over at least `seconds` (and 3 calls)."""
    count = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds or count < 3:
        work()
        count += 1
    return count / elapsed


@cache
def timeframe_batches(count: int, n: int = WINDOW) -> Mapping[str, Any]:
    """{timeframe: `count` symbols x `n` native candles of it}, for the five timeframes."""
    synthetic_batch = api("alphapulse.market", "synthetic_batch")
    return {tf: synthetic_batch(symbol_names(count), n, tf) for tf in TIMEFRAME_MINUTES}


@cache
def minute_batch(count: int, n: int = WEEK_OF_MINUTES) -> Any:
    """`count` symbols x `n` 1-minute candles (a week by default)."""
    return api("alphapulse.market", "synthetic_batch")(symbol_names(count), n, "1m")


def multi_timeframe_replay(symbols: int, window: int = 500) -> tuple[Any, list[Any], int]:
    """For the multi-timeframe live path: a `MultiTimeframeDetector` seeded, under each of
    `symbols` names, with BTCUSDT's 1-minute history long enough for a full window on every
    timeframe (`window` 4h bars: 83 days of minutes for 500), the candles (open, high, low,
    close, volume) to replay, and the timestamp of the first replayed one: the last minute of the
    next 4h bar. Replayed 4 hours apart, each candle closes a bar on all five timeframes: the
    heaviest minute of the live path (a 4h close), every time."""
    history = minute_batch(1, window * TIMEFRAME_MINUTES["4h"]).row(0)
    candles_type = api("alphapulse", "Candles")
    detector = api("alphapulse", "MultiTimeframeDetector")(window=window)
    columns = (history.open, history.high, history.low, history.close, history.volume)
    for name in symbol_names(symbols):
        detector.seed(candles_type(history.timestamp, *columns, name, min_candles=0))
    rows = list(zip(*(c.tolist() for c in columns), strict=True))
    return detector, rows, int(history.timestamp[-1]) + FOUR_HOURS_MS
