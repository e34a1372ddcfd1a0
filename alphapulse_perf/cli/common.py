"""What every command shares: exit codes, the usage error, and how output is written."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from alphapulse_perf._files import refuse_inside, write_atomic
from alphapulse_perf.regression.settings import Settings, load_settings
from alphapulse_perf.results import commit_prefix, machines, run_files

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "UsageError",
    "config_path",
    "env_kept",
    "one_machine",
    "progress",
    "recorded_commits",
    "results_dir",
    "scope",
    "settings_of",
    "write",
]

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


class UsageError(ValueError):
    """A request that cannot be answered as asked (the message says why)."""


def progress(message: str) -> None:
    print(f"alphapulse-perf: {message}", file=sys.stderr)


def write(path: Path, data: str, results: Path | None = None) -> None:
    """Write an output file atomically; never into the asv `results` folder when it is given."""
    if results is not None:
        refuse_inside(path, results)
    try:
        write_atomic(path, data)
    except OSError as err:
        raise UsageError(f"{path}: cannot be written ({err.strerror})") from None


def one_machine(results: Path, asked: str | None) -> str:
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


def env_kept(args: argparse.Namespace, env: str) -> bool:
    return args.env is None or args.env.search(env) is not None


def results_dir(args: argparse.Namespace, settings: Settings) -> Path:
    if args.results is not None:
        return Path(args.results)
    if settings.results is not None:
        return config_path(args).parent / settings.results
    return Path("results")


def config_path(args: argparse.Namespace) -> Path:
    return Path("pyproject.toml") if args.config is None else Path(args.config)


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings file's; a `--config` that was named must exist, pyproject.toml may not."""
    return load_settings(config_path(args), required=args.config is not None)


def scope(args: argparse.Namespace) -> tuple[Settings, Path, str | None]:
    """The settings, the results directory and the machine (if one is named) a command reads."""
    settings = settings_of(args)
    results = results_dir(args, settings)
    machine = args.machine or settings.machine
    return settings, results, one_machine(results, machine) if machine is not None else None


def recorded_commits(results: Path) -> set[str]:
    """The commit prefixes (asv's hash_length, 8) of every run file under `results`."""
    return {commit_prefix(p) for p in run_files(results)}
