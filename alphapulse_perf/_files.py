"""The helper's one way to write a file, and the one place it never writes.

`write_atomic` writes whole or not at all, and durably: a temp file in the target's folder (where
`os.replace` is atomic: one file system), written, flushed and fsynced, renamed over the target,
then the folder fsynced so that the rename itself survives a power cut. A reader (a person's
viewer, a process polling the folder, the helper after a crash or a SIGKILL) sees the previous file
or the new one, never a torn or empty one. Every writer of alphapulse_perf goes through here, so
there is one set of guarantees to reason about, not one per module.

`refuse_inside` guards the asv results folder: asv owns it (benchmarks.json, <machine>/*.json), and
a report written there by `--output results/benchmarks.json` would destroy asv's data. The helper's
own baselines file is the one exception, and it is not written through that check.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

__all__ = [
    "NEW_FILE_MODE",
    "OutputError",
    "fsync_folder",
    "refuse_inside",
    "write_atomic",
    "write_temp",
]

NEW_FILE_MODE = 0o644  # readable by the people (and web servers) looking at the outputs
# A folder fsync that the file system does not do is not an error: the rename has happened.
_NO_FOLDER_FSYNC = frozenset({errno.EINVAL, errno.ENOTSUP, errno.EBADF})


class OutputError(ValueError):
    """An output path the helper refuses to write (the message names it and says why)."""


def _mode_for(path: Path) -> int:
    """The permissions the new file takes: those of the regular file it replaces, else 0644."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return NEW_FILE_MODE
    # A link is replaced by a regular file, not written through: its own mode (0777) is no guide.
    return stat.S_IMODE(found.st_mode) & 0o777 if stat.S_ISREG(found.st_mode) else NEW_FILE_MODE


def fsync_folder(folder: Path) -> None:
    """Make the entries of `folder` (a rename, a new link) durable."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    except OSError as err:
        if err.errno not in _NO_FOLDER_FSYNC:
            raise
    finally:
        os.close(fd)


def write_temp(folder: Path, data: bytes | str, prefix: str, mode: int = NEW_FILE_MODE) -> Path:
    """`data` (text as UTF-8) in a new, fsynced temp file of `folder`; the caller renames it.

    For writers that claim a name their own way (capture_files hard-links it into place); the
    temp file is removed if writing it fails, and is the caller's to remove afterwards.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, name = tempfile.mkstemp(prefix=f".{prefix}.", suffix=".tmp", dir=folder)
    try:
        os.fchmod(fd, mode)  # explicit: mkstemp's 0600 would hide the file; no umask involved
        with os.fdopen(fd, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise
    return Path(name)


def write_atomic(path: Path, data: bytes | str) -> Path:
    """Write `data` (text as UTF-8) to `path` atomically and durably; its folder must exist.

    An existing regular file keeps its permissions; a new file gets 0644. On any failure the
    target is left as it was and no temp file remains.
    """
    temp = write_temp(path.parent, data, path.name, _mode_for(path))
    try:
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    fsync_folder(path.parent)
    return path


def refuse_inside(path: Path, results_dir: Path, option: str = "--output") -> None:
    """Raise OutputError if `path` is the asv results folder or anything under it.

    Both are resolved first (links and `..` followed, the path need not exist), so neither
    `results/../results/x` nor a link to the folder slips through.
    """
    target, results = path.resolve(strict=False), results_dir.resolve(strict=False)
    if target == results or results in target.parents:
        raise OutputError(
            f"{option} {path}: is inside the asv results folder {results_dir}/;"
            " the helper never writes there (asv owns it)"
        )
