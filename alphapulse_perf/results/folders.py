"""Where asv keeps its results: the machines, their descriptions and their run files.

Listing a folder that cannot be read (permission denied) is an error, never an empty answer.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from alphapulse_perf.results.cells import read_json_file
from alphapulse_perf.results.records import ResultsError

__all__ = ["commit_prefix", "machine_info", "machines", "run_files"]


def machines(results_dir: Path) -> list[str]:
    """The machines with a `machine.json` under `results_dir`."""
    if not results_dir.is_dir():
        raise ResultsError(results_dir, "is not a directory")
    found = []
    for folder in _listing(results_dir):
        described = folder / "machine.json"
        if described.is_symlink() or (described.exists() and not described.is_file()):
            raise ResultsError(described, "is not a regular file (asv writes one there)")
        if described.is_file():
            machine_info(described)
            found.append(folder.name)
    return found


def machine_info(path: Path) -> dict[str, str]:
    """A `machine.json`: asv's description of the host (`cpu`, `num_cpu`, `ram`, `os`...), all
    strings, with `"version": 1`."""
    data = read_json_file(path)
    if not isinstance(data, dict):
        raise ResultsError(path, "should hold an object describing the machine")
    version = data.get("version")
    if version != 1 or isinstance(version, bool):
        raise ResultsError(path, f"has machine format version {version!r}; asv writes 1")
    info = {key: value for key, value in data.items() if key != "version"}
    for key, value in info.items():
        if not isinstance(value, str):
            raise ResultsError(path, f"key {key!r} should be a string, got {value!r}")
    return info


def _listing(folder: Path) -> list[Path]:
    """The entries of `folder`; unlike `glob`, which sees nothing, a folder that cannot be read
    (permission denied) is an error, and so is a machine folder inside it that cannot."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as err:
        raise ResultsError(folder, f"cannot be listed ({err.strerror or err})") from None
    for entry in entries:
        if entry.is_dir() and not os.access(entry, os.R_OK | os.X_OK):
            raise ResultsError(entry, "cannot be listed (permission denied)")
    return entries


_RUN_FILE = re.compile(r"[^.].*-.*\.json")


def run_files(results_dir: Path, machine: str | None = None) -> list[Path]:
    """Every run file (`<commit>-<env>.json`) of one machine, or of every machine."""
    chosen = [machine] if machine else machines(results_dir)
    files = []
    for name in chosen:
        folder = results_dir / name
        if not (folder / "machine.json").is_file():
            raise ResultsError(folder, "has no machine.json: not a machine of these results")
        # `<commit>-<env>.json` (not machine.json), as asv's own glob finds them
        files += [p for p in _listing(folder) if _RUN_FILE.fullmatch(p.name)]
    return files


def commit_prefix(path: Path) -> str:
    """The commit hash a run file's name starts with (asv's `hash_length` characters)."""
    return path.name.split("-", 1)[0]
