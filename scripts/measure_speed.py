"""How long `alphapulse-perf check`, `report` and `trend` take over a large asv history.

    .venv/bin/python -m scripts.measure_speed [--files 5000] [--repeats 3] [--seed 0] [--keep DIR]

It writes a synthetic asv results directory (format 2, as asv 0.6 writes it), deterministic from
--seed: 2 machines x 2 envs x files/4 commits (random 40-hex hashes, increasing dates, files named
`<hash[:8]>-<env>.json`; the default, 5,000 files, is about 140 MB), 100 benchmarks per file (30
time, 40 track, 30 peakmem; every fifth one parameterised with 2-4 combinations; a few failed (null)
and skipped (NaN) values; time rows carry every column up to `samples`, 10 per combination, track
and peakmem rows stop after `duration`, as asv writes them), `benchmarks.json` and a `machine.json`
per machine.

Then it runs each command --repeats times, each in a fresh interpreter with a 120 s timeout: `check`
of the last commit against the second-to-last, `report` of the last commit, `trend` of one
benchmark's series and `trend` of every series (machine 1; settings: an empty
`[tool.alphapulse_perf]`; `--repo`: an empty folder, the hashes are full). It prints the median,
min and max wall time and the exit code (with stderr's first line when it is not 0 or 1).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MACHINES = ("synth-a", "synth-b")
ENVS = ("virtualenv-py3.11-numpy", "virtualenv-py3.12-numpy")
COLUMNS = [
    "result", "params", "version", "started_at", "duration", "stats_ci_99_a", "stats_ci_99_b",
    "stats_q_25", "stats_q_75", "stats_number", "stats_repeat", "samples", "profile",
]  # fmt: skip
MACHINE_JSON = {"arch": "x86_64", "cpu": "Synthetic CPU @ 3.0GHz", "num_cpu": "2", "ram": "8GB"}
PARAM_SETS = ([["10", "100"]], [["10", "100", "1000"]], [["'a'", "'b'"], ["1", "2"]])
TIMEOUT = 120.0
PIPES: dict[str, Any] = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "text": True}


def hexes(rng: random.Random, bits: int) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def trunc(x: float) -> float:
    """asv keeps 5 significant digits of the statistics and durations."""
    return float(f"{x:.4e}")


def make_benchmarks(rng: random.Random) -> dict[str, dict[str, Any]]:
    benchmarks: dict[str, dict[str, Any]] = {}
    for i in range(100):
        kind = "time" if i < 30 else "track" if i < 70 else "peakmem"
        name = f"bench_m{i % 7}.Suite{i % 5}.{kind}_b{i:03d}"
        params = PARAM_SETS[i % 3] if i % 5 == 0 else []
        entry: dict[str, Any] = {
            "code": f"class Suite{i % 5}:\n    def {kind}_b{i:03d}(self):\n        pass",
            "name": name, "param_names": [f"p{j}" for j in range(len(params))], "params": params,
            "timeout": 60.0, "version": hexes(rng, 256),
            "type": {"time": "time", "track": "track", "peakmem": "peakmemory"}[kind],
            "unit": {"time": "seconds", "track": "unit", "peakmem": "bytes"}[kind],
        }  # fmt: skip
        if kind == "time":
            entry.update(
                min_run_count=2, number=0, repeat=0, rounds=2, sample_time=0.01, warmup_time=-1
            )
        benchmarks[name] = dict(sorted(entry.items()))
    return benchmarks


def make_row(rng: random.Random, info: dict[str, Any], base: list[float], at: int) -> list[Any]:
    """One benchmark's row: values around `base` (one per combination), as asv stores them."""
    timed = info["type"] == "time"
    result: list[Any] = []
    stats: list[list[Any]] = [[] for _ in range(6)]
    samples: list[list[float] | None] = []
    for b in base:
        outcome = rng.random()
        if outcome < 0.003 or outcome > 0.996:  # failed (null) or skipped (NaN)
            result.append(None if outcome < 0.5 else math.nan)
            for column in stats:
                column.append(None)
            samples.append(None)
            continue
        drawn = sorted(b * rng.lognormvariate(0.0, 0.03) for _ in range(10 if timed else 1))
        result.append(statistics.median(drawn))
        if timed:
            quartiles = statistics.quantiles(drawn, n=4)
            spread = (drawn[1], drawn[-2], quartiles[0], quartiles[2])  # CI 99 %, quartiles
            for column, value in zip(stats[:4], spread, strict=True):
                column.append(trunc(value))
            stats[4].append(max(1, int(0.01 / b)))
            stats[5].append(10)
            samples.append(drawn)
    if all(r is None for r in result):
        return [None, info["params"], info["version"], at]
    if info["type"] == "peakmemory":
        result = [r if r is None or math.isnan(r) else round(r) for r in result]
    row: list[Any] = [result, info["params"], info["version"], at, trunc(rng.uniform(0.2, 9))]
    if timed:
        row += [*stats, samples]
    return row


def generate(directory: Path, files: int, seed: int) -> tuple[list[str], str]:
    """The results directory; returns the commits (oldest first) and one benchmark's name."""
    rng = random.Random(seed)
    benchmarks = make_benchmarks(rng)
    directory.mkdir(parents=True, exist_ok=True)
    text = json.dumps({**benchmarks, "version": 2}, indent=4, sort_keys=True)
    (directory / "benchmarks.json").write_text(text)
    n_commits = max(2, math.ceil(files / (len(MACHINES) * len(ENVS))))
    by_prefix: dict[str, str] = {}  # file names keep 8 characters: no two commits may share them
    while len(by_prefix) < n_commits:
        commit = hexes(rng, 160)
        by_prefix.setdefault(commit[:8], commit)
    commits = list(by_prefix.values())
    bases = {name: [10 ** rng.uniform(-6, -1) if info["type"] == "time" else rng.uniform(1e3, 1e8)
                    for _ in range(math.prod(len(p) for p in info["params"]))]
             for name, info in benchmarks.items()}  # fmt: skip
    for m, machine in enumerate(MACHINES):
        folder = directory / machine
        folder.mkdir(exist_ok=True)
        description = {**MACHINE_JSON, "machine": machine, "os": "Linux 6.1.0", "version": 1}
        (folder / "machine.json").write_text(json.dumps(description, indent=4, sort_keys=True))
        written = 0
        for c, commit in enumerate(commits):
            date = 1_700_000_000_000 + c * 3_600_000 + rng.randrange(3_600_000)
            for env in ENVS:
                if written >= math.ceil(files / len(MACHINES)):
                    break
                started = date + 7_200_000
                results = {}
                for name, info in benchmarks.items():
                    step = 1.3 if c == n_commits - 1 and name.endswith("b001") else 1.0
                    base = [b * (1 + 0.1 * m) * step for b in bases[name]]
                    results[name] = make_row(rng, info, base, started)
                    started += rng.randrange(200, 5_000)
                python = env.split("-")[1][2:]
                run = {"commit_hash": commit, "env_name": env, "date": date,
                       "params": {"machine": machine, "python": python, "numpy": ""},
                       "python": python, "requirements": {"numpy": ""}, "env_vars": {},
                       "result_columns": COLUMNS, "results": results, "version": 2,
                       "durations": {"<build>": trunc(rng.uniform(5, 30))}}  # fmt: skip
                (folder / f"{commit[:8]}-{env}.json").write_text(json.dumps(run))
                written += 1
    return commits, list(benchmarks)[1]  # not parameterised; steps up at the last commit


def run_timed(argv: list[str], repeats: int) -> tuple[list[float], str, str]:
    """Wall times of `repeats` fresh runs, the last exit code and stderr's first line."""
    times: list[float] = []
    code, note = "", ""
    for _ in range(repeats):
        start = time.perf_counter()
        try:
            done = subprocess.run(argv, cwd=ROOT, timeout=TIMEOUT, check=False, **PIPES)
            code = str(done.returncode)
            lines = done.stderr.strip().splitlines()
            note = lines[0][:110] if lines and done.returncode not in (0, 1) else ""
        except subprocess.TimeoutExpired:
            code, note = "timeout", f"killed after {TIMEOUT:.0f} s"
        times.append(time.perf_counter() - start)
    return times, code, note


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--files", type=int, default=5000, help="run files (default: 5000)")
    parser.add_argument("--repeats", type=int, default=3, help="runs of each command (default: 3)")
    parser.add_argument("--seed", type=int, default=0, help="of the synthetic data (default: 0)")
    parser.add_argument("--keep", type=Path, help="write the data here and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep if args.keep is not None else Path(tmp)
        results, repo, config = work / "results", Path(tmp) / "repo", Path(tmp) / "empty.toml"
        repo.mkdir()
        config.write_text("[tool.alphapulse_perf]\n")
        start = time.perf_counter()
        commits, one = generate(results, args.files, args.seed)
        made = time.perf_counter() - start
        runs = [p for p in results.glob("*/*.json") if p.name != "machine.json"]
        size = sum(p.stat().st_size for p in results.rglob("*.json"))
        print(
            f"generated {len(runs)} run files, {size / 1e6:.1f} MB, {len(commits)} commits,"
            f" in {made:.1f} s: {results}"
        )
        cli = [sys.executable, "-m", "alphapulse_perf"]
        where = ["--results", str(results), "--machine", MACHINES[0], "--repo", str(repo)]
        settings = [*where, "--config", str(config)]
        regex = one.replace(".", r"\.") + "$"
        commands = {
            "check": [*cli, "check", *settings, "--baseline", commits[-2], "--commit", commits[-1]],
            "report": [*cli, "report", *where, "--commit", commits[-1]],
            f"trend {regex}": [*cli, "trend", regex, *settings],
            "trend (all)": [*cli, "trend", *settings],
        }
        print(f"\n| command | median s | min s | max s | exit | note |\n|{'---|' * 6}")
        for label, argv in commands.items():
            times, code, note = run_timed(argv, args.repeats)
            print(
                f"| {label} | {statistics.median(times):.2f} | {min(times):.2f} |"
                f" {max(times):.2f} | {code} | {note} |",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
