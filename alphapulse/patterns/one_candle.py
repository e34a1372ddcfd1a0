"""Patterns judged on one candle (some compare it with the candle before, as TA-Lib does)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from alphapulse.patterns._geometry import (
    BODY_SHORT,
    NEAR,
    SHADOW_LONG,
    SHADOW_VERY_SHORT,
    Geometry,
)
from alphapulse.patterns._registry import register, signal


@register("CDLHAMMER", lookback=max(BODY_SHORT.period, SHADOW_LONG.period, SHADOW_VERY_SHORT.period, NEAR.period) + 1)
def hammer(g: Geometry, lb: int) -> NDArray[np.int32]:
    """Small body, long lower shadow, (almost) no upper shadow, body near the prior candle's low."""
    hit = g.at(g.real_body, 0, lb) < g.average(BODY_SHORT, lb)
    hit &= g.at(g.lower_shadow, 0, lb) > g.average(SHADOW_LONG, lb)
    hit &= g.at(g.upper_shadow, 0, lb) < g.average(SHADOW_VERY_SHORT, lb)
    hit &= g.at(g.body_bottom, 0, lb) <= g.at(g.low, 1, lb) + g.average(NEAR, lb, 1)
    return signal(hit, 100)
