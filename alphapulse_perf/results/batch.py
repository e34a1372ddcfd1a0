"""A fresh batch of asv measurements: a few benchmarks at a few commits, in a results folder of its
own, so that asv's stored history is never touched.

asv is run as the pull-request workflow runs it (samples recorded, rounds interleaved across the
commits), with a copy of the repository's `asv.conf.json` whose only changes are the results
folder (and the HTML folder, unused) and its paths made absolute (asv runs from its config
file's folder): the environments are asv's own, shared with `asv run`, so a batch builds
nothing that is already built.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from alphapulse_perf._asv import environment_spec, from_asv
from alphapulse_perf._files import write_atomic

__all__ = ["BatchError", "measure_batch"]

ASV_CONFIG = "asv.conf.json"
LOG = "asv.log"


class BatchError(RuntimeError):
    """asv could not measure the batch (not a benchmark failing: asv stores that as null)."""


def _config_copy(repo: Path, folder: Path) -> tuple[Path, str]:
    """asv.conf.json with its results (and HTML) folder moved into `folder`; and its
    environment type."""
    load_json = from_asv("asv.util", "load_json")  # asv's reader: it allows comments
    user_error = from_asv("asv.util", "UserError")
    try:
        config = load_json(str(repo / ASV_CONFIG), js_comments=True)
    except (OSError, ValueError, user_error) as err:
        raise BatchError(f"{repo / ASV_CONFIG}: cannot be read by asv ({err})") from None
    # asv runs from its config file's folder: every path it holds is made absolute, and the
    # results (and HTML) folders move into `folder`.
    root = repo.resolve()
    for key, default in (("repo", "."), ("benchmark_dir", "benchmarks"), ("env_dir", "env")):
        value = str(config.get(key, default))
        config[key] = value if "://" in value else str(root / value)  # a repo may be a URL
    config["results_dir"] = str((folder / "results").resolve())
    config["html_dir"] = str((folder / "html").resolve())
    path = folder / ASV_CONFIG
    folder.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(config, indent=2) + "\n")
    return path, str(config.get("environment_type", "virtualenv"))


def measure_batch(
    repo: Path,
    commits: Sequence[str],
    benchmarks: Sequence[str],
    *,
    machine: str,
    rounds: int,
    folder: Path,
    show_progress: bool = False,
) -> float:
    """Measure `benchmarks` (asv names, `name(p1, p2)`) at `commits` into `folder`/results.

    asv's output goes to stderr when `show_progress`, else to `folder`/asv.log. Returns the wall
    time it took, in seconds. A benchmark that fails is stored as asv's null, not an error.
    """
    config, environment_type = _config_copy(repo, folder)
    hashes = folder / "commits.txt"
    write_atomic(hashes, "".join(f"{c}\n" for c in commits))
    selection = [arg for name in benchmarks for arg in ("-b", f"^{re.escape(name)}$")]
    command = [
        sys.executable, "-m", "asv", "--config", str(config.resolve()), "run",
        "--machine", machine, "-E", environment_spec(environment_type),
        "--record-samples", "--interleave-rounds", "-a", f"rounds={rounds}",
        *selection, f"HASHFILE:{hashes.resolve()}",
    ]  # fmt: skip
    start = time.monotonic()
    log = folder / LOG
    with log.open("w") as out:
        sink = sys.stderr if show_progress else out
        done = subprocess.run(command, cwd=repo, stdout=sink, stderr=subprocess.STDOUT, check=False)
    seconds = time.monotonic() - start
    if done.returncode not in (0, 2):  # 2: a benchmark failed, which the check reports
        tail = "" if show_progress else "\n" + "\n".join(log.read_text().splitlines()[-15:])
        raise BatchError(f"asv run exited {done.returncode} measuring {folder}{tail}")
    return seconds
