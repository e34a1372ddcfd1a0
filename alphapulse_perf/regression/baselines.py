"""Named baselines (`release-1.0` -> a commit), kept in `baselines.json` next to asv's results.

File format (versioned so that a later change of shape is detected, not misread):

    {"version": 1, "baselines": {"release-1.0": {"commit": "<40 hex>"}}}

Version 1: the first format. The file is ours (asv ignores it).

Two writers at once (two CI jobs, a person and a script) must not lose each other's names: a
change is a read-modify-write under an exclusive `flock` of `.baselines.json.lock` beside it (a file
of its own: each write renames a new file over baselines.json, so a lock on that inode would guard
nothing), written with `alphapulse_perf._files.write_atomic`, so a writer killed at any moment
leaves the old file or the new one.

Reading guesses nothing: a link (even to a good file), anything but a regular file, bytes that are
not UTF-8 and a name twice in one object (plain JSON keeps the last) are errors naming the file,
never taken as "no baselines yet".
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alphapulse_perf._files import write_atomic
from alphapulse_perf.results.asv_json import JSONFileError, parse_json

__all__ = [
    "FORMAT_VERSION",
    "Baseline",
    "BaselineError",
    "baselines_path",
    "load_baselines",
    "lock_path",
    "remove_baseline",
    "save_baselines",
    "set_baseline",
]

FORMAT_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")
_KINDS = {stat.S_IFDIR: "a directory", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket"}
_ONLY_REGULAR = "the helper only reads and writes a regular file there"


class BaselineError(ValueError):
    """A baselines file that cannot be read, or a request it cannot answer."""


@dataclass(frozen=True)
class Baseline:
    name: str
    commit: str


def baselines_path(results_dir: Path) -> Path:
    return results_dir / "baselines.json"


def lock_path(results_dir: Path) -> Path:
    """The lock of the baselines file: a file of its own (each write swaps the data's inode)."""
    return results_dir / ".baselines.json.lock"


@contextlib.contextmanager
def _locked(results_dir: Path) -> Iterator[None]:
    """Hold the exclusive lock of `results_dir`'s baselines file (released at exit, or death)."""
    if not results_dir.is_dir():
        raise BaselineError(f"{results_dir}: is not a directory (the asv results)")
    path = lock_path(results_dir)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError as err:
        raise BaselineError(
            f"{path}: cannot be opened to lock {baselines_path(results_dir)} ({err.strerror})"
        ) from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for another writer's read-modify-write
        yield
    finally:
        os.close(fd)  # which releases the lock


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes; None when there is none. Anything but a regular file is refused."""
    try:
        found = os.lstat(path)  # not exists(): a dangling link or a loop is not "no file"
    except FileNotFoundError:
        return None
    except OSError as err:
        raise BaselineError(f"{path}: cannot be read ({err.strerror})") from None
    if stat.S_ISLNK(found.st_mode):
        target = ""
        with contextlib.suppress(OSError):
            target = f" to {os.readlink(path)}"
        raise BaselineError(f"{path}: is a symbolic link{target}; {_ONLY_REGULAR}")
    if not stat.S_ISREG(found.st_mode):
        kind = _KINDS.get(stat.S_IFMT(found.st_mode), "a device")
        raise BaselineError(f"{path}: is not a regular file ({kind}); {_ONLY_REGULAR}")
    # O_NOFOLLOW, O_NONBLOCK: a link or FIFO swapped in since the lstat: not followed, no wait.
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK)
        with os.fdopen(fd, "rb") as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise BaselineError(f"{path}: is not a regular file; {_ONLY_REGULAR}")
            raw = stream.read()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise BaselineError(f"{path}: cannot be read ({err.strerror})") from None
    return raw


def load_baselines(results_dir: Path) -> dict[str, Baseline]:
    """The named baselines (none when the file does not exist yet)."""
    path = baselines_path(results_dir)
    raw = _read_bytes(path)
    if raw is None:
        return {}
    try:
        data: Any = parse_json(path, raw)
    except JSONFileError as err:
        raise BaselineError(str(err)) from None
    version = data.get("version") if isinstance(data, dict) else None
    if version != FORMAT_VERSION or isinstance(version, bool):  # True == 1 in Python
        raise BaselineError(
            f"{path}: format version {version!r}; this reader knows {FORMAT_VERSION}"
        )
    entries = data.get("baselines")
    if not isinstance(entries, dict):
        raise BaselineError(f"{path}: 'baselines' should be an object of name -> {{commit}}")
    found_baselines = {}
    for name, entry in entries.items():
        commit = entry.get("commit") if isinstance(entry, dict) else None
        if not isinstance(commit, str) or not _COMMIT.match(commit):
            raise BaselineError(f"{path}: baseline {name!r} should have a 40-hex 'commit'")
        found_baselines[name] = Baseline(name, commit)
    return found_baselines


def _save(results_dir: Path, baselines: dict[str, Baseline]) -> Path:
    """Write the file whole (the caller holds the lock)."""
    data = {
        "version": FORMAT_VERSION,
        "baselines": {n: {"commit": baselines[n].commit} for n in sorted(baselines)},
    }
    path = baselines_path(results_dir)
    try:
        return write_atomic(path, json.dumps(data, indent=2) + "\n")
    except OSError as err:
        raise BaselineError(f"{path}: cannot be written ({err.strerror})") from None


def save_baselines(results_dir: Path, baselines: dict[str, Baseline]) -> Path:
    """Replace every baseline by `baselines` (set_baseline and remove_baseline change one)."""
    with _locked(results_dir):
        return _save(results_dir, baselines)


def set_baseline(results_dir: Path, name: str, commit: str) -> Baseline:
    """Name `commit` (a full hash) `name`, replacing an earlier baseline of that name."""
    if not _NAME.match(name):
        raise BaselineError(
            f"baseline name {name!r}: use letters, digits and . _ / -"
            " (starting with a letter or a digit)"
        )
    if not _COMMIT.match(commit):
        raise BaselineError(f"baseline {name!r}: {commit!r} is not a full commit hash")
    with _locked(results_dir):  # read-modify-write: another writer's name is never lost
        baselines = load_baselines(results_dir)
        baselines[name] = Baseline(name, commit)
        _save(results_dir, baselines)
    return baselines[name]


def remove_baseline(results_dir: Path, name: str) -> Baseline:
    with _locked(results_dir):
        baselines = load_baselines(results_dir)
        if name not in baselines:
            known = ", ".join(sorted(baselines)) or "none"
            raise BaselineError(
                f"no baseline named {name!r} in {baselines_path(results_dir)}; known: {known}"
            )
        removed = baselines.pop(name)
        _save(results_dir, baselines)
    return removed
