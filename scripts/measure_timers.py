"""Why the suite times on the CPU clock: the same calls timed by the wall clock and by CPU time.

    .venv/bin/python -m scripts.measure_timers [--load none|burners|heavy] [--calls 60]

Runs `scan` of 50 symbols and `detect` of 1 x 1,000 candles `--calls` times each, timing every
call with both clocks at once (`time.perf_counter` and `time.process_time`), while the load of
scripts/load.py runs (two bursty CPU burners; with `heavy`, a test-suite run as well). It prints,
per workload and clock, the quickest, median and slowest call and the spread (q75 / q25).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

from scripts.load import Load, ci_clone


def both_clocks(work: Callable[[], object], calls: int) -> tuple[list[float], list[float]]:
    work()  # first-call costs out
    wall, cpu = [], []
    for _ in range(calls):
        w, c = time.perf_counter(), time.process_time()
        work()
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return wall, cpu


def describe(times: list[float]) -> str:
    q25, _, q75 = statistics.quantiles(times, n=4)
    return (
        f"min {min(times) * 1e3:6.2f}  median {statistics.median(times) * 1e3:6.2f}"
        f"  max {max(times) * 1e3:6.2f} ms  q75/q25 {q75 / q25:.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--load", choices=("none", "burners", "heavy"), default="burners")
    parser.add_argument("--calls", type=int, default=60)
    args = parser.parse_args()
    import alphapulse as ap  # the work measured

    batch = ap.synthetic_batch([f"S{k}" for k in range(50)], 1_000)
    one = ap.synthetic_candles("BTCUSDT", 1_000)
    work = {"scan 50 x 1,000": lambda: ap.scan(batch), "detect 1 x 1,000": lambda: ap.detect(one)}
    with tempfile.TemporaryDirectory() as tmp:
        tests = ci_clone(Path(tmp) / "ci") if args.load == "heavy" else None
        load = Load(burners=2, tests=tests) if args.load != "none" else nullcontext()
        with load:
            if tests is not None:
                time.sleep(60)  # let the test run get past its setup (pip) into the tests
            for name, call in work.items():
                wall, cpu = both_clocks(call, args.calls)
                print(f"{name}, load {args.load}:")
                print(f"  wall clock {describe(wall)}")
                print(f"  CPU time   {describe(cpu)}")


if __name__ == "__main__":
    main()
