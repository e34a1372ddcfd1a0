"""Detect over the ten symbols, then time AlphaPulse against TA-Lib on the same data, in one run.

The figures that matter are ratios (ours / TA-Lib's) measured in this one process, with the two
workloads interleaved, because absolute times drift on a shared machine. TA-Lib computes the same
15 indicator outputs and 36 patterns, one symbol at a time (the suite's `talib_detection`). The asv
suite tracks the same ratios (`bench_talib.Ratios`); this script is the quick look without asv.

    .venv/bin/python -m scripts.speed_vs_talib [--quick]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import alphapulse
from alphapulse import SYMBOLS, detect, scan, synthetic_batch, synthetic_candles
from benchmarks.bench_talib import talib_detection

try:
    import talib
except ImportError:  # the ratios need the oracle; the summary does not
    talib = None


def interleaved(
    ours: Callable[[], object], theirs: Callable[[], object], rounds: int, number: int
) -> tuple[float, float]:
    """Median seconds per call of each, measured in alternating rounds."""
    a, b = [], []
    for _ in range(rounds):
        for sink, func in ((a, ours), (b, theirs)):
            start = time.perf_counter()
            for _ in range(number):
                func()
            sink.append((time.perf_counter() - start) / number)
    return statistics.median(a), statistics.median(b)


def cold_start(code: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def summary() -> None:
    batch = synthetic_batch(SYMBOLS, 1000)
    print(
        f"alphapulse {alphapulse.__version__}: "
        f"scan of {len(batch)} symbols x {batch.n_candles} candles"
    )
    for d in scan(batch):
        hits = sum(d.pattern_counts.values())
        sources = ", ".join(
            f"{s.source}{'+' if s.direction > 0 else '-' if s.direction < 0 else '='}"
            for s in d.signals
        )
        print(
            f"  {d.symbol:9s} {d.bullish} bullish / {d.bearish} bearish on the newest candle "
            f"[{sources}]; {hits} pattern hits in the window"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    args = parser.parse_args(argv)
    rounds = 3 if args.quick else 11
    summary()
    if talib is None:
        print("TA-Lib is not installed: no ratios (pip install ta-lib)")
        return 0

    print(f"\nours / TA-Lib, median of {rounds} interleaved rounds (lower is better):")
    one = synthetic_candles("BTCUSDT", 1000)
    arrays = (one.open, one.high, one.low, one.close, one.volume)
    ours, theirs = interleaved(
        lambda: detect(one), lambda: talib_detection(talib, *arrays), rounds, 50
    )
    print(
        f"  detect, 1 symbol x 1,000 candles: {ours * 1e3:8.3f} ms vs "
        f"{theirs * 1e3:8.3f} ms  ratio {ours / theirs:5.2f}"
    )
    for n_symbols in (10, 100):
        batch = synthetic_batch([SYMBOLS[k % len(SYMBOLS)] for k in range(n_symbols)], 1000)
        rows = [
            (batch.open[k], batch.high[k], batch.low[k], batch.close[k], batch.volume[k])
            for k in range(n_symbols)
        ]
        ours, theirs = interleaved(
            lambda b=batch: scan(b),
            lambda r=rows: [talib_detection(talib, *x) for x in r],
            rounds,
            3,
        )
        print(
            f"  scan, {n_symbols:3d} symbols x 1,000 candles: {ours * 1e3:8.3f} ms vs "
            f"{theirs * 1e3:8.3f} ms  ratio {ours / theirs:5.2f}"
        )

    runs = 3 if args.quick else 7
    bare = cold_start("pass", runs)
    first = cold_start(
        "import alphapulse as a; a.detect(a.synthetic_candles('BTCUSDT', 1000))", runs
    )
    print(
        f"  cold start, import + first detect: {first * 1e3:.0f} ms "
        f"(bare interpreter {bare * 1e3:.0f} ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
