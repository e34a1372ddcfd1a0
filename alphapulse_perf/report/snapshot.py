"""One commit's results on one machine, as a table: what the main job prints after a run."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from alphapulse_perf.report.tables import markdown_table, text_table
from alphapulse_perf.report.units import format_value, json_number
from alphapulse_perf.results import Outcome, Record

__all__ = ["SNAPSHOT_FORMATS", "render_snapshot", "select"]


def select(records: Sequence[Record], machine: str, commit: str) -> list[Record]:
    """The records of `commit` (a full hash) on `machine`, in benchmark order, then env."""
    chosen = [r for r in records if r.machine == machine and r.commit == commit]
    return sorted(chosen, key=lambda r: (r.benchmark, r.env))  # stable: params keep asv's order


def _shown(r: Record) -> str:
    return format_value(r.value, r.unit) if r.outcome is Outcome.OK else r.outcome.value


def _envs(records: Sequence[Record]) -> list[str]:
    return sorted({r.env for r in records})


def _rows(records: Sequence[Record]) -> list[list[str]]:
    several = len(_envs(records)) > 1
    return [[r.label, *([r.env] if several else []), _shown(r)] for r in records]


def _header(records: Sequence[Record]) -> list[str]:
    return ["benchmark", *(["env"] if len(_envs(records)) > 1 else []), "value"]


def _text(records: Sequence[Record], machine: str, commit: str) -> str:
    lines = [f"commit {commit[:8]} on machine {machine} ({', '.join(_envs(records))})", ""]
    lines += text_table(_rows(records))
    return "\n".join(lines) + "\n"


def _markdown(records: Sequence[Record], machine: str, commit: str) -> str:
    lines = [f"**commit {commit[:8]} on machine {machine}** ({', '.join(_envs(records))})", ""]
    lines += markdown_table(_header(records), _rows(records))
    return "\n".join(lines) + "\n"


def _json(records: Sequence[Record], machine: str, commit: str) -> str:
    data = {
        "commit": commit,
        "machine": machine,
        "benchmarks": [
            {
                "name": r.benchmark,
                "params": dict(zip(r.param_names, r.params, strict=True)),
                "label": r.label,
                "env": r.env,
                "unit": r.unit,
                "outcome": r.outcome.value,
                "value": json_number(r.value) if r.outcome is Outcome.OK else None,
            }
            for r in records
        ],
    }
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


SNAPSHOT_FORMATS: dict[str, Callable[[Sequence[Record], str, str], str]] = {
    "text": _text,
    "markdown": _markdown,
    "json": _json,
}


def render_snapshot(records: Sequence[Record], machine: str, commit: str, fmt: str = "text") -> str:
    """The records as a table, one line per benchmark, parameter combination (and env)."""
    return SNAPSHOT_FORMATS[fmt](records, machine, commit)
