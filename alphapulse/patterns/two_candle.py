"""Patterns judged on two candles: the candle before and the candle itself, as TA-Lib does.

Throughout, `p` is the prior candle (i - 1) and `c` the current one (i). For boolean arrays,
`a > b` is `a & ~b` in one numpy call, so `white_c > white_p` reads "white now, black before".
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from alphapulse.patterns._geometry import (
    BODY_DOJI,
    BODY_LONG,
    BODY_SHORT,
    EQUAL,
    SHADOW_VERY_SHORT,
    Geometry,
)
from alphapulse.patterns._registry import Signal, register, signal

# TA-Lib's default optInPenetration of CDLDARKCLOUDCOVER (CDLPIERCING has 0.5 written in).
DARK_CLOUD_PENETRATION = 0.5


def _full_or_partial(full: NDArray[np.bool_], sign: int) -> NDArray[np.int32]:
    """TA-Lib's value for a full match (100) where `full`, for a partial one (80) elsewhere;
    times `sign`."""
    out = full.astype(np.int32)
    out *= 20 * sign
    out += 80 * sign
    return out


@register("CDLENGULFING", lookback=2)
def engulfing(g: Geometry, lb: int) -> Signal:
    """A body of the opposite color that engulfs the prior body (80 when one end matches)."""
    top_c, top_p = g.at(g.body_top, 0, lb), g.at(g.body_top, 1, lb)
    bot_c, bot_p = g.at(g.body_bottom, 0, lb), g.at(g.body_bottom, 1, lb)
    beyond_top = top_c > top_p
    beyond_bot = bot_c < bot_p
    hit = top_c >= top_p
    hit &= bot_c <= bot_p
    hit &= g.at(g.turn, 0, lb)
    # Both ends matching is no engulfing; one end matching is the 80 case.
    hit &= beyond_top | beyond_bot
    beyond_top &= beyond_bot
    return signal(hit, _full_or_partial(beyond_top, 1), g.at(g.color, 0, lb))


@register("CDLHARAMI", lookback=max(BODY_SHORT.period, BODY_LONG.period) + 1)
def harami(g: Geometry, lb: int) -> Signal:
    """A long body followed by a short body inside it (80 when one end matches)."""
    hit = g.at(g.real_body, 1, lb) > g.average(BODY_LONG, lb, 1)
    hit &= g.at(g.real_body, 0, lb) <= g.average(BODY_SHORT, lb)
    hit &= g.at(g.within, 0, lb)
    return signal(hit, _full_or_partial(g.at(g.inside, 0, lb), -1), g.at(g.color, 1, lb))


@register("CDLHARAMICROSS", lookback=max(BODY_DOJI.period, BODY_LONG.period) + 1)
def harami_cross(g: Geometry, lb: int) -> Signal:
    """A long body followed by a doji inside it (80 when one end matches)."""
    hit = g.at(g.real_body, 1, lb) > g.average(BODY_LONG, lb, 1)
    hit &= g.at(g.real_body, 0, lb) <= g.average(BODY_DOJI, lb)
    hit &= g.at(g.within, 0, lb)
    return signal(hit, _full_or_partial(g.at(g.inside, 0, lb), -1), g.at(g.color, 1, lb))


@register("CDLKICKING", lookback=max(SHADOW_VERY_SHORT.period, BODY_LONG.period) + 1)
def kicking(g: Geometry, lb: int) -> Signal:
    """Two marubozu of opposite colors with a gap between them, in the direction of the second."""
    hit = g.at(g.real_body, 1, lb) > g.average(BODY_LONG, lb, 1)
    hit &= g.at(g.turn, 0, lb)
    hit &= g.at(g.real_body, 0, lb) > g.average(BODY_LONG, lb, 0)
    hit &= g.at(g.longer_shadow, 1, lb) < g.average(SHADOW_VERY_SHORT, lb, 1)
    hit &= g.at(g.longer_shadow, 0, lb) < g.average(SHADOW_VERY_SHORT, lb, 0)
    # Black then white: gap up; white then black: gap down (shadows included).
    gap = g.at(g.low, 0, lb) > g.at(g.high, 1, lb)
    gap &= g.at(g.white, 0, lb)
    gap_down = g.at(g.high, 0, lb) < g.at(g.low, 1, lb)
    gap_down &= g.at(g.black, 0, lb)
    gap |= gap_down
    hit &= gap
    return signal(hit, 100, g.at(g.color, 0, lb))


@register("CDLDARKCLOUDCOVER", lookback=BODY_LONG.period + 1)
def dark_cloud_cover(g: Geometry, lb: int) -> Signal:
    """A long white candle, then a black one opening above its high and closing deep in its body."""
    rb_p = g.at(g.real_body, 1, lb)
    close_c = g.at(g.close, 0, lb)
    hit = g.at(g.white, 1, lb) > g.at(g.white, 0, lb)
    hit &= rb_p > g.average(BODY_LONG, lb, 1)
    hit &= g.at(g.open, 0, lb) > g.at(g.high, 1, lb)
    hit &= close_c > g.at(g.open, 1, lb)
    hit &= close_c < g.at(g.close, 1, lb) - rb_p * DARK_CLOUD_PENETRATION
    return signal(hit, -100)


@register("CDLPIERCING", lookback=BODY_LONG.period + 1)
def piercing(g: Geometry, lb: int) -> Signal:
    """A long black candle, then a long white one opening below its low, closing past its middle."""
    rb_p = g.at(g.real_body, 1, lb)
    close_c = g.at(g.close, 0, lb)
    hit = g.at(g.white, 0, lb) > g.at(g.white, 1, lb)
    hit &= rb_p > g.average(BODY_LONG, lb, 1)
    hit &= g.at(g.real_body, 0, lb) > g.average(BODY_LONG, lb)
    hit &= g.at(g.open, 0, lb) < g.at(g.low, 1, lb)
    hit &= close_c < g.at(g.open, 1, lb)
    hit &= close_c > g.at(g.close, 1, lb) + rb_p * 0.5
    return signal(hit, 100)


@register("CDLONNECK", lookback=max(EQUAL.period, BODY_LONG.period) + 1)
def on_neck(g: Geometry, lb: int) -> Signal:
    """A long black candle, then a white one opening below its low and closing at that low."""
    low_p = g.at(g.low, 1, lb)
    close_c = g.at(g.close, 0, lb)
    equal = g.average(EQUAL, lb, 1)
    hit = g.at(g.white, 0, lb) > g.at(g.white, 1, lb)
    hit &= g.at(g.real_body, 1, lb) > g.average(BODY_LONG, lb, 1)
    hit &= g.at(g.open, 0, lb) < low_p
    hit &= close_c <= low_p + equal
    hit &= close_c >= low_p - equal
    return signal(hit, -100)


@register("CDLTHRUSTING", lookback=max(EQUAL.period, BODY_LONG.period) + 1)
def thrusting(g: Geometry, lb: int) -> Signal:
    """A long black candle, then a white one opening below its low, closing in its lower half."""
    rb_p = g.at(g.real_body, 1, lb)
    close_p = g.at(g.close, 1, lb)
    close_c = g.at(g.close, 0, lb)
    hit = g.at(g.white, 0, lb) > g.at(g.white, 1, lb)
    hit &= rb_p > g.average(BODY_LONG, lb, 1)
    hit &= g.at(g.open, 0, lb) < g.at(g.low, 1, lb)
    hit &= close_c > close_p + g.average(EQUAL, lb, 1)
    hit &= close_c <= close_p + rb_p * 0.5
    return signal(hit, -100)


@register(
    "CDLSEPARATINGLINES",
    lookback=max(SHADOW_VERY_SHORT.period, BODY_LONG.period, EQUAL.period) + 1,
)
def separating_lines(g: Geometry, lb: int) -> Signal:
    """Opposite colors opening at one price, the second a belt hold (long, shaven at the open)."""
    open_p = g.at(g.open, 1, lb)
    open_c = g.at(g.open, 0, lb)
    equal = g.average(EQUAL, lb, 1)
    very_short = g.average(SHADOW_VERY_SHORT, lb)
    hit = g.at(g.real_body, 0, lb) > g.average(BODY_LONG, lb)
    hit &= g.at(g.turn, 0, lb)
    hit &= open_c <= open_p + equal
    hit &= open_c >= open_p - equal
    # The shadow on the opening side (lower if white, upper if black) is very short.
    shaven = g.at(g.lower_shadow, 0, lb) < very_short
    shaven &= g.at(g.white, 0, lb)
    shaven_black = g.at(g.upper_shadow, 0, lb) < very_short
    shaven_black &= g.at(g.black, 0, lb)
    shaven |= shaven_black
    hit &= shaven
    return signal(hit, 100, g.at(g.color, 0, lb))
