"""AlphaPulse's detection core: TA-Lib-exact indicators and candlestick patterns in numpy.

`detect(candles)` scores one symbol's newest candle, `scan(batch)` does it for many symbols in one
vectorised pass, and `StreamingDetector` does it for each new candle of a live feed.
"""

from __future__ import annotations

from alphapulse.candles import MIN_CANDLES, CandleBatch, Candles
from alphapulse.detection import Detection, detect, scan
from alphapulse.indicators import compute_indicators
from alphapulse.market import SYMBOLS, load_csv, synthetic_batch, synthetic_candles
from alphapulse.patterns import PATTERNS, detect_patterns
from alphapulse.signals import Direction, Signal
from alphapulse.streaming import Candle, StreamingDetector

__version__ = "0.1.0"

__all__ = [
    "MIN_CANDLES",
    "PATTERNS",
    "SYMBOLS",
    "Candle",
    "CandleBatch",
    "Candles",
    "Detection",
    "Direction",
    "Signal",
    "StreamingDetector",
    "compute_indicators",
    "detect",
    "detect_patterns",
    "load_csv",
    "scan",
    "synthetic_batch",
    "synthetic_candles",
]
