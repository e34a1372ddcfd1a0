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
import re
from pathlib import Path
from typing import Any

__all__ = ["JSONFileError", "Marker", "is_overflow", "parse_json", "read_json"]


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


class _DuplicateKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refusing a key twice (json.loads would silently keep the last)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _DuplicateKey(key)
        found[key] = value
    return found


def read_json(path: Path) -> Any:
    """The parsed content of `path`; every failure is a `JSONFileError` naming the file."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise JSONFileError(path, "is a directory, not a file") from None
    except OSError as err:
        raise JSONFileError(path, f"cannot be read ({err.strerror or err})") from None
    return parse_json(path, raw)


def parse_json(path: Path, raw: bytes) -> Any:
    """`raw`, the bytes of `path`, decoded strictly (UTF-8, no key twice) and parsed."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        raise JSONFileError(
            path, f"is not UTF-8 text (byte offset {err.start}: {err.reason})"
        ) from None
    try:
        data = json.loads(
            text.removeprefix("\ufeff"),
            parse_constant=_MARKERS.__getitem__,
            object_pairs_hook=_no_duplicates,
        )
    except json.JSONDecodeError as err:
        raise JSONFileError(path, f"is not valid JSON (line {err.lineno}: {err.msg})") from None
    except _DuplicateKey as err:
        raise JSONFileError(
            path,
            f"the name {err.key!r} appears twice in one object (which one counts is undefined);"
            " keep one",
        ) from None
    except RecursionError:
        raise JSONFileError(path, "is nested too deeply to be asv's") from None
    if _SURROGATE_ESCAPE.search(text):  # rare: only then walk the data
        try:
            where = _lone_surrogate(data)
        except RecursionError:
            raise JSONFileError(path, "is nested too deeply to be asv's") from None
        if where is not None:
            raise JSONFileError(
                path, f"{where} holds a lone surrogate (a \\uD800-\\uDFFF escape): not text"
            )
    return data


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _lone_surrogate(data: Any, where: str = "the file") -> str | None:
    """Where a string of `data` (key or value) cannot be encoded: a `\\ud800` without its pair,
    which json accepts and which fails only later, when it is printed."""
    if isinstance(data, str):
        return where if not _encodable(data) else None
    items: Any = ()
    if isinstance(data, dict):
        for key in data:
            if not _encodable(key):
                return f"a name in {where}"
        items = ((f"{key!r}", value) for key, value in data.items())
    elif isinstance(data, list):
        items = ((f"index {k}", value) for k, value in enumerate(data))
    for name, value in items:
        found = _lone_surrogate(value, name if where == "the file" else f"{where} -> {name}")
        if found is not None:
            return found
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
