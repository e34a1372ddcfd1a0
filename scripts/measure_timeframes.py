"""The timeframe figures of README, measured in one process with the suite's own benchmarks.

Each figure is the median over `--runs` calls of the benchmark's method: the ratios are
`bench_timeframes.Ratios.track_ours_over_reference` (each call itself the median of 7 interleaved
rounds); the times are CPU seconds per call, as asv's `on_cpu` timer reads them.

    .venv/bin/python -m scripts.measure_timeframes [--runs 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from benchmarks import bench_timeframes as bt


def cpu_seconds(func: Callable[[], object], number: int) -> float:
    start = time.process_time()
    for _ in range(number):
        func()
    return (time.process_time() - start) / number


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="calls per figure (the median)")
    runs = parser.parse_args(argv).runs

    def median(func: Callable[[], float]) -> float:
        return statistics.median(func() for _ in range(runs))

    for workload in bt.Ratios.params[0]:
        ratios = bt.Ratios()
        ratios.setup(workload)
        value = median(lambda r=ratios, w=workload: r.track_ours_over_reference(w))
        print(f"{workload:<26} {value:.3f}x", flush=True)

    update = bt.MultiTimeframeUpdate()
    update.setup()
    per_candle = median(lambda: cpu_seconds(update.time_update, 20))
    print(f"{'update, all 5 closing':<26} {per_candle * 1e3:.2f} ms per 1-minute candle")
    print(f"{'refresh CPU, 10 symbols':<26} {median(update.track_cpu_percent):.1f} %", flush=True)

    for symbols in bt.SCAN_SYMBOLS:
        scans = bt.TimeframeScan()
        scans.setup(symbols)
        value = median(lambda s=scans, n=symbols: cpu_seconds(lambda: s.time_scan_all(n), 3))
        print(f"{f'scan_timeframes {symbols} x 5':<26} {value * 1e3:.1f} ms")
    resample = bt.Resample()
    resample.setup("1h")
    value = median(lambda: cpu_seconds(lambda: resample.time_resample("1h"), 10))
    print(f"{'resample 10 x 10,080 to 1h':<26} {value * 1e3:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
