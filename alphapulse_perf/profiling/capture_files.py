"""Writing captures: `NAME-N.prof` (pstats data) and `NAME-N.txt` (its summary), never colliding.

`N` is the first number free in the directory. It is claimed by hard-linking the finished `.prof`
into place (`os.link` fails when the name exists), so two threads or processes writing captures of
the same name into one directory each get their own, and a reader never sees a half-written file.
Where the file system has no hard links, an exclusively created placeholder claims the name first.
The `.prof` is written and fsynced as a temp file by `alphapulse_perf._files`, like every output.
"""

from __future__ import annotations

import contextlib
import errno
import marshal
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alphapulse_perf._files import write_atomic, write_temp
from alphapulse_perf.profiling.capture import capture_from_stats
from alphapulse_perf.profiling.text import render_summary

__all__ = ["CapturePaths", "capture_name", "write_capture"]

_UNSAFE = re.compile(r"[^A-Za-z0-9._()=,+-]+")
_next_number: dict[tuple[str, str], int] = {}
_next_lock = threading.Lock()


@dataclass(frozen=True)
class CapturePaths:
    prof: Path
    txt: Path


def capture_name(name: str) -> str:
    """`name` made safe as a file name: runs of other characters become `_`."""
    safe = _UNSAFE.sub("_", name).strip("._")
    if not safe:
        raise ValueError(f"capture name {name!r} has no usable characters")
    return safe


def _claim(temp: Path, out_dir: Path, name: str) -> Path:
    """Move the finished `temp` to `out_dir/name-N.prof` for the first free N; return that path."""
    hint = (str(out_dir.resolve()), name)
    with _next_lock:
        number = _next_number.get(hint, 1)
    while True:
        target = out_dir / f"{name}-{number}.prof"
        try:
            os.link(temp, target)
        except FileExistsError:
            number += 1
            continue
        except OSError as err:
            if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            try:  # no hard links here: claim the name with an exclusive placeholder
                os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
            except FileExistsError:
                number += 1
                continue
            os.replace(temp, target)
        with _next_lock:
            _next_number[hint] = max(_next_number.get(hint, 1), number + 1)
        return target


def write_capture(
    stats: Mapping[Any, Any], out_dir: Path, name: str, top: int = 25, title: str | None = None
) -> CapturePaths:
    """Write pstats `stats` as `out_dir/NAME-N.prof` and its summary `NAME-N.txt`.

    The directory is created here, on first use. The `.prof` is what `pstats.Stats.dump_stats`
    writes (a marshalled dictionary): pstats, snakeviz and `alphapulse-perf profile-diff` read it.
    """
    safe = capture_name(name)
    out_dir.mkdir(parents=True, exist_ok=True)
    temp = write_temp(out_dir, marshal.dumps(dict(stats)), safe)  # fsynced before it is named
    try:
        prof = _claim(temp, out_dir, safe)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    txt = prof.with_suffix(".txt")
    summary = render_summary(capture_from_stats(stats, str(prof)), top, title or prof.stem)
    write_atomic(txt, summary)  # its fsync of out_dir also makes the .prof's new name durable
    return CapturePaths(prof, txt)
