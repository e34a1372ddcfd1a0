"""The committed reference history stays true to the suite and to the core it measured.

A newcomer's `asv publish` draws `results/reference/` with the benchmark list of
`results/benchmarks.json`: a benchmark missing from that list has no graph, and a core commit
without reference results is a hole in every series. README's "Committed results" says how to
regenerate both.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from alphapulse_perf.results.suite import suite_names

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "results" / "reference"
REGENERATE = "regenerate them (README, 'Committed results')"
# What asv's discovery decides about a benchmark; the rest of an entry (code, timeouts) follows.
FIELDS = ("version", "type", "unit", "param_names", "params")


def _listed() -> dict[str, Any]:
    listed = json.loads((ROOT / "results" / "benchmarks.json").read_text(encoding="utf-8"))
    return {name: entry for name, entry in listed.items() if name != "version"}


def _discovered() -> dict[str, Any]:
    from asv_runner.discovery import disc_benchmarks

    names = set(suite_names(ROOT / "benchmarks"))
    found = {b.name: b for b in disc_benchmarks(str(ROOT / "benchmarks"))}
    assert names == set(found)
    return found


def _git(*args: str) -> str:
    try:
        out = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True, timeout=30
        )
    except (OSError, subprocess.CalledProcessError) as err:
        pytest.skip(f"no git history here ({err})")
    return out.stdout


def test_benchmarks_json_lists_every_benchmark_the_suite_defines() -> None:
    listed = _listed()
    missing = sorted(set(_discovered()) - set(listed))
    assert not missing, f"results/benchmarks.json lacks {missing}: {REGENERATE}"


def test_benchmarks_json_lists_nothing_the_suite_dropped() -> None:
    extra = sorted(set(_listed()) - set(_discovered()))
    assert not extra, f"results/benchmarks.json lists {extra}, gone from the suite: {REGENERATE}"


def test_benchmarks_json_matches_each_benchmark_as_discovered() -> None:
    listed = _listed()
    stale = []
    for name, bench in sorted(_discovered().items()):
        today = {
            "version": bench.version,
            "type": bench.type,
            "unit": bench.unit,
            "param_names": list(bench.param_names),
            "params": [list(values) for values in bench.params],
        }
        recorded = {field: listed.get(name, {}).get(field) for field in FIELDS}
        if name in listed and recorded != today:
            fields = [f for f in FIELDS if recorded[f] != today[f]]
            stale.append(f"{name} ({', '.join(fields)})")
    assert not stale, f"results/benchmarks.json is stale for {stale}: {REGENERATE}"


def _measured() -> set[str]:
    """The commits (full hashes) that have reference results."""
    return {
        json.loads(path.read_text(encoding="utf-8"))["commit_hash"]
        for path in REFERENCE.glob("*-*.json")
    }


def test_every_commit_that_changed_the_core_or_the_suite_has_reference_results() -> None:
    changed = _git("log", "--format=%H", "HEAD", "--", "alphapulse/", "benchmarks/").split()
    assert changed, "git log finds no commit that changed alphapulse/ or benchmarks/"
    head = _git("rev-parse", "HEAD").strip()
    # The commit that changes the core cannot hold its own results: the next one brings them.
    due = [commit for commit in changed if commit != head]
    missing = [commit[:8] for commit in due if commit not in _measured()]
    assert not missing, f"results/reference/ has no results for {missing}: {REGENERATE}"


def test_the_newest_core_commit_is_measured_with_the_whole_suite() -> None:
    newest = _git("log", "-1", "--format=%H", "HEAD", "--", "alphapulse/").strip()
    if newest == _git("rev-parse", "HEAD").strip():
        pytest.skip("HEAD changed the core; its reference results come with the next commit")
    paths = REFERENCE.glob(f"{newest[:8]}-*.json")
    runs = [json.loads(path.read_text(encoding="utf-8")) for path in paths]
    assert runs, f"results/reference/ has no results for {newest[:8]}: {REGENERATE}"
    names = {name for run in runs for name in run["results"]}
    # Instruction counts need valgrind; the reference host has it, so they are part of the suite.
    missing = sorted(set(_discovered()) - names)
    assert not missing, f"reference results of {newest[:8]} lack {missing}: {REGENERATE}"


def test_the_reference_machine_file_describes_a_host() -> None:
    machine = json.loads((REFERENCE / "machine.json").read_text(encoding="utf-8"))
    for field in ("machine", "cpu", "num_cpu", "arch", "os", "ram"):
        assert machine.get(field), f"results/reference/machine.json has no '{field}': {REGENERATE}"
