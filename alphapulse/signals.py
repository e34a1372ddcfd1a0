"""Signal scoring: what the indicators and patterns of the newest candle say, and how sure we are.

Everything here works on the newest candle of many symbols at once (1-D arrays, one entry a symbol),
so a batch scan scores every symbol with a handful of numpy calls. The rules (DESIGN.md):
- indicator votes: RSI 30/70, MACD vs its signal line (the sign of the histogram), close
  outside the Bollinger bands,
  Stochastic %K 20/80, EMA 12 vs EMA 26;
- one signal per pattern hit, with a confidence that starts at the pattern's reliability (0.6-0.8),
  gains +0.2 when volume is above 1.5x its 20-candle average (+0.1 above 1.2x) and +0.1 when RSI
  confirms the direction (below 30 for a bullish signal, above 70 for a bearish one).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "INDICATOR_CONFIDENCE",
    "NEUTRAL_PATTERNS",
    "RELIABILITY",
    "Direction",
    "Signal",
    "indicator_votes",
    "score_patterns",
]


class Direction(enum.IntEnum):
    BEARISH = -1
    NEUTRAL = 0
    BULLISH = 1


@dataclass(frozen=True)
class Signal:
    """One reason to act on a symbol's newest candle."""

    symbol: str
    timestamp: int  # ms since the epoch, of the candle the signal is about
    source: str  # an indicator vote ("RSI_14", ...) or a TA-Lib pattern name ("CDLHAMMER", ...)
    direction: Direction
    confidence: float  # 0..1
    value: float  # the indicator's value, or the pattern's TA-Lib output (+-80/100/200)


# How often each pattern is followed by the move it announces, as AlphaPulse weighs them.
RELIABILITY: dict[str, float] = {
    "CDL3BLACKCROWS": 0.8,
    "CDL3WHITESOLDIERS": 0.8,
    "CDLMORNINGSTAR": 0.8,
    "CDLEVENINGSTAR": 0.8,
    "CDLIDENTICAL3CROWS": 0.8,
    "CDLKICKING": 0.8,
    "CDLBREAKAWAY": 0.75,
    "CDLENGULFING": 0.75,
    "CDLRISEFALL3METHODS": 0.75,
    "CDLLADDERBOTTOM": 0.75,
    "CDL3OUTSIDE": 0.75,
    "CDLUNIQUE3RIVER": 0.7,
    "CDLUPSIDEGAP2CROWS": 0.7,
    "CDLDARKCLOUDCOVER": 0.7,
    "CDLPIERCING": 0.7,
    "CDL3INSIDE": 0.7,
    "CDLHAMMER": 0.7,
    "CDLHANGINGMAN": 0.7,
    "CDLSHOOTINGSTAR": 0.7,
    "CDLINVERTEDHAMMER": 0.65,
    "CDLTRISTAR": 0.65,
    "CDLTAKURI": 0.65,
    "CDLDRAGONFLYDOJI": 0.65,
    "CDLGRAVESTONEDOJI": 0.65,
    "CDLHARAMI": 0.65,
    "CDLHARAMICROSS": 0.65,
    "CDLSEPARATINGLINES": 0.65,
    "CDLMARUBOZU": 0.65,
    "CDLLONGLINE": 0.6,
    "CDLONNECK": 0.6,
    "CDLTHRUSTING": 0.6,
    "CDLDOJI": 0.6,
    "CDLLONGLEGGEDDOJI": 0.6,
    "CDLSPINNINGTOP": 0.6,
    "CDLHIGHWAVE": 0.6,
    "CDLSHORTLINE": 0.6,
}

# Patterns of indecision: TA-Lib's sign is the candle's colour, not a forecast.
NEUTRAL_PATTERNS = frozenset(
    {"CDLDOJI", "CDLLONGLEGGEDDOJI", "CDLSPINNINGTOP", "CDLHIGHWAVE", "CDLSHORTLINE"}
)

INDICATOR_CONFIDENCE = 0.5
RSI_OVERSOLD, RSI_OVERBOUGHT = 30.0, 70.0
STOCH_OVERSOLD, STOCH_OVERBOUGHT = 20.0, 80.0
VOLUME_STRONG, VOLUME_RAISED = 1.5, 1.2


def _vote(bullish: NDArray[np.bool_], bearish: NDArray[np.bool_]) -> NDArray[np.int8]:
    """+1 / -1 / 0 per symbol.

    A bool is a byte holding 0 or 1, so its int8 view is the number: one subtraction, no casts.
    """
    return bullish.view(np.int8) - bearish.view(np.int8)


def indicator_votes(
    last: Mapping[str, NDArray[np.float64]], close: NDArray[np.float64]
) -> dict[str, tuple[NDArray[np.int8], NDArray[np.float64]]]:
    """Each indicator's vote on the newest candle of every symbol, with the reading it is based on.

    `last` maps indicator names to their newest values (one per symbol); `close` the newest closes.
    A vote is +1 bullish, -1 bearish, 0 none; NaN compares False, so warm-up values never vote.
    """
    rsi, k, hist = last["RSI_14"], last["STOCH_K"], last["MACD_HIST"]
    spread = last["EMA_12"] - last["EMA_26"]
    return {
        "RSI_14": (_vote(rsi < RSI_OVERSOLD, rsi > RSI_OVERBOUGHT), rsi),
        "MACD": (_vote(hist > 0, hist < 0), hist),
        "BBANDS": (_vote(close < last["BB_LOWER"], close > last["BB_UPPER"]), close),
        "STOCH": (_vote(k < STOCH_OVERSOLD, k > STOCH_OVERBOUGHT), k),
        "EMA_CROSS": (_vote(spread > 0, spread < 0), spread),
    }


@lru_cache(maxsize=32)
def _pattern_weights(names: tuple[str, ...]) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """Columns, one row a pattern of `names`: 0 for a neutral pattern (else 1), its reliability.

    Cached: detection scores the same names on every call, and building these from the names
    costs more than the scoring itself.
    """
    directional = np.array([[name not in NEUTRAL_PATTERNS] for name in names], dtype=np.int8)
    reliability = np.array([[RELIABILITY[name]] for name in names])
    for table in (directional, reliability):
        table.flags.writeable = False
    return directional, reliability


def score_patterns(
    names: Sequence[str],
    values: NDArray[np.int32],
    volume_ratio: NDArray[np.float64],
    rsi: NDArray[np.float64],
) -> tuple[NDArray[np.int8], NDArray[np.float64]]:
    """Direction and confidence of every pattern on the newest candle of every symbol.

    `values` holds TA-Lib's outputs, one row a pattern of `names`, one column a symbol; the result
    has the same shape. Confidence is the pattern's reliability, +0.2 when volume is above 1.5x its
    20-candle average (+0.1 above 1.2x), +0.1 when RSI confirms the direction, at most 1.
    """
    directional, reliability = _pattern_weights(tuple(names))
    direction = np.sign(values).astype(np.int8)
    direction *= directional
    # 0.1 per volume threshold passed (0.1 * 2 is 0.2 exactly), as bytes viewed as int8.
    boost = 0.1 * (
        (volume_ratio > VOLUME_RAISED).view(np.int8) + (volume_ratio > VOLUME_STRONG).view(np.int8)
    )
    # +1 where RSI confirms a bullish signal, -1 a bearish one: confirmed where the signs agree.
    zone = (rsi < RSI_OVERSOLD).view(np.int8) - (rsi > RSI_OVERBOUGHT).view(np.int8)
    confirmed = direction * zone > 0
    confidence: NDArray[np.float64] = np.minimum(reliability + boost + 0.1 * confirmed, 1.0)
    return direction, confidence
