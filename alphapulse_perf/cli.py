"""`alphapulse-perf`: one `cmd_<name>` per subcommand; errors become messages and exit codes here.

Exit codes: 0 all good, 1 findings (a regression, a broken budget), 2 bad usage or unreadable data.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from alphapulse_perf import __version__
from alphapulse_perf.git import RevisionError, resolve
from alphapulse_perf.results import ResultsError, load_records, machines
from alphapulse_perf.snapshot import render_snapshot, select

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class UsageError(ValueError):
    """A request that cannot be answered as asked (the message says why)."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="alphapulse-perf", description="A thin helper over asv for the AlphaPulse suite."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    report = commands.add_parser("report", help="one commit's results on one machine, as a table")
    report.add_argument(
        "--results", type=Path, default=Path("results"), help="asv results directory"
    )
    report.add_argument("--machine", help="machine name (default: the only one in the results)")
    report.add_argument("--commit", default="HEAD", help="git revision (default: HEAD)")
    report.add_argument("--repo", type=Path, default=Path("."), help="the git repository")
    return parser


def _machine(results: Path, asked: str | None) -> str:
    known = machines(results)
    if asked:
        if asked not in known:
            raise UsageError(
                f"no machine {asked!r} in {results}; known: {', '.join(known) or 'none'}"
            )
        return asked
    if len(known) != 1:
        raise UsageError(
            f"{results} holds {len(known)} machines ({', '.join(known) or 'none'}): pass --machine"
        )
    return known[0]


def cmd_report(args: argparse.Namespace) -> int:
    machine = _machine(args.results, args.machine)
    commit = resolve(args.commit, args.repo)
    records = select(load_records(args.results, machine), machine, commit)
    sys.stdout.write(render_snapshot(records, machine, commit))
    return EXIT_OK if records else EXIT_FINDINGS


COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {"report": cmd_report}


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except (ResultsError, RevisionError, UsageError) as err:
        print(f"alphapulse-perf: {err}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `alphapulse-perf ... | head`
        return EXIT_OK
