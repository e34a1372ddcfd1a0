"""A temporary clone of this repository for tests that run real asv over real commits.

Two commits on top of main: the first carries today's suite and asv.conf.json (asv applies the
working tree's benchmarks to every commit), the second makes pattern detection three times the work
(it runs it three times: real computation, not a sleep). HOME points into the temporary directory,
so asv's machine file and anything else it keeps per user never reach the user's home.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SLOWER = """

# --- tests/asv_clone.py: the same detection, three times over (real work, not a sleep) ---
_detect_patterns_once = detect_patterns


def detect_patterns(open, high, low, close, names=None):  # type: ignore[no-redef]
    for _ in range(3):
        result = _detect_patterns_once(open, high, low, close, names)
    return result
"""


@dataclass(frozen=True)
class Clone:
    repo: Path
    home: Path
    env: dict[str, str]  # os.environ with HOME and a git identity for the clone
    fast: str  # today's suite on main
    slow: str  # the same with pattern detection three times over


def git(repo: Path, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def make_clone(base: Path, extra_benchmarks: dict[str, str] | None = None) -> Clone:
    """Clone main into `base/repo`, commit today's suite (plus `extra_benchmarks`, file name to
    source), then the slower commit."""
    home = base / "home"
    home.mkdir()
    repo = base / "repo"
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t"}
    env = {**os.environ, "HOME": str(home), **identity,
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    git(base, env, "clone", "--quiet", "--branch", "main", str(ROOT), str(repo))
    for name in ("benchmarks", "asv.conf.json"):
        source, target = ROOT / name, repo / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    for file_name, text in (extra_benchmarks or {}).items():
        (repo / "benchmarks" / file_name).write_text(text)
    shutil.rmtree(repo / "results", ignore_errors=True)
    git(repo, env, "add", "-A")
    git(repo, env, "commit", "--quiet", "--allow-empty", "-m", "suite of the working tree")
    fast = git(repo, env, "rev-parse", "HEAD")
    patterns = repo / "alphapulse" / "patterns" / "__init__.py"
    patterns.write_text(patterns.read_text() + SLOWER)
    git(repo, env, "commit", "--quiet", "-am", "slower pattern detection")
    return Clone(repo, home, env, fast, git(repo, env, "rev-parse", "HEAD"))
