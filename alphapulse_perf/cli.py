"""`alphapulse-perf`: one `cmd_<name>` per subcommand; errors become messages and exit codes here.

Exit codes: 0 all good; 1 a finding of `check` (a regression, a broken benchmark or budget, a named
benchmark missing) and nothing else; 2 bad usage, unreadable data, or a check that compared
nothing; 3 an internal error (a bug: printed with its traceback). CI reads 1 as "regression", so a
crash must never exit 1.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path

from alphapulse_perf import __version__
from alphapulse_perf._asv import AsvMissing
from alphapulse_perf._files import OutputError, refuse_inside, write_atomic
from alphapulse_perf.profiling.asv_runner import ProfileError, profile_benchmarks
from alphapulse_perf.profiling.capture import CaptureError, load_capture
from alphapulse_perf.profiling.diff import SORTS, Normalisation, compare_captures, offender_marks
from alphapulse_perf.profiling.diff_render import render_diff
from alphapulse_perf.profiling.flamegraph import render_flamegraph
from alphapulse_perf.publish.history import PublishError, publish_history
from alphapulse_perf.regression.baselines import (
    BaselineError,
    load_baselines,
    remove_baseline,
    set_baseline,
)
from alphapulse_perf.regression.check import (
    CheckReport,
    Revision,
    resolve_revision,
    rounds_of,
    run_check,
)
from alphapulse_perf.regression.confirm import (
    Confirmation,
    remeasured,
    timing_regressions,
    worth_a_second_batch,
)
from alphapulse_perf.regression.settings import Settings, SettingsError, load_settings
from alphapulse_perf.regression.trend import Trend, trends
from alphapulse_perf.report.check import FORMATS, render_check, render_nothing_compared
from alphapulse_perf.report.confirm import CONFIRM_FORMATS, render_confirmation
from alphapulse_perf.report.snapshot import SNAPSHOT_FORMATS, render_snapshot, select
from alphapulse_perf.report.trend import TREND_FORMATS, render_trends
from alphapulse_perf.report.trend_plot import plot_files, render_trend_plot
from alphapulse_perf.results import (
    BenchmarkInfo,
    Record,
    ResultsError,
    commit_prefix,
    load_benchmarks,
    load_records,
    machines,
    run_files,
)
from alphapulse_perf.results.batch import BatchError, measure_batch
from alphapulse_perf.results.git import RevisionError, resolve

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(ValueError):
    """A request that cannot be answered as asked (the message says why)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alphapulse-perf", description="A thin helper over asv for the AlphaPulse suite."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    report = commands.add_parser("report", help="one commit's results on one machine, as a table")
    _add_settings_options(report)
    report.add_argument("--machine", help="machine name (default: the only one in the results)")
    report.add_argument(
        "--commit", default="HEAD", help="a recorded hash or prefix, or a git revision (HEAD)"
    )
    report.add_argument("--format", choices=tuple(SNAPSHOT_FORMATS), default="text")
    _add_env_option(report)

    profile = commands.add_parser(
        "profile", help="profile asv benchmarks at a commit: .prof, .txt and .svg per combination"
    )
    profile.add_argument(
        "regex", metavar="REGEX", help="benchmarks (parentheses of parameters need no escaping)"
    )
    profile.add_argument("--commit", default="HEAD", help="git revision (default: HEAD)")
    profile.add_argument("--out", type=Path, help="output directory (default: profiles/<commit>)")
    _add_profiling_options(profile)

    diff = commands.add_parser(
        "profile-diff", help="the functions whose time changed most between two captures"
    )
    diff.add_argument("captures", nargs="*", metavar="CAPTURE", help="before.prof after.prof")
    diff.add_argument("--bench", help="profile this benchmark combination at --from and --to")
    diff.add_argument("--from", dest="from_rev", metavar="REV", help="the before commit")
    diff.add_argument("--to", dest="to_rev", metavar="REV", help="the after commit")
    diff.add_argument(
        "--out", type=Path, default=Path("profiles"), help="captures of --bench (default: profiles)"
    )
    diff.add_argument("--format", choices=("text", "markdown"), default="text")
    diff.add_argument("--output", type=Path, help="write the table here instead of stdout")
    diff.add_argument("--top", type=int, default=15, help="rows shown (default: 15)")
    diff.add_argument("--sort", choices=SORTS, default="attributed", help="rank by this change")
    diff.add_argument(
        "--normalise",
        choices=[n.value for n in Normalisation],
        default="auto",
        help="per-call of the shared entry, share of total, or none (default: auto)",
    )
    diff.add_argument(
        "--flamegraph",
        type=Path,
        help="flame graph (SVG) of the after capture, top offenders marked "
        "(default with --bench: OUT/<benchmark>.<from>-<to>.svg)",
    )
    diff.add_argument("--mark", type=int, default=5, help="offenders marked (default: 5)")
    _add_profiling_options(diff)
    _add_check_parsers(commands)
    publish = commands.add_parser(
        "publish", help="asv's HTML history (asv publish), made to open offline too"
    )
    publish.add_argument("--repo", type=Path, default=Path("."), help="the repository (asv's)")
    publish.add_argument(
        "--html", type=Path, default=Path("html"), help="asv's html_dir, under --repo"
    )
    publish.add_argument(
        "--cache",
        type=Path,
        default=Path(".asv/vendor"),
        help="npm packages of the page's JavaScript, fetched once (default: .asv/vendor)",
    )
    return parser


def _add_settings_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--results", type=Path, help="asv results directory (default: settings' results, results)"
    )
    parser.add_argument("--repo", type=Path, default=Path("."), help="the git repository")
    parser.add_argument(
        "--config",
        type=Path,
        help="settings file with [tool.alphapulse_perf] (default: pyproject.toml, if present)",
    )


def _add_env_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env", metavar="REGEX", type=_regex, help="only the asv envs whose name matches"
    )


def _regex(text: str) -> re.Pattern[str]:
    try:
        return re.compile(text)
    except re.error as err:
        raise argparse.ArgumentTypeError(f"not a regular expression ({err})") from None


def _add_check_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser(
        "check", help="the target commit against a baseline and the budgets; exit 1 on a finding"
    )
    _add_check_options(check)
    check.add_argument("--format", choices=tuple(FORMATS), default="text")

    confirm = commands.add_parser(
        "confirm",
        help="check, then measure the flagged timing regressions again in a second batch; only"
        " those that both batches show fail",
    )
    _add_check_options(confirm)
    confirm.add_argument(
        "--into",
        type=Path,
        metavar="DIR",
        help="the second batch's folder, new or empty (default: a new one under .asv/confirm)",
    )
    confirm.add_argument("--format", choices=tuple(CONFIRM_FORMATS), default="text")

    baseline = commands.add_parser("baseline", help="named baselines: set NAME REV, list, rm NAME")
    actions = baseline.add_subparsers(dest="action", required=True, metavar="ACTION")
    for action, helptext in (
        ("set", "name a commit (replaces an earlier baseline of that name)"),
        ("list", "the named baselines"),
        ("rm", "forget a named baseline"),
    ):
        sub = actions.add_parser(action, help=helptext)
        _add_settings_options(sub)
        if action in ("set", "rm"):
            sub.add_argument("name", metavar="NAME")
        if action == "set":
            sub.add_argument("rev", metavar="REV")

    trend = commands.add_parser("trend", help="each series' steps over the recorded history")
    trend.add_argument("regex", nargs="?", metavar="REGEX", help="series (re.search on labels)")
    trend.add_argument("--machine", help="machine name (default: settings', else every machine)")
    trend.add_argument(
        "--plot",
        type=Path,
        metavar="DIR",
        help="also draw each series as a small SVG: DIR/<machine>/<series>.svg",
    )
    trend.add_argument("--format", choices=tuple(TREND_FORMATS), default="text")
    _add_env_option(trend)
    _add_settings_options(trend)


def _add_check_options(parser: argparse.ArgumentParser) -> None:
    _add_settings_options(parser)
    parser.add_argument(
        "--baseline", metavar="NAME|REV", help="named baseline or revision (default: settings')"
    )
    parser.add_argument("--commit", default="HEAD", help="the target revision (default: HEAD)")
    parser.add_argument("--machine", help="machine name (default: settings', else every machine)")
    parser.add_argument(
        "--rounds",
        type=int,
        metavar="N",
        help="the rounds asv ran when `asv run -a rounds=N` overrode the suite's (default: each"
        " benchmark's own, from benchmarks.json); confirm measures its batch with as many",
    )
    parser.add_argument("--output", type=Path, help="write the report here instead of stdout")
    _add_env_option(parser)


def _add_profiling_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--repo", type=Path, default=Path("."), help="the git repository")
    parser.add_argument(
        "--min-time",
        type=float,
        default=1.0,
        help="seconds of calls profiled per benchmark combination (default: 1)",
    )


def _machine(results: Path, asked: str | None) -> str:
    known = machines(results)
    if asked:
        if asked not in known:
            raise UsageError(
                f"no machine {asked!r} in {results}; known: {', '.join(known) or 'none'}"
            )
        return asked
    if not known:
        raise UsageError(f"{results} holds no machine (no <machine>/machine.json that asv writes)")
    if len(known) != 1:
        raise UsageError(
            f"{results} holds {len(known)} machines ({', '.join(known) or 'none'}): pass --machine"
        )
    return known[0]


def cmd_report(args: argparse.Namespace) -> int:
    _, results, machine = _scope(args)
    machine = machine or _machine(results, None)
    commit = resolve_revision(args.commit, results, run_files(results, machine), args.repo).commit
    records = load_records(results, machine, [commit])
    chosen = [r for r in select(records, machine, commit) if _env_kept(args, r.env)]
    if not chosen:
        raise UsageError(f"no results for commit {commit[:8]} on machine {machine} in {results}")
    sys.stdout.write(render_snapshot(chosen, machine, commit, args.format))
    return EXIT_OK


def _env_kept(args: argparse.Namespace, env: str) -> bool:
    return args.env is None or args.env.search(env) is not None


def _progress(message: str) -> None:
    print(f"alphapulse-perf: {message}", file=sys.stderr)


def _write(path: Path, data: str, results: Path | None = None) -> None:
    """Write an output file atomically; never into the asv `results` folder when it is given."""
    if results is not None:
        refuse_inside(path, results)
    try:
        write_atomic(path, data)
    except OSError as err:
        raise UsageError(f"{path}: cannot be written ({err.strerror})") from None


def cmd_profile(args: argparse.Namespace) -> int:
    commit = resolve(args.commit, args.repo)
    out = args.out if args.out is not None else Path("profiles") / commit[:8]
    outcomes = profile_benchmarks(
        args.repo, commit, args.regex, out, args.min_time, progress=_progress
    )
    for o in outcomes:
        if o.status == "ok":
            print(f"{o.case.label}: {o.calls} calls -> {o.txt} (.prof, .svg)")
        else:
            print(f"{o.case.label}: {o.status}: {o.message.rstrip()}", file=sys.stderr)
    failed = any(o.status == "failed" for o in outcomes)
    return EXIT_FINDINGS if failed or all(o.status != "ok" for o in outcomes) else EXIT_OK


def _bench_captures(args: argparse.Namespace) -> tuple[Path, Path]:
    """`--bench X --from A --to B`: X profiled at both commits; the two `.prof` files."""
    paths = []
    for rev in (args.from_rev, args.to_rev):
        commit = resolve(rev, args.repo)
        (outcome,) = profile_benchmarks(
            args.repo, commit, args.bench, args.out / commit[:8], args.min_time,
            expect_one=True, progress=_progress,
        )  # fmt: skip
        if outcome.prof is None:
            why = f"{outcome.status}: {outcome.message.rstrip()}"
            raise ProfileError(f"{outcome.case.label} at {commit[:8]}: {why}")
        paths.append(outcome.prof)
    return paths[0], paths[1]


def cmd_profile_diff(args: argparse.Namespace) -> int:
    bench = (args.bench, args.from_rev, args.to_rev)
    if args.captures and any(bench):
        raise UsageError("give two capture files or --bench/--from/--to, not both")
    if any(bench) and not all(bench):
        raise UsageError("--bench, --from and --to go together")
    if not any(bench) and len(args.captures) != 2:
        raise UsageError("give two capture files (before, after) or --bench X --from A --to B")
    if args.top < 1 or args.mark < 0:
        raise UsageError("--top must be at least 1 and --mark at least 0")
    before_path, after_path = (
        _bench_captures(args) if args.bench else (Path(args.captures[0]), Path(args.captures[1]))
    )
    after = load_capture(after_path)
    diff = compare_captures(
        load_capture(before_path), after, Normalisation(args.normalise), args.sort
    )
    table = render_diff(diff, args.format, args.top)
    if args.output is not None:
        _write(args.output, table)
    else:
        sys.stdout.write(table)
    picture = args.flamegraph
    if picture is None and args.bench:  # captures are in OUT/<commit8>/
        revs = f"{before_path.parent.name}-{after_path.parent.name}"
        picture = args.out / f"{after_path.stem}.{revs}.svg"
    if picture is not None:
        title = f"{after_path}\nagainst {before_path}: the top offenders are marked"
        _write(picture, render_flamegraph(after, title, offender_marks(diff, args.mark)))
        print(f"flame graph: {picture}", file=sys.stderr)
    return EXIT_OK


def _results_dir(args: argparse.Namespace, settings: Settings) -> Path:
    if args.results is not None:
        return Path(args.results)
    if settings.results is not None:
        return _config(args).parent / settings.results
    return Path("results")


def _config(args: argparse.Namespace) -> Path:
    return Path("pyproject.toml") if args.config is None else Path(args.config)


def _settings(args: argparse.Namespace) -> Settings:
    """The settings file's; a `--config` that was named must exist, pyproject.toml may not."""
    return load_settings(_config(args), required=args.config is not None)


def _scope(args: argparse.Namespace) -> tuple[Settings, Path, str | None]:
    """The settings, the results directory and the machine (if one is named) a command reads."""
    settings = _settings(args)
    results = _results_dir(args, settings)
    machine = args.machine or settings.machine
    return settings, results, _machine(results, machine) if machine is not None else None


def _recorded_commits(results: Path) -> set[str]:
    """The commit prefixes (asv's hash_length, 8) of every run file under `results`."""
    return {commit_prefix(p) for p in run_files(results)}


def _first_check(args: argparse.Namespace) -> tuple[Settings, Path, CheckReport]:
    """The check of the stored results that `check` reports and `confirm` starts from."""
    settings, results, machine = _scope(args)
    asked = args.baseline or settings.default_baseline
    if asked is None:
        raise UsageError(
            f"no baseline: pass --baseline NAME|REV or set default_baseline in {_config(args)}"
        )
    if args.rounds is not None and args.rounds < 1:
        raise UsageError(f"--rounds must be at least 1, got {args.rounds}")
    files = run_files(results, machine)
    baseline, target = (
        resolve_revision(rev, results, files, args.repo) for rev in (asked, args.commit)
    )
    report = _check_results(results, machine, (baseline, target), settings, args.rounds, args.env)
    return settings, results, report


def _check_results(
    results: Path,
    machine: str | None,
    pair: tuple[Revision, Revision],
    settings: Settings,
    rounds_override: int | None,
    envs: re.Pattern[str] | None,
) -> CheckReport:
    baseline, target = pair
    benchmarks = load_benchmarks(results)
    records = load_records(
        results, machine, [baseline.commit, target.commit], benchmarks=benchmarks
    )
    _require_results(records, (("baseline", baseline), ("target", target)), results, machine)
    rounds = rounds_of(benchmarks, rounds_override)
    report = run_check(records, baseline, target, settings, rounds, envs)
    if report.compared_nothing:
        raise UsageError(render_nothing_compared(report).rstrip())
    return report


def _emit(args: argparse.Namespace, text: str, results: Path) -> None:
    if args.output is not None:
        _write(args.output, text, results)
    else:
        sys.stdout.write(text)


def cmd_check(args: argparse.Namespace) -> int:
    _, results, report = _first_check(args)
    _emit(args, render_check(report, args.format), results)
    return EXIT_OK if report.passed else EXIT_FINDINGS


def cmd_confirm(args: argparse.Namespace) -> int:
    settings, results, first = _first_check(args)
    machine = args.machine or settings.machine or _machine(results, None)
    flagged = timing_regressions(first, settings, machine)
    if not worth_a_second_batch(first, flagged):
        confirmation = Confirmation(first, flagged, None)
    else:
        names = remeasured(first, flagged)
        folder = _batch_folder(args, results, first)
        rounds = args.rounds or 4
        _progress(f"measuring {len(names)} benchmarks again in {folder} ({rounds} rounds a side)")
        seconds = measure_batch(
            args.repo, [first.baseline.commit, first.target.commit], names,
            machine=machine, rounds=rounds, folder=folder, show_progress=sys.stderr.isatty(),
        )  # fmt: skip
        pair = (first.baseline, first.target)
        second = _check_results(folder / "results", machine, pair, settings, rounds, args.env)
        confirmation = Confirmation(first, flagged, second, names, seconds)
    _emit(args, render_confirmation(confirmation, args.format), results)
    return EXIT_OK if confirmation.passed else EXIT_FINDINGS


def _batch_folder(args: argparse.Namespace, results: Path, first: CheckReport) -> Path:
    """Where the second batch goes: never under asv's results, never over an earlier batch."""
    if args.into is None:
        parent = args.repo / ".asv" / "confirm"
        parent.mkdir(parents=True, exist_ok=True)
        prefix = f"{first.baseline.commit[:8]}-{first.target.commit[:8]}-"
        return Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    folder: Path = args.into
    refuse_inside(folder, results, "--into")
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise UsageError(f"--into {folder}: should be a new or empty folder")
    return folder


def _require_results(
    records: list[Record],
    revisions: tuple[tuple[str, Revision], ...],
    results: Path,
    machine: str | None,
) -> None:
    commits = {r.commit for r in records}
    for role, rev in revisions:
        if rev.commit not in commits:
            where = f"{results}" + (f" for machine {machine}" if machine else "")
            raise UsageError(f"the {role} {rev.name} ({rev.commit[:8]}) has no results in {where}")


def cmd_baseline(args: argparse.Namespace) -> int:
    results = _results_dir(args, _settings(args))
    if args.action == "list":
        recorded = _recorded_commits(results)
        for b in load_baselines(results).values():
            note = "" if b.commit[:8] in recorded else "  (no results)"
            print(f"{b.name}\t{b.commit}{note}")
        return EXIT_OK
    if args.action == "rm":
        removed = remove_baseline(results, args.name)
        print(f"removed baseline {removed.name} ({removed.commit[:8]})")
        return EXIT_OK
    files = run_files(results)
    commit = resolve_revision(args.rev, results, files, args.repo).commit
    baseline = set_baseline(results, args.name, commit)
    print(f"baseline {baseline.name} -> {commit[:8]}")
    if commit[:8] not in {commit_prefix(p) for p in files}:
        _progress(
            f"warning: {commit[:8]} has no results in {results} yet;"
            f" record them with `asv run {commit[:8]}^!` before checking against {args.name}"
        )
    return EXIT_OK


def cmd_trend(args: argparse.Namespace) -> int:
    plot: Path | None = args.plot
    if plot is not None and plot.exists() and not plot.is_dir():  # before any work is done
        raise UsageError(f"--plot {plot}: is not a directory")
    settings, results, machine = _scope(args)
    if plot is not None:  # before a folder of it is created
        refuse_inside(plot, results, "--plot")
    try:
        pattern = re.compile(args.regex) if args.regex else None
    except re.error as err:
        raise UsageError(f"REGEX {args.regex!r} is not a regular expression ({err})") from None
    benchmarks = load_benchmarks(results)
    wanted = _names_matching(benchmarks, pattern)
    records = load_records(results, machine, wanted=wanted, samples=False, benchmarks=benchmarks)
    chosen = [r for r in records if _env_kept(args, r.env)]
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
        _write(path, render_trend_plot(trend))
        print(f"plot: {path}", file=sys.stderr)


def cmd_publish(args: argparse.Namespace) -> int:
    written = publish_history(args.repo, args.html, args.cache, show_progress=sys.stderr.isatty())
    root = args.repo / args.html
    names = ", ".join(str(p.relative_to(root)) for p in written) or "nothing (already offline)"
    print(f"{root}: published; vendoring wrote {names}")
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "report": cmd_report,
    "profile": cmd_profile,
    "profile-diff": cmd_profile_diff,
    "check": cmd_check,
    "confirm": cmd_confirm,
    "baseline": cmd_baseline,
    "trend": cmd_trend,
    "publish": cmd_publish,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except Exception:  # the one catch-all: a bug, reported as such and never as exit 1
        traceback.print_exc()
        print(
            "alphapulse-perf: internal error (a bug, not your data): please report it with the"
            " traceback above",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def _run(args: argparse.Namespace) -> int:
    try:
        return COMMANDS[args.command](args)
    except (
        AsvMissing,
        BaselineError,
        BatchError,
        CaptureError,
        OutputError,
        ProfileError,
        PublishError,
        ResultsError,
        RevisionError,
        SettingsError,
        UsageError,
    ) as err:
        print(f"alphapulse-perf: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `alphapulse-perf ... | head`
        return EXIT_OK
