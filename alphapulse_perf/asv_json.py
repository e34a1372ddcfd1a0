"""asv's JSON files read strictly: bytes decoded as UTF-8, NaN and Infinity told from overflow.

asv writes non-standard JSON: `NaN` (a skipped benchmark) and `Infinity` / `-Infinity` (the open
ends of a confidence interval from one sample, `asv run --quick`). Python's `json` reads them, but
it also turns a number beyond float range (`1e400`) into infinity, which no measurement can be.
The constants asv writes are therefore parsed into `Marker`, a float subclass: a value that is
infinite and *not* a `Marker` came from an overflowing number and is a data error.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

__all__ = ["JSONFileError", "Marker", "is_overflow", "read_json"]


class JSONFileError(ValueError):
    """A file that cannot be read as JSON; names the file and what is wrong."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


class Marker(float):
    """`NaN`, `Infinity` or `-Infinity` as written in the file (asv's markers)."""


_MARKERS = {"NaN": Marker("nan"), "Infinity": Marker("inf"), "-Infinity": Marker("-inf")}


def is_overflow(value: object) -> bool:
    """A float that is infinite although the file wrote a plain number (`1e400`)."""
    return isinstance(value, float) and math.isinf(value) and not isinstance(value, Marker)


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        keys = [k for k, _ in pairs]
        twice = next(k for k in keys if keys.count(k) > 1)
        raise ValueError(f"the key {twice!r} appears twice in one object")
    return data


def read_json(path: Path) -> Any:
    """The parsed content of `path`; every failure is a `JSONFileError` naming the file."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise JSONFileError(path, "is a directory, not a file") from None
    except OSError as err:
        raise JSONFileError(path, f"cannot be read ({err.strerror or err})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        raise JSONFileError(
            path,
            f"is not UTF-8 (byte {err.start}, line {line}: {raw[err.start : err.start + 1]!r})",
        ) from None
    try:
        return json.loads(
            text.removeprefix("\ufeff"),
            parse_constant=_MARKERS.__getitem__,
            object_pairs_hook=_no_duplicates,
        )
    except json.JSONDecodeError as err:
        raise JSONFileError(path, f"is not valid JSON (line {err.lineno}: {err.msg})") from None
    except ValueError as err:  # from _no_duplicates
        raise JSONFileError(path, f"is not valid JSON here ({err})") from None
    except RecursionError:
        raise JSONFileError(path, "is nested too deeply to be asv's") from None
