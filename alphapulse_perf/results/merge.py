"""`alphapulse-perf merge`: asv results folders measured on several runners, as one folder.

asv cannot merge results (its issues 1362 and 1271): each runner of a sharded job writes the run
file of the same commit and env with its own share of the benchmarks. Merging takes, per machine,
commit and env, the union of the rows; a benchmark that two files hold with different values is an
error naming both (never a silent pick), and so are two files of one run that disagree on what asv
records once per run (commit, env, date, params, python, requirements, env_vars). asv's own
`durations` (`<build>` and the like, one per runner) keep the longest. `machine.json` and each
entry of `benchmarks.json` must be the same wherever they appear. Everything is checked before
anything is written; each file is then written atomically, as asv writes it (compact JSON, every
column). The inputs are never written.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alphapulse_perf._files import refuse_inside, write_atomic
from alphapulse_perf.results.asv_json import JSONFileError, read_json
from alphapulse_perf.results.folders import machines, run_files
from alphapulse_perf.results.records import RESULTS_FORMAT, ResultsError

__all__ = ["ALL_COLUMNS", "MergeError", "merge_results"]

# The columns asv writes, in its order (asv.results.Results.save).
ALL_COLUMNS = ("result", "params", "version", "started_at", "duration", "stats_ci_99_a",
               "stats_ci_99_b", "stats_q_25", "stats_q_75", "stats_number", "stats_repeat",
               "samples", "profile")  # fmt: skip
ONCE_PER_RUN = ("commit_hash", "env_name", "date", "params", "python", "requirements", "env_vars")


class MergeError(ValueError):
    """Results that cannot be merged without choosing between two measurements."""


@dataclass
class _Run:
    """One run file's content being merged, and the file each row came from."""

    header: dict[str, Any]
    first: Path
    rows: dict[str, list[Any]] = field(default_factory=dict)
    row_files: dict[str, Path] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)


def _read(path: Path) -> Any:
    try:
        return read_json(path)
    except JSONFileError as err:
        raise ResultsError(path, err.problem) from None


def _full_row(path: Path, columns: Sequence[str], row: list[Any]) -> list[Any]:
    """A row in asv's column order whatever order `columns` had; trailing empty cells dropped."""
    cells = dict(zip(columns, row, strict=False))
    unknown = set(cells) - set(ALL_COLUMNS)
    if unknown:
        raise ResultsError(
            path, f"result_columns has columns asv does not write: {sorted(unknown)}"
        )
    full = [cells.get(column) for column in ALL_COLUMNS]
    while full and full[-1] is None:
        full.pop()
    return full


def _add_run(runs: dict[tuple[str, str], _Run], machine: str, path: Path) -> None:
    data = _read(path)
    if not isinstance(data, dict) or data.get("version") != RESULTS_FORMAT:
        raise ResultsError(path, f"is not an asv run file of results format {RESULTS_FORMAT}")
    header = {key: data.get(key) for key in ONCE_PER_RUN}
    run = runs.setdefault((machine, path.name), _Run(header, path))
    for key in ONCE_PER_RUN:
        if run.header[key] != header[key]:
            raise MergeError(
                f"{run.first} and {path} are one run ({machine}/{path.name}) but disagree on"
                f" {key!r}: {run.header[key]!r} against {header[key]!r}"
            )
    columns = data.get("result_columns") or []
    for name, row in (data.get("results") or {}).items():
        full = _full_row(path, columns, row)
        if name in run.rows and run.rows[name] != full:
            raise MergeError(
                f"benchmark {name!r} of {machine}/{path.name} was measured twice with different"
                f" values: in {run.row_files[name]} and in {path}; keep one measurement"
            )
        run.rows[name], run.row_files[name] = full, path
    for key, seconds in (data.get("durations") or {}).items():
        run.durations[key] = max(seconds, run.durations.get(key, seconds))


def _same_everywhere(
    found: dict[str, tuple[Any, Path]], key: str, what: str, value: Any, path: Path
) -> None:
    """Record `value` under `key`, or check that it equals what another file said."""
    if key in found and found[key][0] != value:
        raise MergeError(f"{what} differs between {found[key][1]} and {path}")
    found.setdefault(key, (value, path))


def merge_results(sources: Sequence[Path], into: Path) -> list[Path]:
    """Merge the results folders `sources` (and what `into` already holds) into `into`; the
    files written, in order. Nothing is written when any conflict is found."""
    for source in sources:
        if source.resolve() == into.resolve():
            raise MergeError(f"--into {into} is one of the folders to merge")
        refuse_inside(into, source, "--into")  # the inputs are never written
    folders = [*sources, *([into] if (into / "benchmarks.json").is_file() else [])]
    runs: dict[tuple[str, str], _Run] = {}
    described: dict[str, tuple[Any, Path]] = {}
    suite: dict[str, tuple[Any, Path]] = {}
    for folder in folders:
        benchmarks = _read(folder / "benchmarks.json")
        if not isinstance(benchmarks, dict):
            raise ResultsError(folder / "benchmarks.json", "should hold an object of benchmarks")
        for name, attrs in benchmarks.items():
            where = folder / "benchmarks.json"
            _same_everywhere(suite, name, f"benchmarks.json's entry {name!r}", attrs, where)
        for machine in machines(folder):
            path = folder / machine / "machine.json"
            what = f"{machine}/machine.json (two hosts under one name?)"
            _same_everywhere(described, machine, what, _read(path), path)
            for run_path in run_files(folder, machine):
                _add_run(runs, machine, run_path)
    return _write(into, runs, described, suite)


def _write(
    into: Path,
    runs: dict[tuple[str, str], _Run],
    described: dict[str, tuple[Any, Path]],
    suite: dict[str, tuple[Any, Path]],
) -> list[Path]:
    written = []
    for (machine, name), run in sorted(runs.items()):
        data = {
            **run.header,
            "result_columns": list(ALL_COLUMNS),
            "results": {key: run.rows[key] for key in sorted(run.rows)},
            "durations": dict(sorted(run.durations.items())),
            "version": RESULTS_FORMAT,
        }
        written.append(_write_json(into / machine / name, data, compact=True))
    for machine, (value, _) in sorted(described.items()):
        written.append(_write_json(into / machine / "machine.json", value))
    benchmarks = {name: value for name, (value, _) in sorted(suite.items())}
    written.append(_write_json(into / "benchmarks.json", benchmarks))
    return written


def _write_json(path: Path, data: Any, compact: bool = False) -> Path:
    """As asv writes its files: compact run files, indented and sorted descriptions."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data) if compact else json.dumps(data, indent=4, sort_keys=True)
    write_atomic(path, text)
    return path
