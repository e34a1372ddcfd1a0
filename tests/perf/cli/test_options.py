"""Every subcommand's parsed options become its typed options, none left behind."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from alphapulse_perf.cli import COMMANDS
from alphapulse_perf.cli.options import CheckOptions, options_of
from alphapulse_perf.cli.parser import build_parser

SMALLEST = {
    "report": ["report"],
    "profile": ["profile", "time_detect"],
    "profile-diff": ["profile-diff", "a.prof", "b.prof"],
    "check": ["check"],
    "confirm": ["confirm", "--second-batch", "second"],
    "baseline": ["baseline", "set", "release", "HEAD"],
    "trend": ["trend"],
    "publish": ["publish"],
    "machine": ["machine", "check"],
    "shard": ["shard", "1", "3", "--only", "^bench_"],
    "merge": ["merge", "a", "b", "--into", "c"],
    "bisect": ["bisect", "workload='detect'", "HEAD~4", "HEAD"],
}


def test_every_command_has_a_case() -> None:
    assert set(SMALLEST) == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(SMALLEST))
def test_the_parser_and_the_options_agree(name: str) -> None:
    args = build_parser().parse_args(SMALLEST[name])
    kind, _ = COMMANDS[name]
    options = options_of(kind, args)
    fields = {f.name for f in dataclasses.fields(options)}
    # Every option the parser gives reaches the command (the subcommand's name aside).
    assert set(vars(args)) - {"command"} <= fields, set(vars(args)) - fields


def test_the_values_are_the_parsed_ones() -> None:
    args = build_parser().parse_args(["confirm", "--second-batch", "s", "--rounds", "4"])
    options = options_of(CheckOptions, args)
    assert (options.second_batch, options.rounds, options.commit) == (Path("s"), 4, "HEAD")
    check = options_of(CheckOptions, build_parser().parse_args(["check"]))
    assert (check.into, check.second_batch) == (None, None)  # confirm's own


def test_a_parser_that_lacks_an_option_is_a_bug() -> None:
    args = build_parser().parse_args(["merge", "a", "--into", "c"])
    with pytest.raises(
        TypeError, match="CheckOptions: the parser gives no results, config, repo, baseline"
    ):
        options_of(CheckOptions, args)
