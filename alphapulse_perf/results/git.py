"""The few git questions the helper asks: which commit a revision names."""

from __future__ import annotations

import subprocess
from pathlib import Path


class RevisionError(ValueError):
    """A revision git does not know."""


def resolve(rev: str, repo: Path) -> str:
    """The full commit hash `rev` names in `repo`."""
    done = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RevisionError(f"git does not know the revision {rev!r} in {repo}")
    return done.stdout.strip()


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=False)


def commits_between(good: str, bad: str, repo: Path) -> list[str]:
    """`good`, then each commit on the first-parent path up to `bad` (full hashes, oldest
    first): the range a bisection searches."""
    if _git(repo, "merge-base", "--is-ancestor", good, bad).returncode != 0:
        raise RevisionError(f"{good[:8]} is not an ancestor of {bad[:8]} in {repo}")
    done = _git(
        repo, "rev-list", "--reverse", "--first-parent", "--ancestry-path", f"{good}..{bad}"
    )
    if done.returncode != 0:
        raise RevisionError(f"git rev-list {good[:8]}..{bad[:8]}: {done.stderr.strip()}")
    return [good, *done.stdout.split()]
