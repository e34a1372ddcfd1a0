"""Many symbols x 1,000 candles in one batched `scan`: time, memory, CPU use and throughput."""

from __future__ import annotations

from benchmarks.common import (
    SYMBOL_COUNTS,
    WINDOW,
    api,
    batch,
    calls_per_second,
    cpu_percent,
    on_cpu,
)

REFRESH_SECONDS = 0.5  # the live scan's cadence for the CPU-use figure
CPU_WINDOW_SECONDS = 2.0  # at least one second, as the budget asks; four refreshes
THROUGHPUT_SECONDS = 1.0


class MultiSymbolScan:
    """`alphapulse.scan` of 10, 25, 50 and 100 symbols, one 2-D pass."""

    params = [list(SYMBOL_COUNTS)]
    param_names = ["symbols"]
    version = "1"
    rounds = 2
    repeat = (3, 8, 2.0)
    warmup_time = 0.1

    def setup(self, symbols: int) -> None:
        self.scan = api("alphapulse", "scan")
        self.batch = batch(symbols)
        self.scan(self.batch)  # warm caches and allocator before tracking

    @on_cpu(version="2")
    def time_scan(self, symbols: int) -> None:
        self.scan(self.batch)

    def peakmem_scan(self, symbols: int) -> None:
        self.scan(self.batch)

    def track_cpu_percent(self, symbols: int) -> float:
        """CPU use, in percent of one core, of refreshing the batch every REFRESH_SECONDS.

        Over a window of CPU_WINDOW_SECONDS the scan starts at every tick and the process idles
        until the next; a scan longer than a tick starts the next at once, so 100 % means the
        live scan cannot keep up.
        """
        return cpu_percent(lambda: self.scan(self.batch), REFRESH_SECONDS, CPU_WINDOW_SECONDS)

    track_cpu_percent.unit = "%"  # type: ignore[attr-defined]

    def track_candles_per_second(self, symbols: int) -> float:
        """Candles scanned per second, back to back over at least THROUGHPUT_SECONDS."""
        return (
            symbols * WINDOW * calls_per_second(lambda: self.scan(self.batch), THROUGHPUT_SECONDS)
        )

    track_candles_per_second.unit = "candles/s"  # type: ignore[attr-defined]
