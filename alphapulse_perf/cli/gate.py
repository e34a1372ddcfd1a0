"""The gate's commands: `check`, `confirm`, `report`, `baseline` and `trend`."""

from __future__ import annotations

import re
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from alphapulse_perf._files import refuse_inside
from alphapulse_perf.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    Scope,
    UsageError,
    one_machine,
    progress,
    recorded_commits,
    write,
)
from alphapulse_perf.cli.options import BaselineOptions, CheckOptions, ReportOptions, TrendOptions
from alphapulse_perf.regression.baselines import load_baselines, remove_baseline, set_baseline
from alphapulse_perf.regression.check import (
    CheckReport,
    Revision,
    resolve_revision,
    rounds_of,
    run_check,
)
from alphapulse_perf.regression.confirm import (
    Confirmation,
    asv_name,
    remeasured,
    timing_regressions,
    worth_a_second_batch,
)
from alphapulse_perf.regression.settings import Settings
from alphapulse_perf.regression.trend import Trend, trends
from alphapulse_perf.report.check import render_check, render_nothing_compared
from alphapulse_perf.report.confirm import render_confirmation
from alphapulse_perf.report.snapshot import render_snapshot, select
from alphapulse_perf.report.trend import render_trends
from alphapulse_perf.report.trend_plot import plot_files, render_trend_plot
from alphapulse_perf.results import (
    BenchmarkInfo,
    Record,
    commit_prefix,
    load_benchmarks,
    load_records,
    run_files,
)
from alphapulse_perf.results.batch import measure_batch

__all__ = ["cmd_baseline", "cmd_check", "cmd_confirm", "cmd_report", "cmd_trend"]


def cmd_report(args: ReportOptions) -> int:
    where = Scope.of(args)
    results = where.results
    machine = where.named_machine() or one_machine(results, None)
    commit = resolve_revision(args.commit, results, run_files(results, machine), where.repo).commit
    records = load_records(results, machine, [commit])
    chosen = [r for r in select(records, machine, commit) if where.env_kept(r.env)]
    if not chosen:
        raise UsageError(f"no results for commit {commit[:8]} on machine {machine} in {results}")
    sys.stdout.write(render_snapshot(chosen, machine, commit, args.format))
    return EXIT_OK


def _first_check(args: CheckOptions) -> tuple[Scope, CheckReport]:
    """The check of the stored results that `check` reports and `confirm` starts from."""
    where = Scope.of(args)
    settings, results, machine = where.settings, where.results, where.named_machine()
    asked = args.baseline or settings.default_baseline
    if asked is None:
        raise UsageError(
            f"no baseline: pass --baseline NAME|REV or set default_baseline in {where.config}"
        )
    if args.rounds is not None and args.rounds < 1:
        raise UsageError(f"--rounds must be at least 1, got {args.rounds}")
    sides = _sides(results, machine, args.baseline_machine)
    # Across machines, a revision is looked up in both: each side then requires its own.
    files = run_files(results, machine if sides[0] == sides[1] else None)
    baseline, target = (
        resolve_revision(rev, results, files, where.repo) for rev in (asked, args.commit)
    )
    report = _check_results(results, sides, (baseline, target), settings, args.rounds, where.envs)
    return where, report


Sides = tuple[str | None, str | None]  # the machines of the baseline and of the target


def _sides(results: Path, machine: str | None, baseline_machine: str | None) -> Sides:
    """Whose results each side reads: one machine (None: every machine) or, with
    --baseline-machine, the baseline's on that machine and the target's on this one."""
    if baseline_machine is None:
        return machine, machine
    other = one_machine(results, baseline_machine)
    here = machine or one_machine(results, None)
    if other == here:
        raise UsageError(
            f"--baseline-machine {other} is the target's machine too: drop it to compare all"
            " benchmarks"
        )
    return other, here


def _check_results(
    results: Path,
    sides: Sides,
    pair: tuple[Revision, Revision],
    settings: Settings,
    rounds_override: int | None,
    envs: re.Pattern[str] | None,
) -> CheckReport:
    baseline, target = pair
    benchmarks = load_benchmarks(results)
    if sides[0] == sides[1]:
        commits = [baseline.commit, target.commit]
        records = load_records(results, sides[0], commits, benchmarks=benchmarks)
        at_baseline = at_target = records
    else:
        at_baseline = load_records(results, sides[0], [baseline.commit], benchmarks=benchmarks)
        at_target = load_records(results, sides[1], [target.commit], benchmarks=benchmarks)
        records = at_baseline + at_target
    _require_results(at_baseline, "baseline", baseline, results, sides[0])
    _require_results(at_target, "target", target, results, sides[1])
    rounds = rounds_of(benchmarks, rounds_override)
    crossed = sides[0] if sides[0] != sides[1] else None
    report = run_check(records, baseline, target, settings, rounds, envs, crossed)
    if report.compared_nothing:
        raise UsageError(render_nothing_compared(report).rstrip())
    return report


def _emit(args: CheckOptions, text: str, results: Path) -> None:
    if args.output is not None:
        write(args.output, text, results)
    else:
        sys.stdout.write(text)


def cmd_check(args: CheckOptions) -> int:
    where, report = _first_check(args)
    _emit(args, render_check(report, args.format), where.results)
    return EXIT_OK if report.passed else EXIT_FINDINGS


def cmd_confirm(args: CheckOptions) -> int:
    if args.second_batch is not None and not args.second_batch.is_dir():  # before any work
        raise UsageError(
            f"--second-batch {args.second_batch}: not a folder (an empty one: none measured)"
        )
    where, first = _first_check(args)
    settings, results = where.settings, where.results
    if args.second_batch is not None:
        confirmation = _confirm_from(args.second_batch, args, where, first)
        _emit(args, render_confirmation(confirmation, args.format), results)
        return EXIT_OK if confirmation.passed else EXIT_FINDINGS
    machine = where.machine or one_machine(results, None)
    flagged = timing_regressions(first, settings, machine)
    if not worth_a_second_batch(first, flagged):
        confirmation = Confirmation(first, flagged, None)
    else:
        names = remeasured(first, flagged)
        folder = _batch_folder(args.into, where, first)
        rounds = args.rounds or 4
        progress(f"measuring {len(names)} benchmarks again in {folder} ({rounds} rounds a side)")
        seconds = measure_batch(
            where.repo, [first.baseline.commit, first.target.commit], names,
            machine=machine, rounds=rounds, folder=folder, show_progress=sys.stderr.isatty(),
        )  # fmt: skip
        pair = (first.baseline, first.target)
        sides = (machine, machine)
        second = _check_results(folder / "results", sides, pair, settings, rounds, where.envs)
        confirmation = Confirmation(first, flagged, second, names, seconds)
    _emit(args, render_confirmation(confirmation, args.format), results)
    return EXIT_OK if confirmation.passed else EXIT_FINDINGS


def _confirm_from(
    folder: Path, args: CheckOptions, where: Scope, first: CheckReport
) -> Confirmation:
    """The confirmation that second batches measured elsewhere give (each sharded runner
    confirms its own share; their batches merged are `folder`)."""
    machine = where.named_machine()
    flagged = timing_regressions(first, where.settings, machine)
    if not run_files(folder):
        return Confirmation(first, flagged, None, seconds=None)
    pair = (first.baseline, first.target)
    rounds = args.rounds or 4
    second = _check_results(folder, (machine, machine), pair, where.settings, rounds, where.envs)
    names = tuple(sorted({asv_name(c) for c in second.comparisons}))
    return Confirmation(first, flagged, second, names, seconds=None)


def _batch_folder(into: Path | None, where: Scope, first: CheckReport) -> Path:
    """Where the second batch goes: never under asv's results, never over an earlier batch."""
    if into is None:
        parent = where.repo / ".asv" / "confirm"
        parent.mkdir(parents=True, exist_ok=True)
        prefix = f"{first.baseline.commit[:8]}-{first.target.commit[:8]}-"
        return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    folder = into
    refuse_inside(folder, where.results, "--into")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"--into {folder}: should be a new or empty folder")
    return folder


def _require_results(
    records: list[Record], role: str, rev: Revision, results: Path, machine: str | None
) -> None:
    if not any(r.commit == rev.commit for r in records):
        where = f"{results}" + (f" for machine {machine}" if machine else "")
        raise UsageError(f"the {role} {rev.name} ({rev.commit[:8]}) has no results in {where}")


def cmd_baseline(args: BaselineOptions) -> int:
    where = Scope.of(args)
    results = where.results
    if args.action == "list":
        recorded = recorded_commits(results)
        for b in load_baselines(results).values():
            note = "" if b.commit[:8] in recorded else "  (no results)"
            print(f"{b.name}\t{b.commit}{note}")
        return EXIT_OK
    name = args.name
    assert name is not None  # the parser requires NAME for set and rm
    if args.action == "rm":
        removed = remove_baseline(results, name)
        print(f"removed baseline {removed.name} ({removed.commit[:8]})")
        return EXIT_OK
    assert args.rev is not None  # the parser requires REV for set
    files = run_files(results)
    commit = resolve_revision(args.rev, results, files, where.repo).commit
    baseline = set_baseline(results, name, commit)
    print(f"baseline {baseline.name} -> {commit[:8]}")
    if commit[:8] not in {commit_prefix(p) for p in files}:
        progress(
            f"warning: {commit[:8]} has no results in {results} yet;"
            f" record them with `asv run {commit[:8]}^!` before checking against {args.name}"
        )
    return EXIT_OK


def cmd_trend(args: TrendOptions) -> int:
    plot: Path | None = args.plot
    if plot is not None and plot.exists() and not plot.is_dir():  # before any work is done
        raise UsageError(f"--plot {plot}: is not a directory")
    where = Scope.of(args)
    settings, results, machine = where.settings, where.results, where.named_machine()
    if plot is not None:  # before a folder of it is created
        refuse_inside(plot, results, "--plot")
    try:
        pattern = re.compile(args.regex) if args.regex else None
    except re.error as err:
        raise UsageError(f"REGEX {args.regex!r} is not a regular expression ({err})") from None
    benchmarks = load_benchmarks(results)
    wanted = _names_matching(benchmarks, pattern)
    records = load_records(results, machine, wanted=wanted, samples=False, benchmarks=benchmarks)
    chosen = [r for r in records if where.env_kept(r.env)]
    found = trends(chosen, settings, args.regex)
    sys.stdout.write(render_trends(found, args.format))
    if plot is not None:
        _write_trend_plots(found, plot)
    return EXIT_OK


def _names_matching(
    benchmarks: dict[str, BenchmarkInfo], pattern: re.Pattern[str] | None
) -> Callable[[str], bool] | None:
    """Which benchmarks' rows a trend must read: those with a label `pattern` can match.

    A benchmark that benchmarks.json no longer lists is always read: its parameters are known
    only from the rows themselves, and `trends` then filters its labels.
    """
    if pattern is None:
        return None
    labels = {name: info.labels() for name, info in benchmarks.items()}
    answers: dict[str, bool] = {}  # asked once per benchmark and file: remember the answer

    def wanted(name: str) -> bool:
        if name not in answers:
            known = labels.get(name)
            answers[name] = known is None or any(pattern.search(label) for label in known)
        return answers[name]

    return wanted


def _write_trend_plots(found: list[Trend], directory: Path) -> None:
    """One SVG per series with a value, under `directory`; a line on stderr for each."""
    for trend, name in plot_files(found):
        path = directory / name
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            why = f"cannot create {path.parent} ({err.strerror})"
            raise UsageError(f"--plot {directory}: {why}") from None
        write(path, render_trend_plot(trend))
        print(f"plot: {path}", file=sys.stderr)
