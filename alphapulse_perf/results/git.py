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
