"""Patterns judged on three candles (3 Black Crows also checks the white candle before them).

In each kernel `2`, `1`, `0` name the first, second and third candle of the pattern (candle
`i - 2`, `i - 1`, `i`). TA-Lib's running totals are read with `g.average(SETTING, lb, k)` where `k`
is the candle the total belongs to.
"""

from __future__ import annotations

import numpy as np

from alphapulse.patterns._geometry import (
    BODY_DOJI,
    BODY_LONG,
    BODY_SHORT,
    EQUAL,
    FAR,
    NEAR,
    SHADOW_VERY_SHORT,
    Geometry,
)
from alphapulse.patterns._registry import Signal, register, signal

# TA-Lib's default optInPenetration for CDLMORNINGSTAR and CDLEVENINGSTAR.
STAR_PENETRATION = 0.3

_STAR_LOOKBACK = max(BODY_SHORT.period, BODY_LONG.period) + 2


@register("CDLMORNINGSTAR", lookback=_STAR_LOOKBACK)
def morning_star(g: Geometry, lb: int) -> Signal:
    """Long black body, a short body gapping down, then a white body closing well into the first."""
    rb = g.real_body
    rb2 = g.at(rb, 2, lb)
    hit = g.at(g.white, 0, lb) > g.at(g.white, 2, lb)  # third white, first black
    hit &= g.at(g.gap_down, 1, lb)
    hit &= g.at(g.close, 0, lb) > g.at(g.close, 2, lb) + rb2 * STAR_PENETRATION
    hit &= rb2 > g.average(BODY_LONG, lb, 2)
    hit &= g.at(rb, 1, lb) <= g.average(BODY_SHORT, lb, 1)
    hit &= g.at(rb, 0, lb) > g.average(BODY_SHORT, lb, 0)
    return signal(hit, 100)


@register("CDLEVENINGSTAR", lookback=_STAR_LOOKBACK)
def evening_star(g: Geometry, lb: int) -> Signal:
    """Long white body, a short body gapping up, then a black body closing well into the first."""
    rb = g.real_body
    rb2 = g.at(rb, 2, lb)
    hit = g.at(g.white, 2, lb) > g.at(g.white, 0, lb)  # first white, third black
    hit &= g.at(g.gap_up, 1, lb)
    hit &= g.at(g.close, 0, lb) < g.at(g.close, 2, lb) - rb2 * STAR_PENETRATION
    hit &= rb2 > g.average(BODY_LONG, lb, 2)
    hit &= g.at(rb, 1, lb) <= g.average(BODY_SHORT, lb, 1)
    hit &= g.at(rb, 0, lb) > g.average(BODY_SHORT, lb, 0)
    return signal(hit, -100)


@register(
    "CDL3WHITESOLDIERS",
    lookback=max(SHADOW_VERY_SHORT.period, BODY_SHORT.period, FAR.period, NEAR.period) + 2,
)
def three_white_soldiers(g: Geometry, lb: int) -> Signal:
    """Three rising white candles, tiny upper shadows, each opening in or near the prior body."""
    o, c, rb, us = g.open, g.close, g.real_body, g.upper_shadow
    o1, o0 = g.at(o, 1, lb), g.at(o, 0, lb)
    c2, c1 = g.at(c, 2, lb), g.at(c, 1, lb)
    rb1, rb0 = g.at(rb, 1, lb), g.at(rb, 0, lb)
    hit = g.at(g.white, 2, lb) & g.at(g.white, 1, lb)
    hit &= g.at(g.white, 0, lb)
    hit &= g.at(us, 2, lb) < g.average(SHADOW_VERY_SHORT, lb, 2)
    hit &= g.at(us, 1, lb) < g.average(SHADOW_VERY_SHORT, lb, 1)
    hit &= g.at(us, 0, lb) < g.average(SHADOW_VERY_SHORT, lb, 0)
    hit &= g.at(c, 0, lb) > c1
    hit &= c1 > c2
    hit &= o1 > g.at(o, 2, lb)
    hit &= o1 <= c2 + g.average(NEAR, lb, 2)
    hit &= o0 > o1
    hit &= o0 <= c1 + g.average(NEAR, lb, 1)
    hit &= rb1 > g.at(rb, 2, lb) - g.average(FAR, lb, 2)
    hit &= rb0 > rb1 - g.average(FAR, lb, 1)
    hit &= rb0 > g.average(BODY_SHORT, lb, 0)
    return signal(hit, 100)


@register("CDL3BLACKCROWS", lookback=SHADOW_VERY_SHORT.period + 3)
def three_black_crows(g: Geometry, lb: int) -> Signal:
    """A white candle, then three falling blacks, tiny lower shadows, each opening in the last."""
    o, c, ls = g.open, g.close, g.lower_shadow
    o1, o0 = g.at(o, 1, lb), g.at(o, 0, lb)
    c2, c1 = g.at(c, 2, lb), g.at(c, 1, lb)
    # The three crows need no colour test: o1 < o2 with o1 > c2 makes the first black, o0 < o1
    # with o0 > c1 the second, and o0 > c1 > c0 the third.
    hit = o1 < g.at(o, 2, lb)
    hit &= g.at(g.white, 3, lb)
    hit &= o1 > c2
    hit &= o0 < o1
    hit &= o0 > c1
    hit &= g.at(g.high, 3, lb) > c2
    hit &= c2 > c1
    hit &= c1 > g.at(c, 0, lb)
    hit &= g.at(ls, 2, lb) < g.average(SHADOW_VERY_SHORT, lb, 2)
    hit &= g.at(ls, 1, lb) < g.average(SHADOW_VERY_SHORT, lb, 1)
    hit &= g.at(ls, 0, lb) < g.average(SHADOW_VERY_SHORT, lb, 0)
    return signal(hit, -100)


@register("CDLTRISTAR", lookback=BODY_DOJI.period + 2)
def tristar(g: Geometry, lb: int) -> Signal:
    """Three doji, the middle one gapping away: bearish above the first, bullish below it."""
    rb, top, bottom = g.real_body, g.body_top, g.body_bottom
    doji = g.average(BODY_DOJI, lb, 2)  # TA-Lib judges all three against the first candle's average
    hit = g.at(rb, 2, lb) <= doji
    hit &= g.at(rb, 1, lb) <= doji
    hit &= g.at(rb, 0, lb) <= doji
    bear = g.at(top, 0, lb) < g.at(top, 1, lb)
    bear &= g.at(g.gap_up, 1, lb)
    bull = g.at(bottom, 0, lb) > g.at(bottom, 1, lb)
    bull &= g.at(g.gap_down, 1, lb)
    hit &= bull | bear
    # A gap up and a gap down exclude each other: +100 where bull, -100 where bear.
    value = bull.astype(np.int32)
    value *= 200
    value -= 100
    return signal(hit, value)


@register("CDL3INSIDE", lookback=max(BODY_SHORT.period, BODY_LONG.period) + 2)
def three_inside(g: Geometry, lb: int) -> Signal:
    """A long body, a short body inside it, then the other colour closing beyond the first open."""
    hit = g.at(g.real_body, 2, lb) > g.average(BODY_LONG, lb, 2)
    hit &= g.at(g.real_body, 1, lb) <= g.average(BODY_SHORT, lb, 1)
    hit &= g.at(g.inside, 1, lb)
    hit &= g.at(g.white, 2, lb) != g.at(g.white, 0, lb)  # third of the opposite colour to the first
    # Closing below the first open if that was white, above it if black (the sign of a difference
    # is exact, and NaN fails).
    beyond = g.at(g.close, 0, lb) - g.at(g.open, 2, lb)
    beyond *= g.at(g.sign, 2, lb)
    hit &= beyond < 0.0
    return signal(hit, -100, g.at(g.color, 2, lb))


@register("CDL3OUTSIDE", lookback=3)
def three_outside(g: Geometry, lb: int) -> Signal:
    """A body engulfed by one of the opposite colour, then a close further in the engulfing way."""
    # With opposite colours, TA-Lib's open/close comparisons are exactly "body 1 engulfs body 2".
    hit = g.at(g.body_top, 1, lb) > g.at(g.body_top, 2, lb)
    hit &= g.at(g.turn, 1, lb)
    hit &= g.at(g.body_bottom, 1, lb) < g.at(g.body_bottom, 2, lb)
    # Closing above the second close if that candle is white, below it if black.
    further = g.at(g.close, 0, lb) - g.at(g.close, 1, lb)
    further *= g.at(g.sign, 1, lb)
    hit &= further > 0.0
    return signal(hit, 100, g.at(g.color, 1, lb))


@register("CDLIDENTICAL3CROWS", lookback=max(SHADOW_VERY_SHORT.period, EQUAL.period) + 2)
def identical_three_crows(g: Geometry, lb: int) -> Signal:
    """Three falling black candles with tiny lower shadows, each opening at the prior close."""
    o, c, ls = g.open, g.close, g.lower_shadow
    c2, c1 = g.at(c, 2, lb), g.at(c, 1, lb)
    o1, o0 = g.at(o, 1, lb), g.at(o, 0, lb)
    hit = g.at(g.black, 2, lb) & g.at(g.black, 1, lb)
    hit &= g.at(g.black, 0, lb)
    hit &= g.at(ls, 2, lb) < g.average(SHADOW_VERY_SHORT, lb, 2)
    hit &= g.at(ls, 1, lb) < g.average(SHADOW_VERY_SHORT, lb, 1)
    hit &= g.at(ls, 0, lb) < g.average(SHADOW_VERY_SHORT, lb, 0)
    hit &= c2 > c1
    hit &= c1 > g.at(c, 0, lb)
    equal2, equal1 = g.average(EQUAL, lb, 2), g.average(EQUAL, lb, 1)
    hit &= o1 <= c2 + equal2
    hit &= o1 >= c2 - equal2
    hit &= o0 <= c1 + equal1
    hit &= o0 >= c1 - equal1
    return signal(hit, -100)


@register("CDLUNIQUE3RIVER", lookback=max(BODY_SHORT.period, BODY_LONG.period) + 2)
def unique_three_river(g: Geometry, lb: int) -> Signal:
    """Long black body, a black harami with a lower low, then a small white opening above it."""
    o, c, low, rb = g.open, g.close, g.low, g.real_body
    low1 = g.at(low, 1, lb)
    hit = g.at(g.black, 2, lb) & g.at(g.black, 1, lb)
    hit &= g.at(g.white, 0, lb)
    hit &= g.at(c, 1, lb) > g.at(c, 2, lb)
    hit &= g.at(o, 1, lb) <= g.at(o, 2, lb)
    hit &= low1 < g.at(low, 2, lb)
    hit &= g.at(o, 0, lb) > low1
    hit &= g.at(rb, 2, lb) > g.average(BODY_LONG, lb, 2)
    hit &= g.at(rb, 0, lb) < g.average(BODY_SHORT, lb, 0)
    return signal(hit, 100)


@register("CDLUPSIDEGAP2CROWS", lookback=max(BODY_SHORT.period, BODY_LONG.period) + 2)
def upside_gap_two_crows(g: Geometry, lb: int) -> Signal:
    """Long white body, a small black gap up, then a black engulfing it, closing above the first."""
    o, c, rb = g.open, g.close, g.real_body
    c0 = g.at(c, 0, lb)
    # The third is black without a test: o0 > o1 > c1 > c0 once the second is black.
    hit = g.at(g.white, 2, lb) > g.at(g.white, 1, lb)  # white, then black
    hit &= g.at(g.gap_up, 1, lb)
    hit &= g.at(rb, 2, lb) > g.average(BODY_LONG, lb, 2)
    hit &= g.at(rb, 1, lb) <= g.average(BODY_SHORT, lb, 1)
    hit &= g.at(o, 0, lb) > g.at(o, 1, lb)
    hit &= c0 < g.at(c, 1, lb)
    hit &= c0 > g.at(c, 2, lb)
    return signal(hit, -100)
