"""The command line: every subcommand and option of `alphapulse-perf`."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from alphapulse_perf import __version__
from alphapulse_perf.profiling.diff import SORTS, Normalisation
from alphapulse_perf.regression.bisect import METRICS
from alphapulse_perf.report.check import FORMATS
from alphapulse_perf.report.confirm import CONFIRM_FORMATS
from alphapulse_perf.report.snapshot import SNAPSHOT_FORMATS
from alphapulse_perf.report.trend import TREND_FORMATS

__all__ = ["build_parser"]


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
    profile.add_argument(
        "--lines",
        nargs="+",
        metavar="FUNC",
        help="also time these functions line by line (line_profiler): package.module.function"
        " or package.module:Class.method; writes <benchmark>.lines.txt",
    )
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
    diff.add_argument(
        "--lines",
        type=int,
        default=0,
        metavar="K",
        help="with --bench: the K functions of ours that changed most, timed line by line at"
        " both commits (line_profiler), before and after per line",
    )
    _add_profiling_options(diff)
    _add_check_parsers(commands)
    machine = commands.add_parser(
        "machine", help="machine check: is this host the one whose results a name holds?"
    )
    machine_actions = machine.add_subparsers(dest="action", required=True, metavar="ACTION")
    check_host = machine_actions.add_parser(
        "check", help="compare this host with the stored machine.json; exit 2 when it differs"
    )
    check_host.add_argument("--machine", help="the machine name (default: settings')")
    _add_settings_options(check_host)
    shard = commands.add_parser(
        "shard", help="the asv -b regex of shard K of N (each benchmark in exactly one shard)"
    )
    shard.add_argument("k", type=int, metavar="K", help="this shard, 1 to N")
    shard.add_argument("n", type=int, metavar="N", help="the number of shards")
    shard.add_argument(
        "--machine", help="whose recorded durations balance the shards (default: every machine)"
    )
    shard.add_argument(
        "--match",
        type=_regex,
        metavar="REGEX",
        help="shard only the benchmarks whose name matches (re.search), e.g. the timings",
    )
    shard.add_argument(
        "--only",
        type=_regex,
        metavar="REGEX",
        help="print only the benchmarks of shard K that match (re.search), after sharding the"
        " whole suite: the same shards, one asv run each for timings and counts; nothing is"
        " printed when the shard has none of them",
    )
    shard.add_argument(
        "--benchmarks",
        type=Path,
        default=Path("benchmarks"),
        help="the suite (asv's benchmark_dir), discovered beside benchmarks.json's list",
    )
    _add_settings_options(shard)
    merge = commands.add_parser(
        "merge", help="results folders of several runners as one (conflicts are errors)"
    )
    merge.add_argument("folders", nargs="+", type=Path, metavar="DIR", help="asv results folders")
    merge.add_argument(
        "--into", type=Path, required=True, metavar="RESULTS", help="the merged results folder"
    )
    bisect = commands.add_parser(
        "bisect",
        help="the first commit between GOOD and BAD whose instruction count (or cycle estimate)"
        " moved (exact, in log2(n) measurements)",
    )
    bisect.add_argument(
        "benchmark",
        metavar="BENCHMARK",
        help="a series of the metric (its label, or a part only that label has), a timing whose"
        " count settings' beside names, or (for cycles) a count of the same workload",
    )
    bisect.add_argument("good", metavar="GOOD", help="a revision where the value was right")
    bisect.add_argument("bad", metavar="BAD", help="a later revision where it had moved")
    bisect.add_argument("--metric", choices=METRICS, default="instructions")
    bisect.add_argument(
        "--machine", help="asv's machine name (default: settings', else the only one)"
    )
    bisect.add_argument("--format", choices=("text", "json"), default="text")
    _add_settings_options(bisect)
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
    confirm.add_argument(
        "--second-batch",
        type=Path,
        metavar="RESULTS",
        help="the second batch as already measured (sharded runners: each confirms its share,"
        " then their batches are merged): decide from it, measure nothing; an empty folder"
        " means no runner measured one",
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
        "--baseline-machine",
        metavar="NAME",
        help="the baseline as measured on machine NAME: only the deterministic benchmarks"
        " (instruction counts) are compared with the target's on --machine",
    )
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
