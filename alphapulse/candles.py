"""OHLCV containers, validated once on construction so the hot path can trust them.

`Candles` holds one symbol (1-D arrays); `CandleBatch` holds many symbols of equal length
(2-D arrays, one row a symbol), which is what lets `scan` work across symbols in one call.

The input contract (the rules live in `alphapulse._rules`, shared with the streaming path):
- `timestamp`: integers, ms since the epoch, within int64 (no floats, even whole ones), or
  datetime64 without NaT; strictly increasing along each row.
- `open`, `high`, `low`, `close`, `volume`: real numbers (int or float dtype; no bool, str,
  None, complex), finite; high >= max(open, close), low <= min(open, close), volume >= 0.
- every field of one shape (1-D for `Candles`, 2-D for `CandleBatch`), at least `min_candles`
  candles long; symbols are str.
The first rule that fails raises `ValueError` naming the field and the first bad index ("index 7",
"row 2, index 7") and, for a bad value in a list, the value; a symbol that is no str raises
`TypeError`. Arrays are read, checked and converted vectorised; lists go through numpy first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from alphapulse import _rules as rules
from alphapulse._rules import FLOAT_FIELDS

__all__ = ["MIN_CANDLES", "PRICE_FIELDS", "CandleBatch", "Candles"]

# The longest lookback of the detection: SMA 50 needs 50 candles for its first value.
MIN_CANDLES = 50

PRICE_FIELDS = ("open", "high", "low", "close")


def _read(
    timestamp: ArrayLike, prices: tuple[ArrayLike, ...], ndim: int, min_candles: int
) -> tuple[NDArray[np.int64], dict[str, NDArray[np.float64]]]:
    """Every rule of `_rules`, in its order: each field read, then the rules between them."""
    ts = rules.read_stamps(timestamp, ndim)
    fields = {
        name: rules.read_prices(name, values, ndim)
        for name, values in zip(FLOAT_FIELDS, prices, strict=True)
    }
    rules.check_candles(ts, fields, min_candles)
    ts.flags.writeable = False
    for arr in fields.values():
        arr.flags.writeable = False
    return ts, fields


@dataclass(frozen=True, eq=False)
class Candles:
    """One symbol's candles, oldest first: read-only float64 arrays, timestamps int64 ms.

    Built only from inputs that pass the module's rules (ValueError naming field and index).
    """

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
        prices = (open, high, low, close, volume)
        ts, fields = _read(timestamp, prices, 1, min_candles)
        object.__setattr__(self, "timestamp", ts)
        for name, arr in fields.items():
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "symbol", rules.read_symbol(symbol))

    def __len__(self) -> int:
        return int(self.timestamp.shape[0])

    def tail(self, n: int) -> Candles:
        """The newest `n` candles (views, no copy); `n` at least 1."""
        if n < 1:
            raise ValueError(f"`n` must be at least 1, got {n}")
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
    """Many symbols' candles of equal length: 2-D arrays, one row a symbol, oldest first.

    The rules of `Candles` hold on every row (errors say "row r, index k"); one symbol a row.
    """

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
        if isinstance(symbols, str):  # a str is a sequence of one-letter symbols
            raise TypeError(f"`symbols` must be a sequence of str, got the str {symbols!r}")
        names = tuple(rules.read_symbol(s) for s in symbols)
        prices = (open, high, low, close, volume)
        ts, fields = _read(timestamp, prices, 2, min_candles)
        if len(names) != ts.shape[0]:
            raise ValueError(
                f"`symbols` names {len(names)} symbols, but the arrays hold {ts.shape[0]} rows"
            )
        object.__setattr__(self, "symbols", names)
        object.__setattr__(self, "timestamp", ts)
        for name, arr in fields.items():
            object.__setattr__(self, name, arr)

    @classmethod
    def from_candles(cls, candles: Sequence[Candles]) -> CandleBatch:
        """Stack single-symbol candles of equal length into one batch."""
        if not candles:
            raise ValueError("`candles` is empty: a batch needs at least one symbol")
        for k, c in enumerate(candles):
            if not isinstance(c, Candles):
                raise TypeError(f"`candles[{k}]` must be Candles, got {type(c).__name__}")
        lengths = {len(c) for c in candles}
        if len(lengths) != 1:
            raise ValueError(
                f"`candles` have different lengths {sorted(lengths)}; a batch needs one"
            )
        return cls(
            [c.symbol for c in candles],
            *(np.stack([getattr(c, f) for c in candles]) for f in ("timestamp", *FLOAT_FIELDS)),
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
