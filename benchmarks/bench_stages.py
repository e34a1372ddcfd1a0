"""The stages of a detection, apart, so that a regression points at its stage."""

from __future__ import annotations

import importlib

import numpy as np

from benchmarks.common import api, batch, candles, on_cpu


def _needs_newest_indicators(symbols: int) -> None:
    api("alphapulse.indicators", "newest_indicators")


class Stages:
    """Indicators, patterns and signal scoring on 1 symbol and on 100 symbols x 1,000 candles."""

    params = [[1, 100]]
    param_names = ["symbols"]
    version = "1"
    rounds = 2
    repeat = (3, 10, 2.0)
    warmup_time = 0.1

    def setup(self, symbols: int) -> None:
        self.compute_indicators = api("alphapulse.indicators", "compute_indicators")
        self.detect_patterns = api("alphapulse.patterns", "detect_patterns")
        self.score_patterns = api("alphapulse.signals", "score_patterns")
        self.indicator_votes = api("alphapulse.signals", "indicator_votes")
        self.newest_indicators = getattr(
            importlib.import_module("alphapulse.indicators"), "newest_indicators", None
        )
        if symbols == 1:
            c = candles("BTCUSDT", 1_000)
            self.ohlcv = tuple(x[None, :] for x in (c.open, c.high, c.low, c.close, c.volume))
        else:
            b = batch(symbols)
            self.ohlcv = (b.open, b.high, b.low, b.close, b.volume)
        o, h, l, c, v = self.ohlcv
        indicators = self.compute_indicators(o, h, l, c, v)
        patterns = self.detect_patterns(o, h, l, c)
        self.newest = {name: values[:, -1] for name, values in indicators.items()}
        self.names = list(patterns)
        self.newest_patterns = np.stack([patterns[name][:, -1] for name in self.names])
        self.close = c[:, -1]

    @on_cpu(version="2")
    def time_indicators(self, symbols: int) -> None:
        self.compute_indicators(*self.ohlcv)

    @on_cpu(version="1")
    def time_newest_indicators(self, symbols: int) -> None:
        """What detect and scan run: the newest candle's value of each indicator."""
        self.newest_indicators(*self.ohlcv)

    # Its own setup too (asv calls a benchmark's `setup` attribute with the parameters, after the
    # class's): a commit without newest_indicators skips this benchmark alone, not the class.
    time_newest_indicators.setup = _needs_newest_indicators  # type: ignore[attr-defined]

    @on_cpu(version="2")
    def time_patterns(self, symbols: int) -> None:
        self.detect_patterns(*self.ohlcv[:4])

    @on_cpu(version="2")
    def time_signals(self, symbols: int) -> None:
        self.indicator_votes(self.newest, self.close)
        self.score_patterns(
            self.names, self.newest_patterns, self.newest["VOLUME_RATIO"], self.newest["RSI_14"]
        )
