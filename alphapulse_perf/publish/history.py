"""`alphapulse-perf publish`: asv's HTML history (`asv publish`), then made to open offline.

asv's page loads its JavaScript from CDNs; `offline_html` vendors the same libraries from npm
packages (cached), so the published folder works without a network too.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alphapulse_perf.publish.offline_html import make_offline
from alphapulse_perf.publish.vendor import OfflineHtmlError

__all__ = ["PublishError", "publish_history"]


class PublishError(RuntimeError):
    """asv could not publish, or the page could not be made to open offline."""


def publish_history(repo: Path, html: Path, cache: Path, *, show_progress: bool) -> list[Path]:
    """Run `asv publish` in `repo`, then vendor the page's JavaScript; the files vendoring wrote.

    asv's own output goes to stderr when `show_progress`, else nowhere (on failure, its last
    lines are in the error)."""
    done = subprocess.run(
        [sys.executable, "-m", "asv", "publish"], cwd=repo, check=False,
        stdout=sys.stderr if show_progress else subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    if done.returncode != 0:
        tail = "\n".join((done.stdout or "").splitlines()[-15:])
        raise PublishError(f"asv publish exited {done.returncode}" + (f":\n{tail}" if tail else ""))
    try:
        return make_offline(repo / html, cache)
    except OfflineHtmlError as err:
        raise PublishError(f"the history was published, but still needs CDNs: {err}") from None
