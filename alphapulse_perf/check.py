"""`alphapulse-perf check`: the target commit against a baseline, and the budgets; one report.

Reads (records, benchmarks' rounds, named baselines), decides (compare.py, budgets.py), and returns
a `CheckReport` that the renderers (render_check.py) turn into text, Markdown or JSON.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from alphapulse_perf.baselines import load_baselines
from alphapulse_perf.budgets import BudgetCheck, check_budgets
from alphapulse_perf.compare import Comparison, Status, compare_commits
from alphapulse_perf.git import RevisionError, resolve
from alphapulse_perf.results import Record, ResultsError
from alphapulse_perf.settings import Settings

__all__ = [
    "CheckReport",
    "Revision",
    "expand",
    "load_rounds",
    "next_steps",
    "pair_counts",
    "resolve_revision",
    "run_check",
]


@dataclass(frozen=True)
class Revision:
    commit: str  # full hash
    name: str  # as asked: a baseline name, a revision, or the hash


@dataclass(frozen=True)
class CheckReport:
    baseline: Revision
    target: Revision
    comparisons: tuple[Comparison, ...]
    budgets: tuple[BudgetCheck, ...]
    # Each instruction count with the timing of the same workload (settings' `beside`), if any.
    beside: tuple[tuple[Comparison, Comparison | None], ...] = ()

    @property
    def regressions(self) -> list[Comparison]:
        return [c for c in self.comparisons if c.status is Status.REGRESSED]

    @property
    def broken_budgets(self) -> list[BudgetCheck]:
        return [b for b in self.budgets if b.fails]

    @property
    def passed(self) -> bool:
        return not self.regressions and not self.broken_budgets

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"

    def count(self, status: Status) -> int:
        return sum(1 for c in self.comparisons if c.status is status)


def load_rounds(results_dir: Path, override: int | None = None) -> dict[str, int]:
    """Each benchmark's `rounds`: `override` (`asv run -a rounds=N`), else benchmarks.json's."""
    path = results_dir / "benchmarks.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as err:
        raise ResultsError(path, f"cannot be read ({err})") from None
    rounds = {}
    if isinstance(data, dict):
        for name, attrs in data.items():
            if not isinstance(attrs, dict):
                continue  # the file's "version"
            value = attrs.get("rounds")
            if override is not None:
                rounds[name] = override
            elif isinstance(value, int) and not isinstance(value, bool) and value > 0:
                rounds[name] = value
    return rounds


_HEX = re.compile(r"^[0-9a-f]{4,40}$")


def resolve_revision(rev: str, results_dir: Path, commits: Iterable[str], repo: Path) -> Revision:
    """A named baseline, else a hash (or unique prefix) with results, else what git resolves.

    `commits` are the recorded hashes or their prefixes (run file names); a revision found there
    may come back as a prefix, which `expand` completes once the records are read.
    """
    baselines = load_baselines(results_dir)
    if rev in baselines:
        return Revision(baselines[rev].commit, rev)
    if _HEX.match(rev):
        known = sorted({c for c in commits if c.startswith(rev) or rev.startswith(c)})
        if len(known) == 1:
            return Revision(known[0], rev)
    try:
        return Revision(resolve(rev, repo), rev)
    except RevisionError:
        names = ", ".join(sorted(baselines)) or "none"
        raise RevisionError(
            f"{rev!r} is neither a named baseline (known: {names}), a commit with results in"
            f" {results_dir}, nor a revision git knows in {repo}"
        ) from None


def expand(revision: Revision, recorded: Iterable[str]) -> Revision:
    """`revision` with its full hash, when it is a prefix of exactly one recorded commit."""
    full = {c for c in recorded if c.startswith(revision.commit)}
    return Revision(full.pop(), revision.name) if len(full) == 1 else revision


def run_check(
    records: Sequence[Record],
    baseline: Revision,
    target: Revision,
    settings: Settings,
    rounds: dict[str, int],
) -> CheckReport:
    """Compare every series of `target` with `baseline`, and check the budgets on `target`."""
    comparisons = compare_commits(records, baseline.commit, target.commit, settings, rounds)
    at_target = [r for r in records if r.commit == target.commit]
    budgets = check_budgets(at_target, settings.budgets)
    return CheckReport(
        baseline, target, tuple(comparisons), tuple(budgets), pair_counts(comparisons, settings)
    )


def pair_counts(
    comparisons: Sequence[Comparison], settings: Settings
) -> tuple[tuple[Comparison, Comparison | None], ...]:
    """Every instruction count (unit `instructions`) with the timing `beside` names for it, from
    the same machine and environment."""
    timing_of = dict(settings.beside)
    by_label = {(c.machine, c.env, c.label): c for c in comparisons}
    return tuple(
        (c, by_label.get((c.machine, c.env, timing_of.get(c.label, ""))))
        for c in comparisons
        if c.unit == "instructions"
    )


def _shell_quote(text: str) -> str:
    return "'" + text.replace("'", "'\"'\"'") + "'"


def next_steps(comparison: Comparison, baseline: str, target: str) -> list[str]:
    """The commands that bisect a regression and show where its time went."""
    regex = "^" + re.escape(comparison.benchmark) + "$"
    bench = comparison.benchmark
    if comparison.params:
        bench += "(" + ", ".join(comparison.params) + ")"
    return [
        f"asv find -m {comparison.machine} {baseline[:8]}..{target[:8]} {_shell_quote(regex)}",
        f"alphapulse-perf profile-diff --bench {_shell_quote(bench)}"
        f" --from {baseline[:8]} --to {target[:8]}",
    ]
