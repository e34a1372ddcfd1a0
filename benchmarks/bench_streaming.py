"""The real-time path: one new candle into a 500-candle window."""

from __future__ import annotations

from benchmarks.common import api, candles

WINDOW = 500
HOUR_MS = 3_600_000


class StreamingUpdate:
    """`StreamingDetector.update` with a full window: the cost of each live candle."""

    version = "1"
    rounds = 2
    repeat = (3, 10, 2.0)
    warmup_time = 0.1

    def setup(self) -> None:
        detector_class = api("alphapulse", "StreamingDetector")
        history = candles("BTCUSDT", 8_760)
        self.detector = detector_class(window=WINDOW)
        self.detector.seed(history.tail(WINDOW))
        # New candles replay the year; their timestamps keep increasing past the seeded ones.
        self.rows = list(
            zip(
                history.open.tolist(),
                history.high.tolist(),
                history.low.tolist(),
                history.close.tolist(),
                history.volume.tolist(),
                strict=True,
            )
        )
        self.next_ts = int(history.timestamp[-1]) + HOUR_MS
        self.k = 0

    def time_update(self) -> None:
        row = self.rows[self.k % len(self.rows)]
        self.detector.update("BTCUSDT", (self.next_ts, *row))
        self.next_ts += HOUR_MS
        self.k += 1
