"""The 36 TA-Lib candlestick patterns AlphaPulse runs, each equal to TA-Lib's output.

`PATTERNS["CDLHAMMER"](open, high, low, close)` takes 1-D arrays (one symbol) or 2-D arrays (one
row a symbol) and returns int32 values 0, +-80, +-100 or +-200 like TA-Lib. `detect_patterns`
computes many at once over one shared `Geometry`, so body sizes, shadows and running averages are
computed once for all of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from alphapulse.patterns import (  # noqa: F401  (importing a module registers its patterns)
    five_candle,
    one_candle,
    three_candle,
    two_candle,
)
from alphapulse.patterns._geometry import Geometry
from alphapulse.patterns._registry import SPECS, PatternSpec, write

__all__ = ["PATTERNS", "PatternFunction", "detect_patterns", "geometry_of", "pattern_matrix"]

PatternFunction = Callable[[ArrayLike, ArrayLike, ArrayLike, ArrayLike], NDArray[np.int32]]


def _as_price(name: str, values: ArrayLike) -> NDArray[np.float64]:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"`{name}` must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim not in (1, 2):
        raise ValueError(f"`{name}` must be a 1-D or 2-D array, got {arr.ndim}-D")
    return np.asarray(arr, dtype=np.float64)


def geometry_of(
    open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike
) -> tuple[Geometry, bool]:
    """A 2-D `Geometry` of the prices, and whether the input was 1-D (to squeeze the output)."""
    o, h, l, c = (
        _as_price(n, v)
        for n, v in zip(["open", "high", "low", "close"], (open, high, low, close), strict=True)
    )
    if not o.shape == h.shape == l.shape == c.shape:
        raise ValueError(
            "open, high, low and close must have one shape,"
            f" got {o.shape}, {h.shape}, {l.shape}, {c.shape}"
        )
    one_d = o.ndim == 1
    if one_d:
        o, h, l, c = (x[np.newaxis, :] for x in (o, h, l, c))
    return Geometry(o, h, l, c), one_d


def _public(spec: PatternSpec) -> PatternFunction:
    def pattern(
        open: ArrayLike, high: ArrayLike, low: ArrayLike, close: ArrayLike
    ) -> NDArray[np.int32]:
        g, one_d = geometry_of(open, high, low, close)
        out = _candle_major(g, [spec])[0]
        return out[:, 0] if one_d else np.ascontiguousarray(out.T)

    pattern.__name__ = spec.name
    pattern.__qualname__ = spec.name
    pattern.__doc__ = f"TA-Lib's {spec.name} on 1-D or 2-D prices (lookback {spec.lookback})."
    return pattern


PATTERNS: dict[str, PatternFunction] = {name: _public(spec) for name, spec in sorted(SPECS.items())}


def _chosen(names: Iterable[str] | None) -> list[str]:
    chosen = list(SPECS) if names is None else list(names)
    unknown = [n for n in chosen if n not in SPECS]
    if unknown:
        raise ValueError(f"unknown pattern names {unknown}; known: {sorted(SPECS)}")
    return chosen


def pattern_matrix(
    g: Geometry, names: Iterable[str] | None = None
) -> tuple[list[str], NDArray[np.int32]]:
    """The chosen patterns on a 2-D `Geometry`, as one int32 array (patterns, symbols, candles).

    One block of memory lets callers count hits or read the newest candle with a single call.
    The array is a view of a candle-major block (patterns, candles, symbols), the layout the
    kernels write, so it is not C-contiguous; `matrix[:, :, -1]` is a contiguous slice of it.
    """
    chosen = _chosen(names)
    return chosen, _candle_major(g, [SPECS[name] for name in chosen]).transpose(0, 2, 1)


def _candle_major(g: Geometry, specs: list[PatternSpec]) -> NDArray[np.int32]:
    """The patterns' outputs as one int32 array (patterns, candles, symbols), block by block.

    Each kernel's output is written but for its scalar value (100, -100...), which is multiplied
    in for every pattern of a block at once (see `write`).
    """
    out = np.empty((len(specs), g.n, g.symbols), dtype=np.int32)
    out[:, : max((spec.lookback for spec in specs), default=0)] = 0  # every warm-up at once
    for symbols, part in g.blocks():
        values = []
        for rows, spec in zip(out, specs, strict=True):
            value = 1
            if part.n > spec.lookback:
                value = write(spec.kernel(part, spec.lookback), rows[spec.lookback :, symbols])
            values.append(value)
        out[:, :, symbols] *= np.array(values, dtype=np.int32)[:, np.newaxis, np.newaxis]
    return out


def detect_patterns(
    open: ArrayLike,
    high: ArrayLike,
    low: ArrayLike,
    close: ArrayLike,
    names: Iterable[str] | None = None,
) -> dict[str, NDArray[np.int32]]:
    """Many patterns at once, sharing one computation of the candle geometry and averages.

    2-D results are views into one (patterns, candles, symbols) block, like `pattern_matrix`'s.
    """
    g, one_d = geometry_of(open, high, low, close)
    chosen, matrix = pattern_matrix(g, names)
    return {name: (row[0] if one_d else row) for name, row in zip(chosen, matrix, strict=True)}
