"""AlphaPulse's detection core: TA-Lib-exact indicators and candlestick patterns in numpy.

`detect(candles)` scores one symbol's newest candle, `scan(batch)` does it for many symbols in one
vectorised pass, and `StreamingDetector` does it for each new candle of a live feed. On several
timeframes: `resample` makes the bars, `scan_timeframes` scans each timeframe's batch, and
`MultiTimeframeDetector` rolls each live 1-minute candle into every timeframe.
"""

from __future__ import annotations

from alphapulse.candles import MIN_CANDLES, CandleBatch, Candles
from alphapulse.detection import Detection, detect, scan
from alphapulse.indicators import compute_indicators
from alphapulse.market import SYMBOLS, TIMEFRAMES, load_csv, synthetic_batch, synthetic_candles
from alphapulse.patterns import PATTERNS, detect_patterns
from alphapulse.resampling import resample
from alphapulse.signals import Direction, Signal
from alphapulse.streaming import Candle, StreamingDetector
from alphapulse.timeframes import MultiTimeframeDetector, scan_timeframes

__version__ = "0.1.0"

__all__ = [
    "MIN_CANDLES",
    "PATTERNS",
    "SYMBOLS",
    "TIMEFRAMES",
    "Candle",
    "CandleBatch",
    "Candles",
    "Detection",
    "Direction",
    "MultiTimeframeDetector",
    "Signal",
    "StreamingDetector",
    "compute_indicators",
    "detect",
    "detect_patterns",
    "load_csv",
    "resample",
    "scan",
    "scan_timeframes",
    "synthetic_batch",
    "synthetic_candles",
]
