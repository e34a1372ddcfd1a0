"""The indicators AlphaPulse scores with, equal to TA-Lib's (0.8.x) to a relative 1e-9, numpy only.

`compute_indicators(open, high, low, close, volume)` returns the 15 series of `INDICATORS`, each
TA-Lib's function with TA-Lib's defaults (SMA moving averages, no unstable period, default
compatibility); the single indicators are public too (`sma`, `ema`, `rsi`, `macd`, `bbands`,
`stoch`, `atr`, `volume_ratio`). Inputs are 1-D (one symbol) or 2-D (one row a symbol, candles on
the last axis); a 2-D call gives row for row what the 1-D calls give, bit for bit, because every
operation is elementwise or runs along the candle axis (a 1-D series is a one-row array). Outputs
have the input's shape and are NaN for TA-Lib's lookback (the warm-up, `LOOKBACKS`), so a series
shorter than the lookback is all NaN, not an error.

The arithmetic is TA-Lib's, not a textbook's, so the numbers match:

* EMA: `k = 1 - beta`, `beta = (p-1)/(p+1)`, seeded with the plain average of the first `p` values.
* MACD: the fast EMA is seeded with the average of the `fast` closes that END where the slow seed
  ends (TA_INT_MACD aligns both seeds on the slow EMA's first bar), so MACD's fast line is NOT
  `ema(close, 12)`; the signal EMA is seeded with the average of the first `signal` MACD values.
* RSI and ATR: Wilder's smoothing, `beta = (p-1)/p`, seeded with the average of the first `p`
  gains and losses or true ranges; RSI = `100 * (gain / (gain + loss))`, 0 where the total is
  exactly 0 (TA-Lib 0.8.1 tests it exactly, no longer against 1e-8).
* BBANDS: middle band = SMA; deviation = the window's population standard deviation, computed
  without cancellation (TA-Lib 0.8 made its variance cancellation-free too), exactly 0 on a flat
  window.
* STOCH: fast %K = `(close - lowest) / ((highest - lowest) / 100)`, 0 where the range is within
  1e-14 of the prices (TA-Lib's TA_IS_ZERO_SCALED), then an SMA-3 for slow %K and one for %D.
* VOLUME_RATIO = `volume / SMA(volume, 20)` as numpy divides TA-Lib's numbers: a window of 20 zero
  volumes is NaN (0/0). TA-Lib's running total comes back to exactly 0 there whenever the volumes
  are whole numbers; with fractional ones it may keep a rounding residue and give 0 instead.

`newest_indicators` gives each one's value on the newest candle only, which is what detection
scores: the window indicators by the same computations on their newest windows alone, the
recurrences (linear in their inputs) as one weighted sum each, equal to rounding.

Where things are:

* `_windows`: window sums, extremes and variances (SMA, BBANDS, STOCH, the seeds), by doubling
  blocks: no running total, no loop over candles, a window's value independent of where it lies.
* `_recurrences`: EMA and Wilder's smoothing as a chunked closed form (one cumsum a chunk), and
  the weights of its inputs in its last value (the recurrence run backwards).
* `series`: each indicator's lookback, its computation on 2-D rows and its public function.
* `combined`: the table of `compute_indicators`' outputs, `INDICATORS` and `LOOKBACKS`.
* `newest`: `newest_indicators`, and `newest_of_rows` for detection (its candles checked already).
* `_inputs`: the argument checks and their messages.

Every call allocates its outputs and scratch afresh; the only things kept between calls are the
read-only weights of each series length.

Limits: NaN in the input is not checked for (TA-Lib does not either) and propagates; recurrence
inputs beyond ~1e170 in magnitude overflow the chunk scaling.
"""

from __future__ import annotations

from alphapulse.indicators.combined import INDICATORS, LOOKBACKS, compute_indicators
from alphapulse.indicators.newest import newest_indicators
from alphapulse.indicators.series import atr, bbands, ema, macd, rsi, sma, stoch, volume_ratio

__all__ = [
    "INDICATORS",
    "LOOKBACKS",
    "atr",
    "bbands",
    "compute_indicators",
    "ema",
    "macd",
    "newest_indicators",
    "rsi",
    "sma",
    "stoch",
    "volume_ratio",
]
