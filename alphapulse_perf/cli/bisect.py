"""`alphapulse-perf bisect BENCHMARK GOOD BAD`: the commit that moved an instruction count (or,
with `--metric cycles`, a cycle estimate).

Each commit of the range is measured in a results folder of its own under `.asv/bisect/`, in
asv's environments (`results.batch`), so asv's stored history is never touched.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alphapulse_perf.cli.common import EXIT_OK, Scope, UsageError, one_machine, progress
from alphapulse_perf.cli.options import BisectOptions
from alphapulse_perf.regression.bisect import BisectError, bisect_commits
from alphapulse_perf.regression.settings import Settings
from alphapulse_perf.report.bisect import render_bisection
from alphapulse_perf.results import BenchmarkInfo, load_benchmarks, load_records
from alphapulse_perf.results.batch import measure_batch
from alphapulse_perf.results.git import commits_between, resolve

__all__ = ["cmd_bisect"]


def _series(
    asked: str, benchmarks: dict[str, BenchmarkInfo], settings: Settings, metric: str
) -> tuple[BenchmarkInfo, tuple[str, ...], str]:
    """The benchmark, parameters and label that `asked` names: a label of the metric (in full,
    or a part that only one label has), a timing whose count settings' `beside` names, or, for
    cycles, a count of the same workload."""
    counts = {timing: count for count, timing in settings.beside}
    label = counts.get(asked, asked)
    every = {
        lab: (info, combo)
        for info in benchmarks.values()
        for lab, combo in zip(info.labels(), info.combinations(), strict=True)
    }
    series = {lab: pair for lab, pair in every.items() if pair[0].unit == metric}
    if metric != "instructions" and label in every and label not in series:  # a count
        params = every[label][1]  # its workload's series of the metric
        label = next((lab for lab, (_, combo) in series.items() if combo == params), label)
    found = [lab for lab in series if lab == label] or [lab for lab in series if label in lab]
    if len(found) != 1:
        known = ", ".join(sorted(series)) or "none in benchmarks.json"
        what = "matches several" if found else "is not"
        raise UsageError(f"{asked!r} {what} a series of {metric} (known: {known})")
    (label,) = found
    if label != asked and (asked in counts or asked in every):
        progress(f"{asked} is not a series of {metric}: bisecting the same workload's {label}")
    info, combo = series[label]
    return info, combo, label


def cmd_bisect(args: BisectOptions) -> int:
    where = Scope.of(args)
    benchmarks = load_benchmarks(where.results)
    info, combo, label = _series(args.benchmark, benchmarks, where.settings, args.metric)
    good, bad = (resolve(rev, where.repo) for rev in (args.good, args.bad))
    commits = commits_between(good, bad, where.repo)
    machine = where.machine or one_machine(where.results, None)
    parent = where.repo / ".asv" / "bisect"
    parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f"{good[:8]}-{bad[:8]}-", dir=parent))
    name = f"{info.name}({', '.join(combo)})" if combo else info.name
    steps = max(1, (len(commits) - 1).bit_length()) + 1
    shown = sys.stderr.isatty()

    def measure(commit: str) -> float | None:
        if shown:
            progress(f"measuring {label} at {commit[:8]} (about {steps} commits in all)")
        batch = folder / commit[:8]
        measure_batch(where.repo, [commit], [name], machine=machine, rounds=1, folder=batch)
        records = load_records(batch / "results", machine, [commit])
        values = [r.value for r in records if r.benchmark == info.name and r.params == combo]
        return values[0] if values else None

    try:
        found = bisect_commits(commits, measure, where.settings.tolerance_for(label))
    except BisectError as err:
        raise UsageError(f"bisect {label}: {err} (measurements in {folder})") from None
    sys.stdout.write(render_bisection(found, label, info.unit, args.format))
    return EXIT_OK
