"""`alphapulse-perf`: one `cmd_<name>` per subcommand (`gate`, `profile`); errors become
messages and exit codes here, in `main`, the one error boundary.

Exit codes: 0 all good; 1 a finding of `check` (a regression, a broken benchmark or budget, a named
benchmark missing) and nothing else; 2 bad usage, unreadable data, or a check that compared
nothing; 3 an internal error (a bug: printed with its traceback). CI reads 1 as "regression", so a
crash must never exit 1.
"""

from __future__ import annotations

import argparse
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from alphapulse_perf._asv import AsvMissing
from alphapulse_perf._files import OutputError
from alphapulse_perf.cli.bisect import cmd_bisect
from alphapulse_perf.cli.common import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError
from alphapulse_perf.cli.gate import cmd_baseline, cmd_check, cmd_confirm, cmd_report, cmd_trend
from alphapulse_perf.cli.machine import cmd_machine
from alphapulse_perf.cli.options import (
    BaselineOptions,
    BisectOptions,
    CheckOptions,
    MachineOptions,
    MergeOptions,
    ProfileDiffOptions,
    ProfileOptions,
    PublishOptions,
    ReportOptions,
    ShardOptions,
    TrendOptions,
    options_of,
)
from alphapulse_perf.cli.parser import build_parser
from alphapulse_perf.cli.profile import cmd_profile, cmd_profile_diff, cmd_publish
from alphapulse_perf.cli.runners import cmd_merge, cmd_shard
from alphapulse_perf.profiling.asv_runner import ProfileError
from alphapulse_perf.profiling.capture import CaptureError
from alphapulse_perf.publish.history import PublishError
from alphapulse_perf.regression.baselines import BaselineError
from alphapulse_perf.regression.settings import SettingsError
from alphapulse_perf.results import ResultsError
from alphapulse_perf.results.batch import BatchError
from alphapulse_perf.results.git import RevisionError
from alphapulse_perf.results.merge import MergeError
from alphapulse_perf.results.suite import SuiteError

__all__ = ["build_parser", "main"]

# Each subcommand: the class of its options, and the function that runs it with them.
COMMANDS: dict[str, tuple[type[Any], Callable[[Any], int]]] = {
    "report": (ReportOptions, cmd_report),
    "profile": (ProfileOptions, cmd_profile),
    "profile-diff": (ProfileDiffOptions, cmd_profile_diff),
    "check": (CheckOptions, cmd_check),
    "confirm": (CheckOptions, cmd_confirm),
    "baseline": (BaselineOptions, cmd_baseline),
    "trend": (TrendOptions, cmd_trend),
    "publish": (PublishOptions, cmd_publish),
    "machine": (MachineOptions, cmd_machine),
    "shard": (ShardOptions, cmd_shard),
    "merge": (MergeOptions, cmd_merge),
    "bisect": (BisectOptions, cmd_bisect),
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
    kind, command = COMMANDS[args.command]
    options = options_of(kind, args)  # outside the try: a mismatch is a bug (exit 3)
    try:
        return command(options)
    except (
        AsvMissing,
        BaselineError,
        BatchError,
        MergeError,
        CaptureError,
        OutputError,
        ProfileError,
        PublishError,
        ResultsError,
        RevisionError,
        SettingsError,
        SuiteError,
        UsageError,
    ) as err:
        print(f"alphapulse-perf: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `alphapulse-perf ... | head`
        return EXIT_OK
