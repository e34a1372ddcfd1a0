"""What every command shares: exit codes, the usage error, and how output is written."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from alphapulse_perf._files import refuse_inside, write_atomic
from alphapulse_perf.regression.settings import Settings, load_settings
from alphapulse_perf.results import commit_prefix, machines, run_files

__all__ = [
    "EXIT_FINDINGS",
    "EXIT_INTERNAL",
    "EXIT_OK",
    "EXIT_USAGE",
    "Scope",
    "UsageError",
    "one_machine",
    "progress",
    "recorded_commits",
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


@dataclass(frozen=True)
class Scope:
    """What a command that reads results points at, from the options they share: `--config`
    (the settings), `--results`, `--repo`, and where a command has them `--machine`, `--env`."""

    settings: Settings
    config: Path
    results: Path
    repo: Path
    machine: str | None  # as asked (--machine, else the settings'), not yet looked up
    envs: re.Pattern[str] | None

    @classmethod
    def of(cls, args: object) -> Scope:
        """From a command's options (`cli.options`): those it has of the shared ones."""
        named = getattr(args, "config", None)
        config = Path("pyproject.toml") if named is None else Path(named)
        # A --config that was named must exist; pyproject.toml may not.
        settings = load_settings(config, required=named is not None)
        asked = getattr(args, "results", None)
        if asked is not None:
            results = Path(asked)
        elif settings.results is not None:
            results = config.parent / settings.results
        else:
            results = Path("results")
        machine = getattr(args, "machine", None) or settings.machine
        repo = Path(getattr(args, "repo", "."))
        return cls(settings, config, results, repo, machine, getattr(args, "env", None))

    def named_machine(self) -> str | None:
        """The machine asked for, checked against the results; None when none was named."""
        return one_machine(self.results, self.machine) if self.machine is not None else None

    def env_kept(self, env: str) -> bool:
        return self.envs is None or self.envs.search(env) is not None


def recorded_commits(results: Path) -> set[str]:
    """The commit prefixes (asv's hash_length, 8) of every run file under `results`."""
    return {commit_prefix(p) for p in run_files(results)}
