"""Sharded against whole: does a suite measured by N runners and merged check as the whole does?

In a temporary clone (scripts/asv_clone.py: today's suite, and a commit whose pattern detection
runs three times over), base and head are measured the way the pull-request workflow measures them
(timings: 4 interleaved rounds a side with samples; counts: one round), once whole under machine
`whole`, and once as N shards, one after the other, each under its own machine name into a folder
of its own, as N runners would. The shards' folders are merged with `alphapulse-perf merge`, and
both are checked. Printed: the statuses of every benchmark in both checks, the instruction counts
side by side, and the wall time of the whole measurement against each shard's.

    .venv/bin/python -m scripts.measure_shards            # about 15 min on 2 cores
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from scripts.asv_clone import ROOT, Clone, make_clone

BIN = Path(sys.executable).parent
TIMINGS, COUNTS = r"^(?!bench_instructions\.)", r"^bench_instructions\."


def run(clone: Clone, *cmd: str, ok: tuple[int, ...] = (0,)) -> str:
    done = subprocess.run(cmd, cwd=clone.repo, env=clone.env, capture_output=True, text=True)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done.stdout


def measure(clone: Clone, machine: str, timings: str, counts: str, rounds: int) -> float:
    """The workflow's two asv runs (either may be empty) on base and head; their wall time."""
    hashes = clone.repo / ".asv" / "pair.txt"
    hashes.parent.mkdir(exist_ok=True)
    hashes.write_text(f"{clone.fast}\n{clone.slow}\n")
    asv = [str(BIN / "asv"), "run", "--machine", machine, "HASHFILE:.asv/pair.txt"]
    start = time.perf_counter()
    run(clone, str(BIN / "asv"), "machine", "--yes", "--machine", machine)
    if timings:
        interleaved = ["--record-samples", "--interleave-rounds", "-a", f"rounds={rounds}"]
        run(clone, *asv, *interleaved, "-b", timings, ok=(0, 2))
    if counts:
        run(clone, *asv, "-b", counts, ok=(0, 2))
    return time.perf_counter() - start


def shard_part(clone: Clone, k: int, n: int, only: str) -> str:
    """What `alphapulse-perf shard K N --only` prints, balanced by the committed durations."""
    out = run(
        clone, str(BIN / "alphapulse-perf"), "shard", str(k), str(n), "--machine", "reference",
        "--results", str(ROOT / "results"), "--benchmarks", str(clone.repo / "benchmarks"),
        "--only", only,
    )  # fmt: skip
    return out.strip()


def check(clone: Clone, results: Path, rounds: int, *machine: str) -> dict[str, Any]:
    out = run(
        clone, str(BIN / "alphapulse-perf"), "check", "--results", str(results), *machine,
        "--baseline", clone.fast, "--commit", clone.slow, "--rounds", str(rounds),
        "--format", "json", ok=(0, 1),
    )  # fmt: skip
    report: dict[str, Any] = json.loads(out)
    return report


def by_label(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["label"]: b for b in report["benchmarks"]}


def compare(whole: dict[str, Any], merged: dict[str, Any]) -> list[str]:
    """The table of statuses, and the counts side by side."""
    one, other = by_label(whole), by_label(merged)
    lines = [
        "| benchmark | whole | sharded | ratio whole | ratio sharded |",
        "|---|---|---|---|---|",
    ]
    same = 0
    for label in sorted(one.keys() | other.keys()):
        a, b = one.get(label, {}), other.get(label, {})
        same += a.get("status") == b.get("status")
        ratios = [f"{x['ratio']:.3f}" if x.get("ratio") else "-" for x in (a, b)]
        statuses = f"{a.get('status')} | {b.get('status')}"
        lines.append(f"| `{label}` | {statuses} | {' | '.join(ratios)} |")
    lines.append("")
    lines.append(f"same status: {same} of {len(one.keys() | other.keys())} series")
    counts = [label for label in one if label.startswith("bench_instructions")]
    equal = [
        label for label in counts
        if label in other and (one[label]["baseline"], one[label]["current"])
        == (other[label]["baseline"], other[label]["current"])
    ]  # fmt: skip
    lines.append(f"instruction counts identical at both commits: {len(equal)} of {len(counts)}")
    lines += [f"verdict: whole {whole['verdict']}, sharded {merged['verdict']}", ""]
    return lines


def kept_clone(base: Path) -> Clone:
    """The clone an earlier run kept (`--keep`): suite, empty commit, slower commit."""
    repo = base / "repo"
    env = {**os.environ, "HOME": str(base / "home")}
    hashes = subprocess.run(
        ["git", "rev-list", "-n", "3", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.split()
    slow, same, fast = hashes
    return Clone(repo, base / "home", env, fast, same, slow)


def measure_all(clone: Clone, base: Path, shards: int, rounds: int) -> dict[str, Any]:
    """Whole, then each shard into runners/shard-K/, merged into merged/; the wall times."""
    # Environments built and both commits installed once, outside the times measured.
    measure(clone, "warmup", r"^bench_cold_start\.ColdStart\.timeraw_import$", "", 1)
    whole = measure(clone, "whole", TIMINGS, COUNTS, rounds)
    times = []
    runners = base / "runners"
    for k in range(1, shards + 1):
        timings, counts = (shard_part(clone, k, shards, only) for only in (TIMINGS, COUNTS))
        machine = f"shard-{k}"
        times.append(measure(clone, machine, timings, counts, rounds))
        folder = runners / machine  # as runner K uploads it: its machine and benchmarks.json
        folder.mkdir(parents=True)
        shutil.move(str(clone.repo / "results" / machine), folder / machine)
        shutil.copy2(clone.repo / "results" / "benchmarks.json", folder)
    run(clone, str(BIN / "alphapulse-perf"), "merge", *map(str, sorted(runners.iterdir())),
        "--into", str(base / "merged"))  # fmt: skip
    found = {"whole": whole, "shards": times}
    (base / "times.json").write_text(json.dumps(found))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shards", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--keep", type=Path, help="keep the clone and its results here")
    parser.add_argument("--analyse", type=Path, metavar="DIR", help="check what --keep kept")
    args = parser.parse_args(argv)
    if args.analyse is not None:
        base, clone = args.analyse, kept_clone(args.analyse)
        saved = base / "times.json"
        times = json.loads(saved.read_text()) if saved.exists() else None
    else:
        base = Path(tempfile.mkdtemp(prefix="measure-shards-")) if args.keep is None else args.keep
        base.mkdir(parents=True, exist_ok=True)
        clone = make_clone(base)
        times = measure_all(clone, base, args.shards, args.rounds)
    lines = compare(
        check(clone, clone.repo / "results", args.rounds, "--machine", "whole"),
        check(clone, base / "merged", args.rounds),
    )
    if times is not None:
        shown = ", ".join(f"{t:.0f} s" for t in times["shards"])
        lines.append(f"wall time: 1 runner {times['whole']:.0f} s; shards {shown}")
        lines.append(f"slowest shard / whole: {max(times['shards']) / times['whole']:.2f}")
    print("\n".join(lines))
    if args.keep is None and args.analyse is None:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
