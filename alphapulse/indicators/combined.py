"""Every indicator at once: the table of `compute_indicators`' outputs, whence `INDICATORS`,
`LOOKBACKS` and each output's parameters (`PARAMS`, which `newest_indicators` reads too)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from alphapulse.indicators import series
from alphapulse.indicators._inputs import Float, as_candles, quiet, rows


@dataclass(frozen=True)
class _Output:
    """One TA-Lib call of `compute_indicators`: the outputs it names, how they are computed."""

    names: tuple[str, ...]
    compute: Callable[..., Float | tuple[Float, ...]]  # a `series.*_rows`
    lookback: Callable[..., int]  # its `series.*_lookback`
    inputs: str  # which of high (h), low (l), close (c) and volume (v) it takes, in order
    params: tuple[Any, ...]  # TA-Lib's defaults, as the names say: periods, band multipliers

    @property
    def first(self) -> int:
        return self.lookback(*self.params)


_OUTPUTS = (
    _Output(("RSI_14",), series.rsi_rows, series.rsi_lookback, "c", (14,)),
    _Output(
        ("MACD", "MACD_SIGNAL", "MACD_HIST"),
        series.macd_rows,
        series.macd_lookback,
        "c",
        (12, 26, 9),
    ),
    _Output(
        ("BB_UPPER", "BB_MIDDLE", "BB_LOWER"),
        series.bbands_rows,
        series.bbands_lookback,
        "c",
        (20, 2.0, 2.0),
    ),
    _Output(("STOCH_K", "STOCH_D"), series.stoch_rows, series.stoch_lookback, "hlc", (14, 3, 3)),
    _Output(("ATR_14",), series.atr_rows, series.atr_lookback, "hlc", (14,)),
    _Output(("SMA_20",), series.sma_rows, series.sma_lookback, "c", (20,)),
    _Output(("SMA_50",), series.sma_rows, series.sma_lookback, "c", (50,)),
    _Output(("EMA_12",), series.ema_rows, series.ema_lookback, "c", (12,)),
    _Output(("EMA_26",), series.ema_rows, series.ema_lookback, "c", (26,)),
    _Output(("VOLUME_RATIO",), series.volume_ratio_rows, series.volume_ratio_lookback, "v", (20,)),
)

# Index of the first non-NaN value of each output of `compute_indicators` (TA-Lib's lookback).
LOOKBACKS: dict[str, int] = {name: out.first for out in _OUTPUTS for name in out.names}
INDICATORS: tuple[str, ...] = tuple(LOOKBACKS)
# The parameters of the TA-Lib call behind each output.
PARAMS: dict[str, tuple[Any, ...]] = {name: out.params for out in _OUTPUTS for name in out.names}


def run(
    open: ArrayLike,  # the OHLCV field names are the contract
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    volume: ArrayLike,
) -> tuple[dict[str, Float | None], tuple[int, ...]]:
    """Each output's values from its lookback on (None if the series is not longer), and the
    input's shape."""
    _, h, l, c, v = as_candles(open=open, high=high, low=low, close=close, volume=volume)
    data = dict(zip("hlcv", (rows(x) for x in (h, l, c, v)), strict=True))
    n = c.shape[-1]
    values: dict[str, Float | None] = {}
    with quiet():
        for out in _OUTPUTS:
            if n <= out.first:
                values.update(dict.fromkeys(out.names))
                continue
            result = out.compute(*(data[k] for k in out.inputs), *out.params)
            parts = result if isinstance(result, tuple) else (result,)
            values.update(zip(out.names, parts, strict=True))
    return values, c.shape


def compute_indicators(
    open: ArrayLike,
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    volume: ArrayLike,
) -> dict[str, Float]:
    """The 15 indicators of `INDICATORS`, each equal to TA-Lib's with the parameters of its name.

    RSI(14), MACD(12, 26, 9), BBANDS(20, 2, 2), STOCH(14, 3, 3), ATR(14), SMA(20), SMA(50), EMA(12),
    EMA(26) and VOLUME_RATIO = volume / SMA(volume, 20). `open` is validated but used by none.
    MACD's EMAs are not EMA_12 and EMA_26 (TA-Lib seeds them differently). The outputs, of the
    input's shape, are the rows of one new array: 15 arrays allocated apart cost a page fault per
    4 KiB on every call (the allocator hands their freed memory back to the system), one block of
    the same size comes back without.
    """
    values, shape = run(open, high, low, close, volume)
    n = shape[-1]
    block = np.full((len(values), math.prod(shape[:-1]), n), np.nan)
    for row, part in zip(block, values.values(), strict=True):
        if part is not None:
            row[:, n - part.shape[1] :] = part
    return {name: row.reshape(shape) for name, row in zip(values, block, strict=True)}
