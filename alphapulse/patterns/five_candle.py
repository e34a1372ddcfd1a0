"""Patterns judged on five candles: a long candle, a run of three, and the candle answering it.

In each kernel `4` .. `0` name the first .. fifth candle of the pattern (candle `i - 4` .. `i`).
"""

from __future__ import annotations

import numpy as np

from alphapulse.patterns._geometry import (
    BODY_LONG,
    BODY_SHORT,
    SHADOW_VERY_SHORT,
    Geometry,
)
from alphapulse.patterns._registry import Signal, register, signal


@register("CDLBREAKAWAY", lookback=BODY_LONG.period + 4)
def breakaway(g: Geometry, lb: int) -> Signal:
    """Long candle, a run of three gapping away from it, then a reversal closing inside the gap."""
    white4 = g.at(g.white, 4, lb)
    # Colours: 1st, 2nd and 4th alike, 5th opposite (the 3rd may be either).
    hit = g.at(g.real_body, 4, lb) > g.average(BODY_LONG, lb, 4)
    hit &= white4 == g.at(g.white, 3, lb)
    hit &= white4 == g.at(g.white, 1, lb)
    hit &= white4 != g.at(g.white, 0, lb)
    # Highs and lows falling (rising) from the 2nd to the 4th, the 5th closing inside the gap;
    # times the 1st candle's colour, so one `<` serves both directions (negation is exact).
    # With the colours fixed, "1st close < 5th close < 2nd open" (read with the sign) also is the
    # 2nd body's gap away from the 1st body, so TA-Lib's separate gap test is implied.
    sign = g.at(g.sign, 4, lb)
    high2 = g.at(g.high, 2, lb) * sign
    low2 = g.at(g.low, 2, lb) * sign
    hit &= g.at(g.high, 3, lb) * sign < high2
    hit &= g.at(g.low, 3, lb) * sign < low2
    hit &= high2 < g.at(g.high, 1, lb) * sign
    hit &= low2 < g.at(g.low, 1, lb) * sign
    close0 = g.at(g.close, 0, lb) * sign
    hit &= g.at(g.close, 4, lb) * sign < close0
    hit &= close0 < g.at(g.open, 3, lb) * sign
    return signal(hit, 100, g.at(g.color, 0, lb))


@register("CDLLADDERBOTTOM", lookback=SHADOW_VERY_SHORT.period + 4)
def ladder_bottom(g: Geometry, lb: int) -> Signal:
    """Three black candles stepping down, a black one with an upper shadow, a white one above it."""
    black = g.black
    hit = g.at(black, 4, lb) & g.at(black, 3, lb)
    hit &= g.at(black, 2, lb)
    hit &= g.at(black, 1, lb)
    hit &= g.at(g.white, 0, lb)
    open3 = g.at(g.open, 3, lb)
    close3 = g.at(g.close, 3, lb)
    hit &= g.at(g.open, 4, lb) > open3
    hit &= open3 > g.at(g.open, 2, lb)
    hit &= g.at(g.close, 4, lb) > close3
    hit &= close3 > g.at(g.close, 2, lb)
    hit &= g.at(g.upper_shadow, 1, lb) > g.average(SHADOW_VERY_SHORT, lb, 1)
    hit &= g.at(g.open, 0, lb) > g.at(g.open, 1, lb)
    hit &= g.at(g.close, 0, lb) > g.at(g.high, 1, lb)
    return signal(hit, 100)


@register("CDLRISEFALL3METHODS", lookback=max(BODY_SHORT.period, BODY_LONG.period) + 4)
def rise_fall_3_methods(g: Geometry, lb: int) -> Signal:
    """Long candle, three small bodies drifting back within its range, then a long one going on."""
    # Colours: 1st and 5th alike, the three between them of the other colour, i.e. the colour
    # changes at the 2nd and the 5th candle and nowhere between.
    turn = g.turn
    hit = g.at(turn, 3, lb) > g.at(turn, 2, lb)  # for booleans `a > b` is `a and not b`
    hit &= g.at(turn, 0, lb) > g.at(turn, 1, lb)
    # Long, three short, long.
    hit &= g.at(g.real_body, 4, lb) > g.average(BODY_LONG, lb, 4)
    hit &= g.at(g.real_body, 3, lb) < g.average(BODY_SHORT, lb, 3)
    hit &= g.at(g.real_body, 2, lb) < g.average(BODY_SHORT, lb, 2)
    hit &= g.at(g.real_body, 1, lb) < g.average(BODY_SHORT, lb, 1)
    hit &= g.at(g.real_body, 0, lb) > g.average(BODY_LONG, lb, 0)
    # Part of each small body lies within the 1st candle's range.
    bottoms = np.maximum(g.at(g.body_bottom, 3, lb), g.at(g.body_bottom, 2, lb))
    hit &= np.maximum(bottoms, g.at(g.body_bottom, 1, lb), out=bottoms) < g.at(g.high, 4, lb)
    tops = np.minimum(g.at(g.body_top, 3, lb), g.at(g.body_top, 2, lb))
    hit &= np.minimum(tops, g.at(g.body_top, 1, lb), out=tops) > g.at(g.low, 4, lb)
    # Closes falling (rising) from the 2nd to the 4th, the 5th opening beyond the 4th's close and
    # closing beyond the 1st's; times the 1st candle's colour, so one `<` serves both directions.
    sign = g.at(g.sign, 4, lb)
    close2 = g.at(g.close, 2, lb) * sign
    close1 = g.at(g.close, 1, lb) * sign
    hit &= close2 < g.at(g.close, 3, lb) * sign
    hit &= close1 < close2
    hit &= g.at(g.open, 0, lb) * sign > close1
    hit &= g.at(g.close, 0, lb) * sign > g.at(g.close, 4, lb) * sign
    return signal(hit, 100, g.at(g.color, 4, lb))
