"""Patterns judged on one candle (some compare it with the candle before, as TA-Lib does)."""

from __future__ import annotations

import numpy as np

from alphapulse.patterns._geometry import (
    BODY_DOJI,
    BODY_LONG,
    BODY_SHORT,
    NEAR,
    SHADOW_LONG,
    SHADOW_SHORT,
    SHADOW_VERY_LONG,
    SHADOW_VERY_SHORT,
    Geometry,
)
from alphapulse.patterns._registry import Signal, register, signal


@register(
    "CDLHAMMER",
    lookback=max(BODY_SHORT.period, SHADOW_LONG.period, SHADOW_VERY_SHORT.period, NEAR.period) + 1,
)
def hammer(g: Geometry, lb: int) -> Signal:
    """Small body, long lower shadow, (almost) no upper shadow, body near the prior candle's low."""
    hit = g.at(g.real_body, 0, lb) < g.average(BODY_SHORT, lb)
    hit &= g.at(g.lower_shadow, 0, lb) > g.average(SHADOW_LONG, lb)
    hit &= g.at(g.upper_shadow, 0, lb) < g.average(SHADOW_VERY_SHORT, lb)
    hit &= g.at(g.body_bottom, 0, lb) <= g.at(g.low, 1, lb) + g.average(NEAR, lb, 1)
    return signal(hit, 100)


@register(
    "CDLHANGINGMAN",
    lookback=max(BODY_SHORT.period, SHADOW_LONG.period, SHADOW_VERY_SHORT.period, NEAR.period) + 1,
)
def hanging_man(g: Geometry, lb: int) -> Signal:
    """Small body, long lower shadow, (almost) no upper shadow, body near the prior high."""
    hit = g.at(g.real_body, 0, lb) < g.average(BODY_SHORT, lb)
    hit &= g.at(g.lower_shadow, 0, lb) > g.average(SHADOW_LONG, lb)
    hit &= g.at(g.upper_shadow, 0, lb) < g.average(SHADOW_VERY_SHORT, lb)
    hit &= g.at(g.body_bottom, 0, lb) >= g.at(g.high, 1, lb) - g.average(NEAR, lb, 1)
    return signal(hit, -100)


@register(
    "CDLSHOOTINGSTAR",
    lookback=max(BODY_SHORT.period, SHADOW_LONG.period, SHADOW_VERY_SHORT.period) + 1,
)
def shooting_star(g: Geometry, lb: int) -> Signal:
    """Small body gapping up from the prior body, long upper shadow, (almost) no lower shadow."""
    hit = g.at(g.real_body, 0, lb) < g.average(BODY_SHORT, lb)
    hit &= g.at(g.gap_up, 0, lb)
    hit &= g.at(g.upper_shadow, 0, lb) > g.average(SHADOW_LONG, lb)
    hit &= g.at(g.lower_shadow, 0, lb) < g.average(SHADOW_VERY_SHORT, lb)
    return signal(hit, -100)


@register(
    "CDLINVERTEDHAMMER",
    lookback=max(BODY_SHORT.period, SHADOW_LONG.period, SHADOW_VERY_SHORT.period) + 1,
)
def inverted_hammer(g: Geometry, lb: int) -> Signal:
    """Small body gapping down from the prior body, long upper shadow, (almost) no lower shadow."""
    hit = g.at(g.real_body, 0, lb) < g.average(BODY_SHORT, lb)
    hit &= g.at(g.gap_down, 0, lb)
    hit &= g.at(g.upper_shadow, 0, lb) > g.average(SHADOW_LONG, lb)
    hit &= g.at(g.lower_shadow, 0, lb) < g.average(SHADOW_VERY_SHORT, lb)
    return signal(hit, 100)


@register("CDLDOJI", lookback=BODY_DOJI.period)
def doji(g: Geometry, lb: int) -> Signal:
    """Open and close (almost) equal: a body that is a tiny part of the recent ranges."""
    return signal(g.at(g.real_body, 0, lb) <= g.average(BODY_DOJI, lb), 100)


@register("CDLSPINNINGTOP", lookback=BODY_SHORT.period)
def spinning_top(g: Geometry, lb: int) -> Signal:
    """Small body with both shadows longer than the body; signed by the candle's color."""
    rb = g.at(g.real_body, 0, lb)
    hit = rb < g.average(BODY_SHORT, lb)
    hit &= g.at(g.shorter_shadow, 0, lb) > rb
    return signal(hit, 100, g.at(g.color, 0, lb))


@register("CDLMARUBOZU", lookback=max(BODY_LONG.period, SHADOW_VERY_SHORT.period))
def marubozu(g: Geometry, lb: int) -> Signal:
    """Long body with (almost) no shadow on either side; signed by the candle's color."""
    hit = g.at(g.real_body, 0, lb) > g.average(BODY_LONG, lb)
    hit &= g.at(g.longer_shadow, 0, lb) < g.average(SHADOW_VERY_SHORT, lb)
    return signal(hit, 100, g.at(g.color, 0, lb))


@register("CDLDRAGONFLYDOJI", lookback=max(BODY_DOJI.period, SHADOW_VERY_SHORT.period))
def dragonfly_doji(g: Geometry, lb: int) -> Signal:
    """Doji with (almost) no upper shadow and a lower shadow that is not very short."""
    svs = g.average(SHADOW_VERY_SHORT, lb)
    hit = g.at(g.real_body, 0, lb) <= g.average(BODY_DOJI, lb)
    hit &= g.at(g.upper_shadow, 0, lb) < svs
    hit &= g.at(g.lower_shadow, 0, lb) > svs
    return signal(hit, 100)


@register("CDLGRAVESTONEDOJI", lookback=max(BODY_DOJI.period, SHADOW_VERY_SHORT.period))
def gravestone_doji(g: Geometry, lb: int) -> Signal:
    """Doji with (almost) no lower shadow and an upper shadow that is not very short."""
    svs = g.average(SHADOW_VERY_SHORT, lb)
    hit = g.at(g.real_body, 0, lb) <= g.average(BODY_DOJI, lb)
    hit &= g.at(g.upper_shadow, 0, lb) > svs
    hit &= g.at(g.lower_shadow, 0, lb) < svs
    return signal(hit, 100)


@register("CDLHIGHWAVE", lookback=max(BODY_SHORT.period, SHADOW_VERY_LONG.period))
def high_wave(g: Geometry, lb: int) -> Signal:
    """Small body with very long shadows on both sides; signed by the candle's color."""
    hit = g.at(g.real_body, 0, lb) < g.average(BODY_SHORT, lb)
    hit &= g.at(g.shorter_shadow, 0, lb) > g.average(SHADOW_VERY_LONG, lb)
    return signal(hit, 100, g.at(g.color, 0, lb))


@register("CDLLONGLEGGEDDOJI", lookback=max(BODY_DOJI.period, SHADOW_LONG.period))
def long_legged_doji(g: Geometry, lb: int) -> Signal:
    """Doji with at least one long shadow."""
    # either shadow > average  <=>  fmax (which skips a NaN, as `or` does) > average
    hit = np.fmax(g.at(g.lower_shadow, 0, lb), g.at(g.upper_shadow, 0, lb)) > g.average(
        SHADOW_LONG, lb
    )
    hit &= g.at(g.real_body, 0, lb) <= g.average(BODY_DOJI, lb)
    return signal(hit, 100)


@register("CDLLONGLINE", lookback=max(BODY_LONG.period, SHADOW_SHORT.period))
def long_line(g: Geometry, lb: int) -> Signal:
    """Long body with short shadows on both sides; signed by the candle's color."""
    hit = g.at(g.real_body, 0, lb) > g.average(BODY_LONG, lb)
    hit &= g.at(g.longer_shadow, 0, lb) < g.average(SHADOW_SHORT, lb)
    return signal(hit, 100, g.at(g.color, 0, lb))


@register("CDLSHORTLINE", lookback=max(BODY_SHORT.period, SHADOW_SHORT.period))
def short_line(g: Geometry, lb: int) -> Signal:
    """Short body with short shadows on both sides; signed by the candle's color."""
    hit = g.at(g.real_body, 0, lb) < g.average(BODY_SHORT, lb)
    hit &= g.at(g.longer_shadow, 0, lb) < g.average(SHADOW_SHORT, lb)
    return signal(hit, 100, g.at(g.color, 0, lb))


@register(
    "CDLTAKURI",
    lookback=max(BODY_DOJI.period, SHADOW_VERY_SHORT.period, SHADOW_VERY_LONG.period),
)
def takuri(g: Geometry, lb: int) -> Signal:
    """Doji with (almost) no upper shadow and a very long lower shadow (a dragonfly doji)."""
    hit = g.at(g.real_body, 0, lb) <= g.average(BODY_DOJI, lb)
    hit &= g.at(g.upper_shadow, 0, lb) < g.average(SHADOW_VERY_SHORT, lb)
    hit &= g.at(g.lower_shadow, 0, lb) > g.average(SHADOW_VERY_LONG, lb)
    return signal(hit, 100)
