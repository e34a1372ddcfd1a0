"""One symbol (BTCUSDT): the full detection of its newest candle over a window of candles."""

from __future__ import annotations

from benchmarks.common import CANDLES, api, candles, on_cpu


class SingleSymbolDetection:
    """`alphapulse.detect` on 100, 1,000 (the usual window) and 8,760 (a year) hourly candles."""

    params = [list(CANDLES)]
    param_names = ["candles"]
    version = "1"
    rounds = 2
    repeat = (3, 10, 2.0)
    warmup_time = 0.1

    def setup(self, n: int) -> None:
        self.detect = api("alphapulse", "detect")
        self.candles = candles("BTCUSDT", n)

    @on_cpu(version="2")
    def time_detect(self, n: int) -> None:
        self.detect(self.candles)

    def peakmem_detect(self, n: int) -> None:
        self.detect(self.candles)
