"""Files written whole or not at all: a temp file beside the target, then `os.replace`.

A reader (a person's viewer, another process polling the directory, a crash halfway) sees either
the previous file or the new one, never a torn one. The temp file lives in the target's directory
because `os.replace` is atomic only within one file system.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["write_atomic"]


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8) to `path` atomically; the parent directory must exist."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide captures from the people reading them
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return path
