"""A temporary clone of this repository in which real asv runs over real commits.

Used by the tests that run asv end to end and by the checker's measurements
(scripts/measure_checker.py). The first commit on top of main carries today's suite and
asv.conf.json (asv applies the working tree's benchmarks to every commit); later commits are
variants of that tree, each made from the suite commit's files, so they do not accumulate. HOME
points into the temporary directory, so asv's machine file and anything else it keeps per user
never reach the user's home.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SLOWER = """

# --- scripts/asv_clone.py: the same detection, three times over (real work, not a sleep) ---
_detect_patterns_once = detect_patterns


def detect_patterns(open, high, low, close, names=None):  # type: ignore[no-redef]
    for _ in range(3):
        result = _detect_patterns_once(open, high, low, close, names)
    return result
"""


@dataclass(frozen=True)
class Sandbox:
    repo: Path
    home: Path
    env: dict[str, str]  # os.environ with HOME and a git identity for the clone
    suite: str  # the commit carrying today's suite on top of main

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.repo, env=self.env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {done.stderr}")
        return done.stdout.strip()

    def original(self, path: str) -> str:
        """`path` as the suite commit has it."""
        return self.git("show", f"{self.suite}:{path}") + "\n"

    def commit(self, message: str, files: Mapping[str, str] | None = None) -> str:
        """A commit of the suite commit's tree with `files` (path to text) rewritten; without
        any it is empty (the same tree again); returns its hash."""
        self.git("checkout", "--quiet", self.suite, "--", ".")
        for path, text in (files or {}).items():
            (self.repo / path).write_text(text)
        self.git("commit", "--quiet", "--allow-empty", "-am", message)
        return self.git("rev-parse", "HEAD")


def make_sandbox(base: Path, extra_benchmarks: Mapping[str, str] | None = None) -> Sandbox:
    """Clone main into `base/repo` and commit today's suite (plus `extra_benchmarks`, file name to
    source) on top."""
    home = base / "home"
    home.mkdir()
    repo = base / "repo"
    identity = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t"}
    env = {**os.environ, "HOME": str(home), **identity,
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@t"}  # fmt: skip
    subprocess.run(
        ["git", "clone", "--quiet", "--branch", "main", str(ROOT), str(repo)],
        env=env, check=True, capture_output=True,
    )  # fmt: skip
    for name in ("benchmarks", "asv.conf.json", "pyproject.toml"):
        source, target = ROOT / name, repo / name
        if source.is_dir():
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target)
    for file_name, text in (extra_benchmarks or {}).items():
        (repo / "benchmarks" / file_name).write_text(text)
    shutil.rmtree(repo / "results", ignore_errors=True)
    sandbox = Sandbox(repo, home, env, "")
    sandbox.git("add", "-A")
    sandbox.git("commit", "--quiet", "--allow-empty", "-m", "suite of the working tree")
    return Sandbox(repo, home, env, sandbox.git("rev-parse", "HEAD"))


@dataclass(frozen=True)
class Clone:
    repo: Path
    home: Path
    env: dict[str, str]
    fast: str  # today's suite on main
    same: str  # an empty commit on top: the same tree again (an A/A pair with `fast`)
    slow: str  # the same with pattern detection three times over


def make_clone(base: Path, extra_benchmarks: Mapping[str, str] | None = None) -> Clone:
    """The sandbox with two more commits: an empty one, then slower pattern detection."""
    box = make_sandbox(base, extra_benchmarks)
    same = box.commit("nothing changed")
    patterns = "alphapulse/patterns/__init__.py"
    slow = box.commit("slower pattern detection", {patterns: box.original(patterns) + SLOWER})
    return Clone(box.repo, box.home, box.env, box.suite, same, slow)
