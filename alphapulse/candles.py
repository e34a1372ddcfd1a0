"""OHLCV containers, validated once on construction so the hot path can trust them.

`Candles` holds one symbol (1-D arrays); `CandleBatch` holds many symbols of equal length
(2-D arrays, one row a symbol), which is what lets `scan` work across symbols in one call.
Every rule that fails raises `ValueError` naming the field and the first bad index.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["MIN_CANDLES", "PRICE_FIELDS", "CandleBatch", "Candles"]

# The longest lookback of the detection: SMA 50 needs 50 candles for its first value.
MIN_CANDLES = 50

PRICE_FIELDS = ("open", "high", "low", "close")
_FLOAT_FIELDS = (*PRICE_FIELDS, "volume")


def _first_bad(mask: NDArray[np.bool_]) -> str:
    """Describe the first True of `mask`: 'index 7' (1-D) or 'row 2, index 7' (2-D)."""
    where = np.argwhere(mask)[0]
    if mask.ndim == 1:
        return f"index {where[0]}"
    return f"row {where[0]}, index {where[1]}"


def _as_float(name: str, values: ArrayLike, ndim: int) -> NDArray[np.float64]:
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf":
        raise ValueError(f"`{name}` must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim != ndim:
        raise ValueError(f"`{name}` must be a {ndim}-D array, got {arr.ndim}-D")
    out = np.ascontiguousarray(arr, dtype=np.float64)
    bad = ~np.isfinite(out)
    if bad.any():
        raise ValueError(f"`{name}` has a NaN or infinite value at {_first_bad(bad)}")
    return out


def _as_timestamp(values: ArrayLike, ndim: int) -> NDArray[np.int64]:
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        arr = arr.astype("datetime64[ms]").astype(np.int64)
    elif arr.dtype.kind not in "iu":
        raise ValueError(
            "`timestamp` must hold integers (ms since the epoch) or datetime64,"
            f" got dtype {arr.dtype}"
        )
    if arr.ndim != ndim:
        raise ValueError(f"`timestamp` must be a {ndim}-D array, got {arr.ndim}-D")
    return np.ascontiguousarray(arr, dtype=np.int64)


def _validate(
    timestamp: NDArray[np.int64], fields: dict[str, NDArray[np.float64]], min_candles: int
) -> None:
    """Check the OHLCV rules on 1-D or 2-D arrays (candles along the last axis)."""
    shape = timestamp.shape
    for name, arr in fields.items():
        if arr.shape != shape:
            raise ValueError(f"`{name}` has shape {arr.shape}, but `timestamp` has shape {shape}")
    if shape[-1] < min_candles:
        raise ValueError(
            f"`timestamp` has {shape[-1]} candles; the detection needs at least {min_candles}"
        )
    o, h, l, c, v = (fields[name] for name in _FLOAT_FIELDS)
    checks = (
        ("high", h < np.maximum(o, c), "is below max(open, close)"),
        ("low", l > np.minimum(o, c), "is above min(open, close)"),
        ("volume", v < 0, "is negative"),
    )
    for name, bad, rule in checks:
        if bad.any():
            raise ValueError(f"`{name}` {rule} at {_first_bad(bad)}")
    not_increasing = np.diff(timestamp, axis=-1) <= 0
    if not_increasing.any():
        where = np.argwhere(not_increasing)[0].copy()
        where[-1] += 1  # the diff at k compares candle k+1 with candle k
        at = f"index {where[0]}" if len(where) == 1 else f"row {where[0]}, index {where[1]}"
        raise ValueError(f"`timestamp` is not strictly increasing at {at}")


@dataclass(frozen=True, eq=False)
class Candles:
    """One symbol's candles, oldest first. Arrays are float64 (timestamps int64 ms)."""

    timestamp: NDArray[np.int64]
    open: NDArray[np.float64]
    high: NDArray[np.float64]
    low: NDArray[np.float64]
    close: NDArray[np.float64]
    volume: NDArray[np.float64]
    symbol: str = ""

    def __init__(
        self,
        timestamp: ArrayLike,
        open: ArrayLike,
        high: ArrayLike,
        low: ArrayLike,
        close: ArrayLike,
        volume: ArrayLike,
        symbol: str = "",
        *,
        min_candles: int = MIN_CANDLES,
    ) -> None:
        raw = dict(zip(_FLOAT_FIELDS, (open, high, low, close, volume), strict=True))
        fields = {name: _as_float(name, values, 1) for name, values in raw.items()}
        ts = _as_timestamp(timestamp, 1)
        _validate(ts, fields, min_candles)
        object.__setattr__(self, "timestamp", ts)
        for name, arr in fields.items():
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)
        ts.flags.writeable = False
        object.__setattr__(self, "symbol", symbol)

    def __len__(self) -> int:
        return int(self.timestamp.shape[0])

    def tail(self, n: int) -> Candles:
        """The newest `n` candles (views, no copy)."""
        return Candles(
            self.timestamp[-n:],
            self.open[-n:],
            self.high[-n:],
            self.low[-n:],
            self.close[-n:],
            self.volume[-n:],
            self.symbol,
        )


@dataclass(frozen=True, eq=False)
class CandleBatch:
    """Many symbols' candles of equal length: 2-D arrays, one row a symbol, oldest first."""

    symbols: tuple[str, ...]
    timestamp: NDArray[np.int64]
    open: NDArray[np.float64]
    high: NDArray[np.float64]
    low: NDArray[np.float64]
    close: NDArray[np.float64]
    volume: NDArray[np.float64]

    def __init__(
        self,
        symbols: Sequence[str],
        timestamp: ArrayLike,
        open: ArrayLike,
        high: ArrayLike,
        low: ArrayLike,
        close: ArrayLike,
        volume: ArrayLike,
        *,
        min_candles: int = MIN_CANDLES,
    ) -> None:
        raw = dict(zip(_FLOAT_FIELDS, (open, high, low, close, volume), strict=True))
        fields = {name: _as_float(name, values, 2) for name, values in raw.items()}
        ts = _as_timestamp(timestamp, 2)
        names = tuple(symbols)
        if len(names) != ts.shape[0]:
            raise ValueError(
                f"`symbols` names {len(names)} symbols, but the arrays hold {ts.shape[0]} rows"
            )
        _validate(ts, fields, min_candles)
        object.__setattr__(self, "symbols", names)
        object.__setattr__(self, "timestamp", ts)
        ts.flags.writeable = False
        for name, arr in fields.items():
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)

    @classmethod
    def from_candles(cls, candles: Sequence[Candles]) -> CandleBatch:
        """Stack single-symbol candles of equal length into one batch."""
        if not candles:
            raise ValueError("`candles` is empty: a batch needs at least one symbol")
        lengths = {len(c) for c in candles}
        if len(lengths) != 1:
            raise ValueError(
                f"`candles` have different lengths {sorted(lengths)}; a batch needs one"
            )
        return cls(
            [c.symbol for c in candles],
            *(np.stack([getattr(c, f) for c in candles]) for f in ("timestamp", *_FLOAT_FIELDS)),
            min_candles=0,  # each row was validated as `Candles` already
        )

    def __len__(self) -> int:
        return len(self.symbols)

    @property
    def n_candles(self) -> int:
        return int(self.timestamp.shape[1])

    def row(self, k: int) -> Candles:
        """Symbol `k` as `Candles` (views, no copy)."""
        return Candles(
            self.timestamp[k],
            self.open[k],
            self.high[k],
            self.low[k],
            self.close[k],
            self.volume[k],
            self.symbols[k],
            min_candles=0,  # the batch was validated as a whole already
        )
