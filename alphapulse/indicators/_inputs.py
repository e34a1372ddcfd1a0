"""Argument checks of the indicator functions, one function per kind, every error naming its
argument; and the 2-D rows every computation works on."""

from __future__ import annotations

import math
from numbers import Integral, Real

import numpy as np
from numpy.typing import ArrayLike, NDArray

Float = NDArray[np.float64]

MAX_PERIOD = 100_000  # TA-Lib's upper bound on every period
MAX_MULTIPLIER = 3e37  # TA-Lib's TA_REAL_MAX, the bound on the band multipliers


def as_series(name: str, values: ArrayLike) -> Float:
    """`values` as a float64 array (no copy when it already is one), 1-D or 2-D."""
    arr = np.asarray(values)
    if arr.dtype.kind not in "iuf":
        raise ValueError(
            f"`{name}` must be a 1-D or 2-D array of real numbers, got dtype {arr.dtype}"
        )
    if arr.ndim not in (1, 2):
        raise ValueError(f"`{name}` must be a 1-D or 2-D array of real numbers, got {arr.ndim}-D")
    return arr if arr.dtype == np.float64 else arr.astype(np.float64)


def as_candles(**series: ArrayLike) -> list[Float]:
    """Several series that must share one shape (high, low, close...), checked in order."""
    names = list(series)
    arrays = [as_series(name, values) for name, values in series.items()]
    for name, arr in zip(names[1:], arrays[1:], strict=True):
        if arr.shape != arrays[0].shape:
            raise ValueError(
                f"`{name}` has shape {arr.shape}, but `{names[0]}` has shape {arrays[0].shape}: "
                "they must have one shape"
            )
    return arrays


def as_period(name: str, value: object, minimum: int) -> int:
    """An integer period in TA-Lib's range `[minimum, 100000]`."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Integral):
        raise ValueError(f"`{name}` must be an integer >= {minimum}, got {value!r}")
    period = int(value)
    if not minimum <= period <= MAX_PERIOD:
        raise ValueError(f"`{name}` must be >= {minimum} and <= {MAX_PERIOD}, got {period}")
    return period


def as_multiplier(name: str, value: object) -> float:
    """A finite band multiplier within TA-Lib's +-3e37."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, Real):
        raise ValueError(f"`{name}` must be a real number, got {value!r}")
    number = float(value)
    if not (math.isfinite(number) and abs(number) <= MAX_MULTIPLIER):
        raise ValueError(f"`{name}` must be finite and within +-{MAX_MULTIPLIER:g}, got {number}")
    return number


def quiet() -> np.errstate:
    """numpy's floating-point warnings off, around every computation: TA-Lib propagates NaN and
    inf without a word, and VOLUME_RATIO is NaN (0/0) on a window of zero volumes."""
    return np.errstate(all="ignore")


def rows(arr: Float) -> Float:
    """The series as C-contiguous rows, one for 1-D: each row is then reduced alike."""
    return np.ascontiguousarray(arr.reshape(1, -1) if arr.ndim == 1 else arr)


def full(valid: Float, shape: tuple[int, ...]) -> Float:
    """The values of the last `valid.shape[1]` candles as an output of `shape`, NaN before."""
    n = shape[-1]
    out = np.full((valid.shape[0], n), np.nan)
    out[:, n - valid.shape[1] :] = valid
    return out.reshape(shape)
