"""Named baselines (`release-1.0` -> a commit), kept in `baselines.json` next to asv's results.

File format (versioned so that a later change of shape is detected, not misread):

    {"version": 1, "baselines": {"release-1.0": {"commit": "<40 hex>"}}}

Version 1: the first format. The file is ours (asv ignores it); it is written atomically.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alphapulse_perf._files import write_atomic

__all__ = [
    "FORMAT_VERSION",
    "Baseline",
    "BaselineError",
    "baselines_path",
    "load_baselines",
    "remove_baseline",
    "save_baselines",
    "set_baseline",
]

FORMAT_VERSION = 1
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


class BaselineError(ValueError):
    """A baselines file that cannot be read, or a request it cannot answer."""


@dataclass(frozen=True)
class Baseline:
    name: str
    commit: str


def baselines_path(results_dir: Path) -> Path:
    return results_dir / "baselines.json"


def load_baselines(results_dir: Path) -> dict[str, Baseline]:
    """The named baselines (none when the file does not exist yet)."""
    path = baselines_path(results_dir)
    if not path.exists():
        return {}
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise BaselineError(f"{path}: cannot be read ({err.strerror})") from None
    except json.JSONDecodeError as err:
        raise BaselineError(f"{path}: is not valid JSON (line {err.lineno}: {err.msg})") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION:
        found = data.get("version") if isinstance(data, dict) else None
        raise BaselineError(f"{path}: format version {found!r}; this reader knows {FORMAT_VERSION}")
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


def save_baselines(results_dir: Path, baselines: dict[str, Baseline]) -> Path:
    data = {
        "version": FORMAT_VERSION,
        "baselines": {n: {"commit": baselines[n].commit} for n in sorted(baselines)},
    }
    path = baselines_path(results_dir)
    try:
        return write_atomic(path, json.dumps(data, indent=2) + "\n")
    except OSError as err:
        raise BaselineError(f"{path}: cannot be written ({err.strerror})") from None


def set_baseline(results_dir: Path, name: str, commit: str) -> Baseline:
    """Name `commit` (a full hash) `name`, replacing an earlier baseline of that name."""
    if not _NAME.match(name):
        raise BaselineError(
            f"baseline name {name!r}: use letters, digits and . _ / -"
            " (starting with a letter or a digit)"
        )
    if not _COMMIT.match(commit):
        raise BaselineError(f"baseline {name!r}: {commit!r} is not a full commit hash")
    if not results_dir.is_dir():
        raise BaselineError(f"{results_dir}: is not a directory (the asv results)")
    baselines = load_baselines(results_dir)
    baselines[name] = Baseline(name, commit)
    save_baselines(results_dir, baselines)
    return baselines[name]


def remove_baseline(results_dir: Path, name: str) -> Baseline:
    baselines = load_baselines(results_dir)
    if name not in baselines:
        known = ", ".join(sorted(baselines)) or "none"
        raise BaselineError(
            f"no baseline named {name!r} in {baselines_path(results_dir)}; known: {known}"
        )
    removed = baselines.pop(name)
    save_baselines(results_dir, baselines)
    return removed
