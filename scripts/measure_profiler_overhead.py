"""How much `ContinuousProfiler` slows real work: `python -m scripts.measure_profiler_overhead`.

The work is `alphapulse.scan` of 10 symbols x 1,000 candles (AlphaPulse's refresh), repeated on
the main thread. Rounds alternate without and with the profiler (interleaved, so a machine that
gets slower or faster over the run affects both sides alike); each round times `--calls` scans.
The figure is the median over rounds of (time with) / (time without) - 1, with its quartiles;
beside it, the sampler thread's own CPU time as a share of the time it ran: the part of the
overhead that machine noise does not blur (the rest is the sampler's wait for the GIL).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Sequence

from alphapulse_perf.profiling.sampler import ContinuousProfiler


def measure(rounds: int, calls: int, interval: float, symbols: int) -> tuple[list[float], float]:
    """Per round, the relative slowdown of `calls` scans with the profiler running; and the
    sampler thread's CPU time as a share of the time it ran."""
    import alphapulse as ap  # the work measured; imported here, never by the library

    names = [f"{ap.SYMBOLS[k % len(ap.SYMBOLS)]}.{k}" for k in range(symbols)]
    batch = ap.synthetic_batch(names, 1_000)
    ap.scan(batch)  # warm-up: first-call costs out of the figures

    def timed() -> float:
        start = time.perf_counter()
        for _ in range(calls):
            ap.scan(batch)
        return time.perf_counter() - start

    slowdowns = []
    sampled = sampler = 0.0
    with tempfile.TemporaryDirectory() as out:
        for _ in range(rounds):
            without = timed()
            profiler = ContinuousProfiler(out, window=3600.0, interval=interval)
            profiler.start()
            try:
                with_profiler = timed()
            finally:
                profiler.stop()
            slowdowns.append(with_profiler / without - 1.0)
            sampled += with_profiler
            sampler += profiler.sampler_seconds - profiler.write_seconds
    return slowdowns, sampler / sampled


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--calls", type=int, default=100, help="scans per round and side")
    parser.add_argument("--interval", type=float, default=0.01, help="sampling interval, s")
    parser.add_argument("--symbols", type=int, default=10)
    args = parser.parse_args(argv)
    slowdowns, sampler = measure(args.rounds, args.calls, args.interval, args.symbols)
    quartiles = statistics.quantiles(slowdowns, n=4)
    print(
        f"ContinuousProfiler at {args.interval * 1e3:g} ms, scan of {args.symbols} symbols x "
        f"1,000 candles, {args.rounds} rounds of {args.calls} scans per side: median slowdown "
        f"{100 * statistics.median(slowdowns):+.1f} % (quartiles {100 * quartiles[0]:+.1f} % "
        f"to {100 * quartiles[2]:+.1f} %); the sampler thread's CPU time (writing "
        f"captures aside) {100 * sampler:.2f} % of the time it ran"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
