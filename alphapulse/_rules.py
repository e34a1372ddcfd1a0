"""The OHLCV input rules and their messages, each written once.

`Candles` and `CandleBatch` check whole arrays, vectorised (`read_stamps`, `read_prices`,
`check_candles`). `StreamingDetector.update` checks one candle (`read_candle`): plain floats and
ints take a shortcut that can only accept what the array rules accept; any other value is read by
the same array readers as a 0-D array. So a streaming value passes or fails as it would inside
`Candles`, with the same message.

Every failure is an `InputError`, a `ValueError` that keeps its field and index, so that a caller
can say where in its own terms: `load_csv` adds file, line and column, streaming the symbol.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sized
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FLOAT_FIELDS = ("open", "high", "low", "close", "volume")
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

Index = tuple[int, ...]

_WHERE = {1: "index {0}", 2: "row {0}, index {1}"}
_SHAPES = {0: "a single value", 1: "a 1-D array", 2: "a 2-D array"}
_SHOWN = 40  # characters of a bad value quoted in a message
_PRICES = "must hold real numbers"
_TIMESTAMPS = "must hold integers (ms since the epoch) or datetime64"


class InputError(ValueError):
    """A broken input; its message reads "`field` problem at index k: detail"."""

    def __init__(
        self,
        field: str,
        problem: str,
        index: Index | None = None,
        detail: str = "",
        prefix: str = "",
    ) -> None:
        self.field, self.problem, self.index, self.detail = field, problem, index, detail
        where = f" at {_WHERE[len(index)].format(*index)}" if index else ""
        super().__init__(f"{prefix}`{field}` {problem}{where}" + (f": {detail}" if detail else ""))

    def moved(self, index: Index, prefix: str = "") -> InputError:
        """The same error at another place (a streaming candle's index in its stream)."""
        return InputError(self.field, self.problem, index, self.detail, prefix)


def show(value: object) -> str:
    """A bad value as a message quotes it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def first_index(mask: NDArray[np.bool_]) -> Index:
    """The index of the first True of `mask` (row-major)."""
    return tuple(int(k) for k in np.argwhere(mask)[0])


# ---------------------------------------------------------------------------------------------
# Reading arrays: numpy's reading of the input, then the field's dtype rule.


def _array(field: str, values: object, ndim: int, problem: Callable[[object], str | None]) -> Any:
    """numpy's reading of `values`, which must have `ndim` dimensions."""
    try:
        arr = np.asarray(values)
    except (ValueError, TypeError, OverflowError):  # ragged lists, or values numpy cannot hold
        raise _unreadable(field, values, ndim, problem) from None
    if arr.ndim != ndim:
        raise InputError(field, f"must be {_SHAPES[ndim]}", detail=f"got {arr.ndim}-D")
    return arr


def _elements(values: object, ndim: int, index: Index = ()) -> Iterator[tuple[Index, object]]:
    """The caller's own values with their indices, down to `ndim` levels (error path only)."""
    if len(index) == ndim or not isinstance(values, list | tuple | np.ndarray):
        yield index, values
        return
    for k, item in enumerate(values):
        yield from _elements(item, ndim, (*index, k))


def _unreadable(
    field: str, values: object, ndim: int, problem: Callable[[object], str | None]
) -> InputError:
    """Why numpy could not read `values` as one array: ragged rows, or a value that is no number."""
    if ndim == 2 and isinstance(values, list | tuple) and values:
        lengths = [len(row) if isinstance(row, Sized) else 0 for row in values]
        for k, n in enumerate(lengths):
            if n != lengths[0]:
                return InputError(
                    field, "is ragged", detail=f"row {k} has {n} values, row 0 has {lengths[0]}"
                )
    return _first_bad_element(field, values, ndim, problem) or InputError(
        field, "cannot be read as an array", detail=show(values)
    )


def _first_bad_element(
    field: str, values: object, ndim: int, problem: Callable[[object], str | None]
) -> InputError | None:
    """The first value that breaks the field's rule, with its index (error path only)."""
    for index, item in _elements(values, ndim):
        if len(index) < ndim:
            return InputError(field, f"must be {_SHAPES[ndim]}", detail=f"got {show(item)}")
        found = problem(item)
        if found is not None:
            return InputError(field, found, index, f"got {show(item)}")
    return None


def _kind(value: object) -> str:
    """numpy's dtype kind of one value ('' when it is not a single value)."""
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError, OverflowError):
        return ""
    return str(arr.dtype.kind) if arr.ndim == 0 else ""


def _too_big(value: object) -> bool:
    """A Python int (not a bool): numpy reads it as an object once it is beyond 64 bits."""
    return isinstance(value, int) and not isinstance(value, bool)


def _price_problem(value: object) -> str | None:
    if _kind(value) in ("i", "u", "f"):
        return None
    return "has an integer beyond 64 bits" if _too_big(value) else _PRICES


def _stamp_problem(value: object) -> str | None:
    kind = _kind(value)
    if kind == "M":
        return None
    if kind in ("i", "u") or _too_big(value):
        in_range = INT64_MIN <= int(value) <= INT64_MAX  # type: ignore[call-overload]
        return None if in_range else "is outside the int64 milliseconds"
    return _TIMESTAMPS


def _wrong_dtype(
    field: str,
    values: object,
    arr: NDArray[Any],
    rule: str,
    problem: Callable[[object], str | None],
) -> InputError:
    """A typed array names its dtype; a list (or object array) names its first bad value."""
    found = None
    if not isinstance(values, np.ndarray) or arr.dtype.kind == "O":
        found = _first_bad_element(field, values, arr.ndim, problem)
    return found or InputError(field, rule, detail=f"got dtype {arr.dtype}")


def read_prices(field: str, values: ArrayLike, ndim: int) -> NDArray[np.float64]:
    """`values` as C-contiguous float64 of `ndim` dimensions, every value finite."""
    arr = _array(field, values, ndim, _price_problem)
    if arr.dtype.kind not in "iuf":
        raise _wrong_dtype(field, values, arr, _PRICES, _price_problem)
    out: NDArray[np.float64] = np.asarray(arr, dtype=np.float64, order="C")
    bad = ~np.isfinite(out)
    if bad.any():
        raise InputError(field, "has a NaN or infinite value", first_index(bad))
    return out


def read_stamps(values: ArrayLike, ndim: int) -> NDArray[np.int64]:
    """`values` as C-contiguous int64 ms: integers within int64, or datetime64 without NaT."""
    arr = _array("timestamp", values, ndim, _stamp_problem)
    kind = arr.dtype.kind
    if kind == "M":
        return _datetimes_to_ms(arr)
    if kind not in "iu" and not (kind == "f" and arr.size == 0):  # np.asarray([]) is float64
        raise _wrong_dtype("timestamp", values, arr, _TIMESTAMPS, _stamp_problem)
    if kind == "u" and arr.dtype.itemsize == 8:
        beyond = arr > np.uint64(INT64_MAX)
        if beyond.any():
            index = first_index(beyond)
            raise InputError(
                "timestamp", "is outside the int64 milliseconds", index, f"got {int(arr[index])}"
            )
    out: NDArray[np.int64] = np.asarray(arr, dtype=np.int64, order="C")
    return out


def _datetimes_to_ms(arr: NDArray[np.datetime64]) -> NDArray[np.int64]:
    nat = np.isnat(arr)
    if nat.any():
        raise InputError("timestamp", "is NaT (not a time)", first_index(nat))
    ms = arr.astype("datetime64[ms]")
    # From a coarser unit (s, D, Y...) the conversion can overflow int64 silently; a value that
    # fits comes back unchanged. A finer unit (us, ns) only divides.
    if np.can_cast(arr.dtype, ms.dtype, casting="safe"):
        lost = ms.astype(arr.dtype) != arr
        if lost.any():
            index = first_index(lost)
            raise InputError(
                "timestamp", "is outside the int64 milliseconds", index, f"got {arr[index]}"
            )
    out: NDArray[np.int64] = np.asarray(ms.view(np.int64), order="C")
    return out


# ---------------------------------------------------------------------------------------------
# The rules between values: on arrays (Candles, CandleBatch) and on one candle (streaming).

# (field, problem, test on o, h, l, c, v). The tests use comparison operators only, so one lambda
# runs element-wise on arrays and on the five floats of a streaming candle.
RELATIONS: tuple[tuple[str, str, Callable[..., Any]], ...] = (
    ("high", "is below max(open, close)", lambda o, h, l, c, v: (h < o) | (h < c)),
    ("low", "is above min(open, close)", lambda o, h, l, c, v: (l > o) | (l > c)),
    ("volume", "is negative", lambda o, h, l, c, v: v < 0),
)


def not_after(stamp: Any, previous: Any) -> Any:
    """The order rule: each timestamp strictly after the previous one."""
    return stamp <= previous


def not_increasing(index: Index, stamp: int, previous: int) -> InputError:
    return InputError(
        "timestamp", "is not strictly increasing", index, f"{stamp} comes after {previous}"
    )


def check_candles(
    timestamp: NDArray[np.int64], prices: dict[str, NDArray[np.float64]], min_candles: int
) -> None:
    """The rules between read arrays, 1-D or 2-D (candles along the last axis)."""
    shape = timestamp.shape
    for field, arr in prices.items():
        if arr.shape != shape:
            raise InputError(field, f"has shape {arr.shape}, but `timestamp` has shape {shape}")
    if shape[-1] < min_candles:
        raise InputError(
            "timestamp", f"has {shape[-1]} candles; the detection needs at least {min_candles}"
        )
    columns = [prices[field] for field in FLOAT_FIELDS]
    for field, problem, test in RELATIONS:
        bad = test(*columns)
        if bad.any():
            raise InputError(field, problem, first_index(bad))
    bad = not_after(timestamp[..., 1:], timestamp[..., :-1])
    if bad.any():
        *row, k = first_index(bad)
        index = (*row, k + 1)  # bad[k] compares candle k + 1 with candle k
        raise not_increasing(index, int(timestamp[index]), int(timestamp[(*row, k)]))


def read_symbol(symbol: object) -> str:
    if not isinstance(symbol, str):
        raise TypeError(f"`symbol` must be a str, got {type(symbol).__name__} {show(symbol)}")
    return symbol


CandleValues = tuple[int, float, float, float, float, float]


def _price(field: str, value: Any) -> float:
    """One price or volume of a streaming candle, by the array rule.

    Plain numbers skip numpy: a finite float, or an int within int64, the array reader would turn
    into this very float. Anything else (strings, None, bool, NaN, other types) it reads itself.
    """
    if (type(value) is float or type(value) is np.float64) and math.isfinite(value):
        return float(value)
    if type(value) is int and INT64_MIN <= value <= INT64_MAX:
        return float(value)
    return float(read_prices(field, value, 0))


def _stamp(value: Any) -> int:
    """One streaming timestamp, by the array rule (a plain int64 integer skips numpy)."""
    if (type(value) is int and INT64_MIN <= value <= INT64_MAX) or type(value) is np.int64:
        return int(value)
    return int(read_stamps(value, 0))


def read_candle(candle: Any, previous: int | None) -> CandleValues:
    """One candle (timestamp, open, high, low, close, volume) by the rules of `Candles`.

    Errors carry no index: the caller moves them to the candle's place in its stream.
    """
    try:
        ts, o, h, l, c, v = candle
    except (TypeError, ValueError):
        raise TypeError(
            "a candle must be (timestamp, open, high, low, close, volume),"
            f" got {type(candle).__name__} {show(candle)}"
        ) from None
    ts = _stamp(ts)
    # The common case in one test: five floats with a finite sum are five finite floats.
    floats = type(o) is float and type(h) is float and type(l) is float and type(c) is float
    if not (floats and type(v) is float and math.isfinite(o + h + l + c + v)):
        o, h, l, c, v = (_price(f, x) for f, x in zip(FLOAT_FIELDS, (o, h, l, c, v), strict=True))
    for field, problem, test in RELATIONS:
        if test(o, h, l, c, v):
            raise InputError(field, problem)
    if previous is not None and not_after(ts, previous):
        raise not_increasing((), ts, previous)
    return ts, o, h, l, c, v
