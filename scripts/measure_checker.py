"""How much to trust `alphapulse-perf check`: its false alarms and misses, measured with real asv.

    python -m scripts.measure_checker [--repeats 5] [--rounds 4] [--output FILE]

In a temporary clone (scripts/asv_clone.py) it makes four commits on top of today's suite:
- an empty commit: the same tree measured again, an A/A pair with the suite commit;
- three commits whose detection does about 10 %, 25 % and 100 % more real work: `detect_arrays`
  (behind `detect` and `scan`) runs the pattern kernels again on the same candles, as many of
  them as it takes to add that fraction to a 1,000-candle `detect`, calibrated on this machine.
The slowdown each commit really adds is measured in one process, alternating the two versions.

Each repetition runs asv the way the pull-request workflow does (samples recorded, rounds
interleaved across the commits) and then `alphapulse-perf check` of every commit against the
suite commit, at the settings' tolerances and, for the timings, at 5 % and 20 % as well.
The A/A pair runs the whole suite but the instruction counts (exact, measured apart); the slowed
commits run the benchmarks that time detection.
Finally it times `check` over a synthetic history of 1,000 commits x 100 benchmarks, reading the
files included. It prints a Markdown summary (README's "How much to trust it" comes from it).

    python -m scripts.measure_checker --load heavy [--repeats 10] [--keep DIR]

measures under load instead (scripts/load.py: two bursty CPU burners, and with `heavy` a
test-suite run beside them, restarted as it ends): per repetition an A/A batch (suite and the
empty commit) and a batch of the suite with its +10 % and +25 % commits, the single-symbol,
multi-symbol and stage timings only, as the PR workflow measures them; each pair is checked, and
each failing check is confirmed (`alphapulse-perf confirm`). It prints the alarms before and
after confirmation and the minutes confirmation added.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
import types
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from scripts.asv_clone import Sandbox, make_sandbox
from scripts.load import Load, ci_clone

TARGETS = (0.10, 0.25, 1.00)
# The whole suite but the instruction counts (exact: measured apart, see README).
TIMINGS = r"^(?!bench_instructions\.)"
DETECTION = r"SingleSymbolDetection\.time_|MultiSymbolScan\.time_"
# Shown for every slowed commit, flagged or not.
KEY = ("time_detect(candles=1000)", "time_scan(symbols=10)", "time_scan(symbols=100)")
MARKER = "    names, matrix = pattern_matrix(g)\n"
PATTERN_COUNT = 36
BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parent.parent


def slowed_source(original: str, full: int, names: int) -> str:
    """detection.py whose detect_arrays also runs `full` passes of every pattern kernel and one
    of the first `names` kernels, on the geometry it already has (real work, not a sleep)."""
    if MARKER not in original:
        raise SystemExit(f"alphapulse/detection.py no longer has {MARKER.strip()!r}: update me")
    extra = (
        f"    for _ in range({full}):  # scripts/measure_checker.py: more detection work\n"
        f"        pattern_matrix(g)\n"
        f"    pattern_matrix(g, list(PATTERNS)[:{names}])\n"
    )
    source = original.replace(MARKER, MARKER + extra)
    return source.replace(
        "from alphapulse.patterns import geometry_of, pattern_matrix",
        "from alphapulse.patterns import PATTERNS, geometry_of, pattern_matrix",
    )


def _load(source: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    sys.modules[name] = module  # dataclasses look their module up
    exec(compile(source, name, "exec"), module.__dict__)
    return module


def _per_call(func: Callable[[], object], seconds: float = 0.05) -> float:
    number = max(1, int(seconds / max(timeit.timeit(func, number=1), 1e-6)))
    return min(timeit.repeat(func, number=number, repeat=3)) / number


def in_process_slowdown(original: str, slowed: str, rounds: int = 9) -> dict[str, float]:
    """Slowdown of detect (1 x 1,000) and scan (100 x 1,000): the versions alternating, the
    quickest call of each side compared (a burst of load slows some rounds, not the quickest)."""
    from alphapulse.market import synthetic_batch, synthetic_candles

    one = synthetic_candles("BTCUSDT", 1_000)
    many = synthetic_batch([f"S{k}" for k in range(100)], 1_000)
    before, after = _load(original, "before"), _load(slowed, "after")
    cases = {
        "detect 1x1000": (lambda: before.detect(one), lambda: after.detect(one)),
        "scan 100x1000": (lambda: before.scan(many), lambda: after.scan(many)),
    }
    found = {}
    for label, (old, new) in cases.items():
        times = [(_per_call(old), _per_call(new)) for _ in range(rounds)]
        found[label] = min(t[1] for t in times) / min(t[0] for t in times) - 1
    return found


def calibrate(original: str) -> dict[float, tuple[int, int]]:
    """(full passes, extra kernels) that add about each target fraction to a 1,000-candle
    detect, from the slowdown of one extra pass of every kernel measured in one process."""
    one_pass = in_process_slowdown(original, slowed_source(original, 1, 0))["detect 1x1000"]
    plan = {}
    for target in TARGETS:
        kernels = max(1, round(target / one_pass * PATTERN_COUNT))
        plan[target] = divmod(kernels, PATTERN_COUNT)
    return plan


def run(cmd: list[str], box: Sandbox, ok: tuple[int, ...] = (0,)) -> subprocess.CompletedProcess:
    done = subprocess.run(cmd, cwd=box.repo, env=box.env, capture_output=True, text=True)
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-3000:]}")
    return done


def asv_run(box: Sandbox, commits: list[str], bench: str, *options: str) -> float:
    """`asv run` of `bench` on `commits` in the sandbox (machine `measure`); its wall time."""
    hashes = box.repo / ".asv" / "commits.txt"
    hashes.parent.mkdir(exist_ok=True)
    hashes.write_text("\n".join(commits) + "\n")
    cmd = [str(BIN / "asv"), "run", "--machine", "measure", "-b", bench, *options,
           "HASHFILE:.asv/commits.txt"]  # fmt: skip
    start = time.perf_counter()
    run(cmd, box, ok=(0, 2))  # 2: a benchmark failed; check reports it
    return time.perf_counter() - start


def interleaved(rounds: int) -> tuple[str, ...]:
    """The pull-request workflow's options for timings."""
    return ("--record-samples", "--interleave-rounds", "-a", f"rounds={rounds}")


def check(
    box: Sandbox, baseline: str, target: str, rounds: int, config: Path, *extra: str
) -> dict[str, Any]:
    """`alphapulse-perf check` (or with `extra` = ("confirm", ...), confirm) as JSON."""
    command = extra[0] if extra else "check"
    done = run(
        [str(BIN / "alphapulse-perf"), command, "--machine", "measure", "--config", str(config),
         "--results", "results", "--baseline", baseline, "--commit", target,
         "--rounds", str(rounds), "--format", "json", *extra[1:]],
        box, ok=(0, 1),
    )  # fmt: skip
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def with_timing_tolerance(box: Sandbox, tolerance: float) -> Path:
    """A copy of the clone's settings with `tolerance` for every time_ benchmark."""
    path = box.repo / ".asv" / f"settings-{tolerance}.toml"
    path.parent.mkdir(exist_ok=True)
    text = (box.repo / "pyproject.toml").read_text()
    rule = f'[[tool.alphapulse_perf.benchmarks]]\nmatch = "\\\\.time_"\ntolerance = {tolerance}\n'
    head = "[[tool.alphapulse_perf.benchmarks]]\n"
    path.write_text(text.replace(head, rule + head, 1))
    return path


def regressed(report: dict[str, Any]) -> list[str]:
    return [f"{b['label']} {b['ratio']:.2f}x" for b in report["benchmarks"]
            if b["status"] == "regressed"]  # fmt: skip


def key_ratios(report: dict[str, Any]) -> str:
    found = {b["label"].rsplit(".", 1)[-1]: b for b in report["benchmarks"]}
    return ", ".join(f"{k} {found[k]['ratio']:.2f}x {found[k]['status']}" for k in KEY
                     if k in found and found[k]["ratio"] is not None)  # fmt: skip


def check_speed(commits: int = 1_000, benchmarks: int = 100) -> tuple[float, float]:
    """Seconds for `alphapulse-perf check` (a fresh process, reading included) over a synthetic
    history, and the size of that history on disk in MB."""
    from tests.perf.conftest import run_file  # the tests' asv-format writer

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "results"
        (root / "m1").mkdir(parents=True)
        names = [f"bench_synthetic.Bench{k // 10}.time_b{k % 10}" for k in range(benchmarks)]
        spec = {n: {"name": n, "type": "time", "unit": "seconds", "param_names": ["n"],
                    "params": [["10"]], "version": "1", "rounds": 2} for n in names}  # fmt: skip
        (root / "benchmarks.json").write_text(json.dumps({**spec, "version": 2}))
        (root / "m1" / "machine.json").write_text(json.dumps({"machine": "m1", "version": 1}))
        rng = np.random.default_rng(0)
        hashes = [hashlib.sha1(str(k).encode()).hexdigest() for k in range(commits)]
        for k, commit in enumerate(hashes):
            rows = {}
            for n in names:
                samples = (1e-3 * rng.lognormal(0, 0.05, 10)).tolist()
                value = statistics.median(samples)
                rows[n] = [[value], [["10"]], "1", 1, 1.0, [value * 0.9], [value * 1.1],
                           [value * 0.95], [value * 1.05], [10], [10], [samples], None]  # fmt: skip
            data = run_file(commit, 1_700_000_000_000 + k, rows)
            (root / "m1" / f"{commit[:8]}-virtualenv-py3.11.json").write_text(json.dumps(data))
        size = sum(p.stat().st_size for p in root.rglob("*.json")) / 1e6
        cmd = [str(BIN / "alphapulse-perf"), "check", "--results", str(root), "--machine", "m1",
               "--baseline", hashes[0][:8], "--commit", hashes[-1][:8],
               "--format", "json"]  # fmt: skip
        times = []
        for _ in range(3):
            start = time.perf_counter()
            done = subprocess.run(cmd, capture_output=True, text=True, cwd=tmp)
            times.append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(f"check over the synthetic history failed: {done.stderr}")
        return statistics.median(times), size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5, help="repetitions (default: 5)")
    parser.add_argument("--rounds", type=int, default=4, help="asv rounds a side (default: 4)")
    parser.add_argument("--output", type=Path, help="also write the summary here")
    parser.add_argument("--skip-asv", action="store_true", help="only the check speed")
    parser.add_argument("--keep", type=Path, help="keep each run's asv results here")
    parser.add_argument("--aa-only", action="store_true", help="only the A/A repetitions")
    parser.add_argument(
        "--analyse", type=Path, metavar="KEPT", help="only decide the runs kept in KEPT again"
    )
    parser.add_argument(
        "--load",
        choices=("burners", "heavy"),
        help="measure check and confirm under load instead: two bursty CPU burners, and with"
        " heavy a test-suite run (bash .ci/run in a clean clone) beside them",
    )
    args = parser.parse_args(argv)
    # `kill` stops the burners and the test run too (the `with` blocks end on SystemExit).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if args.analyse:
        print("\n".join(analyse(args.analyse, args.rounds)))
        return 0
    if args.load:
        text = "\n".join(measure_under_load(args.repeats, args.rounds, args.load, args.keep))
        if args.output:
            args.output.write_text(text + "\n")
        return 0
    lines = ["# alphapulse-perf check: measured", ""]

    seconds, size = check_speed()
    lines.append(f"check over 1,000 commits x 100 benchmarks ({size:.0f} MB of results, read"
                 f" in a fresh process): {seconds:.2f} s (median of 3)")  # fmt: skip
    if not args.skip_asv:
        lines += measure_with_asv(args.repeats, args.rounds, args.keep, args.aa_only)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.output:
        args.output.write_text(text)
    return 0


def measure_with_asv(
    repeats: int, rounds: int, keep: Path | None, aa_only: bool = False
) -> list[str]:
    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    def kept(box: Sandbox, name: str) -> None:
        if keep is not None:
            shutil.copytree(box.repo / "results", keep / name, dirs_exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="measure-checker-") as tmp:
        box = make_sandbox(Path(tmp))
        path = "alphapulse/detection.py"
        original = box.original(path)
        same = box.commit("nothing changed")
        slowed = {}
        for target, (full, names) in calibrate(original).items():
            source = slowed_source(original, full, names)
            commit = box.commit(f"{target:.0%} more detection work", {path: source})
            real = in_process_slowdown(original, source)
            slowed[target] = commit
            shown = ", ".join(f"{k} +{v:.0%}" for k, v in real.items())
            say(
                f"commit +{target:.0%}: {full} extra pass(es) of all kernels and {names} more;"
                f" measured in one process: {shown}"
            )
        roles = {"suite": box.suite, "A/A": same, **{f"+{t:.0%}": c for t, c in slowed.items()}}
        if keep is not None:
            keep.mkdir(parents=True, exist_ok=True)
            (keep / "roles.json").write_text(json.dumps(roles, indent=1))
        run([str(BIN / "asv"), "machine", "--yes", "--machine", "measure"], box)
        configs = {"settings": box.repo / "pyproject.toml"}
        for tolerance in (0.05, 0.20):
            configs[f"timings {tolerance:.0%}"] = with_timing_tolerance(box, tolerance)
        alarms: Counter[str] = Counter()
        caught: Counter[tuple[float, str]] = Counter()
        for rep in range(1, repeats + 1):
            took = asv_run(box, [box.suite, same], TIMINGS, *interleaved(rounds))
            kept(box, f"rep{rep}-aa")
            for name, config in configs.items():
                found = regressed(check(box, box.suite, same, rounds, config))
                alarms[name] += bool(found)
                say(
                    f"A/A {rep} ({took:.0f} s, whole suite), {name}:"
                    f" {'; '.join(found) or 'no regression'}"
                )
            if aa_only:
                continue
            took = asv_run(box, [box.suite, *slowed.values()], DETECTION, *interleaved(rounds))
            kept(box, f"rep{rep}-slowed")
            for target, commit in slowed.items():
                for name, config in configs.items():
                    report = check(box, box.suite, commit, rounds, config)
                    found = regressed(report)
                    caught[target, name] += bool(found)
                    say(
                        f"+{target:.0%} {rep} ({took:.0f} s), {name}:"
                        f" {len(found)} regressed; {key_ratios(report)}"
                    )
        lines += ["", f"Summary over {repeats} repetitions, {rounds} rounds a side:"]
        for name in configs:
            flagged = ", ".join(f"+{t:.0%} {caught[t, name]}/{repeats}" for t in TARGETS)
            lines.append(f"- {name}: A/A false alarms {alarms[name]}/{repeats}; flagged {flagged}")
    return lines


# What the pull-request gate times: single-symbol, multi-symbol and stage timings.
GATED = r"^bench_(single_symbol|multi_symbol|stages)\.\w+\.time_"
LOADED_TARGETS = (0.10, 0.25)


def _gate_settings(box: Sandbox) -> Path:
    """The clone's settings, less the budgets that only the whole suite can meet."""
    path = box.repo / ".asv" / "gate-settings.toml"
    path.parent.mkdir(exist_ok=True)
    fail_on = 'fail_on = ["regressed", "broken", "missing", "budget-broken"]'
    table = "[tool.alphapulse_perf]\n"
    text = (box.repo / "pyproject.toml").read_text()
    path.write_text(text.replace(table, f"{table}{fail_on}\n", 1))
    return path


def measure_under_load(repeats: int, rounds: int, load: str, keep: Path | None) -> list[str]:
    """A/A and +10 % / +25 % pairs measured as the PR workflow does, under load; each check that
    fails is confirmed (`alphapulse-perf confirm`). Counts alarms before and after confirmation
    and the time confirmation added."""
    lines: list[str] = []

    def say(line: str) -> None:
        lines.append(line)
        print(line, flush=True)

    with tempfile.TemporaryDirectory(prefix="measure-load-") as tmp:
        box = make_sandbox(Path(tmp))
        path = "alphapulse/detection.py"
        original = box.original(path)
        same = box.commit("nothing changed")
        pairs = {"A/A": same}
        plan = calibrate(original)  # before the load starts
        for target in LOADED_TARGETS:
            full, names = plan[target]
            source = slowed_source(original, full, names)
            pairs[f"+{target:.0%}"] = box.commit(
                f"{target:.0%} more detection work", {path: source}
            )
            real = in_process_slowdown(original, source)
            say(
                f"+{target:.0%}: in one process "
                + ", ".join(f"{k} +{v:.0%}" for k, v in real.items())
            )
        run([str(BIN / "asv"), "machine", "--yes", "--machine", "measure"], box)
        config = _gate_settings(box)
        tests = ci_clone(Path(tmp) / "ci") if load == "heavy" else None
        before: Counter[str] = Counter()
        after: Counter[str] = Counter()
        extra: list[float] = []
        with Load(burners=2, tests=tests) as machine:
            for rep in range(1, repeats + 1):
                for batch in (["A/A"], ["+10%", "+25%"]):
                    commits = [box.suite, *(pairs[name] for name in batch)]
                    took = asv_run(box, commits, GATED, *interleaved(rounds))
                    if keep is not None:
                        shutil.copytree(box.repo / "results", keep / f"rep{rep}-{batch[0]}",
                                        dirs_exist_ok=True)  # fmt: skip
                    for name in batch:
                        first = check(box, box.suite, pairs[name], rounds, config)
                        flagged = regressed(first)
                        before[name] += bool(flagged)
                        verdict = "pass"
                        if flagged:
                            into = box.repo / ".asv" / "confirm" / f"rep{rep}-{name.strip('+%/')}"
                            confirmed = check(box, box.suite, pairs[name], rounds, config,
                                              "confirm", "--into", str(into))  # fmt: skip
                            verdict = confirmed["verdict"]
                            extra.append(confirmed["seconds"])
                        after[name] += verdict == "fail"
                        say(f"rep {rep} {name} ({took:.0f} s batch, {machine.test_runs} test runs"
                            f" so far): check {'; '.join(flagged) or 'pass'} -> confirmed"
                            f" {verdict}")  # fmt: skip
        lines += ["", f"Under load ({load}), {repeats} repetitions, {rounds} rounds a side:"]
        lines += ["| pair | check fails | after confirm |", "|---|---|---|"]
        lines += [f"| {name} | {before[name]} of {repeats} | {after[name]} of {repeats} |"
                  for name in pairs]  # fmt: skip
        median = statistics.median(extra) / 60 if extra else 0.0
        lines.append(f"confirmation ran {len(extra)} times, median {median:.1f} extra minutes")
    return lines


def analyse(keep: Path, rounds: int) -> list[str]:
    """The kept runs decided again under variants of the rule: the tolerance of the timings and
    the margin the closest rounds must keep (settings' round_margin), with this checkout's code.
    Counts, per variant, the A/A runs with any regression and the slowed runs flagged."""
    from alphapulse_perf.regression.check import rounds_of
    from alphapulse_perf.regression.compare import Status, compare_commits
    from alphapulse_perf.regression.settings import Rule, load_settings
    from alphapulse_perf.results import load_benchmarks, load_records

    roles = json.loads((keep / "roles.json").read_text())
    base = load_settings(ROOT / "pyproject.toml")
    runs = sorted(p for p in keep.iterdir() if p.is_dir())
    lines = [f"{len(runs)} kept runs in {keep}, {rounds} rounds a side"]
    for tolerance in (0.05, 0.10, 0.20):
        for margin in (0.0, 0.25, 0.5, 1.0):
            timing = Rule(re.compile(r"\.time_"), tolerance=tolerance)
            settings = replace(base, round_margin=margin, rules=(timing, *base.rules))
            flagged: Counter[str] = Counter()
            seen: Counter[str] = Counter()
            for run_dir in runs:
                records = load_records(run_dir, "measure")
                per = rounds_of(load_benchmarks(run_dir), rounds)
                present = {r.commit for r in records}
                for role, commit in roles.items():
                    # A/A pairs from the A/A runs only: the slowed runs re-measure the suite
                    # commit apart from the empty one.
                    wanted = run_dir.name.endswith("-aa") == (role == "A/A")
                    if role == "suite" or commit not in present or not wanted:
                        continue
                    found = compare_commits(records, roles["suite"], commit, settings, per)
                    seen[role] += 1
                    flagged[role] += any(c.status is Status.REGRESSED for c in found)
            shown = ", ".join(f"{r} {flagged[r]}/{seen[r]}" for r in roles if r in seen)
            lines.append(f"timings {tolerance:.0%}, round margin {margin:.2f}: {shown}")
    lines += ["", "With the settings as they are, the key timings of each slowed commit:"]
    for role, commit in roles.items():
        if role in ("suite", "A/A"):
            continue
        ratios: dict[str, list[str]] = {k: [] for k in KEY}
        for run_dir in runs:
            if not run_dir.name.endswith("-slowed"):
                continue
            records = load_records(run_dir, "measure")
            found = compare_commits(
                records, roles["suite"], commit, base, rounds_of(load_benchmarks(run_dir), rounds)
            )
            for c in found:
                key = c.label.rsplit(".", 1)[-1]
                if key in ratios and c.ratio is not None:
                    mark = "*" if c.status is Status.REGRESSED else ""
                    ratios[key].append(f"{c.ratio:.2f}{mark}")
        lines.append(f"{role}: " + "; ".join(f"{k} {' '.join(v)}" for k, v in ratios.items()))
    lines.append("(* regressed)")
    return lines


if __name__ == "__main__":
    sys.exit(main())
