"""The real-time path: one new candle into a 500-candle window."""

from __future__ import annotations

from benchmarks.common import HOUR_MS, on_cpu, streaming_replay

WINDOW = 500


class StreamingUpdate:
    """`StreamingDetector.update` with a full window: the cost of each live candle."""

    version = "1"
    rounds = 2
    repeat = (3, 10, 2.0)
    warmup_time = 0.1

    def setup(self) -> None:
        self.detector, self.rows, self.next_ts = streaming_replay(WINDOW)
        self.k = 0

    @on_cpu(version="2")
    def time_update(self) -> None:
        row = self.rows[self.k % len(self.rows)]
        self.detector.update("BTCUSDT", (self.next_ts, *row))
        self.next_ts += HOUR_MS
        self.k += 1
