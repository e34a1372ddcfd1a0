"""`alphapulse-perf check`: the target commit against a baseline, and the budgets; one report.

Reads (records, benchmarks' rounds, named baselines), decides (compare.py, budgets.py), and returns
a `CheckReport` that the renderers (render_check.py) turn into text, Markdown or JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from alphapulse_perf.regression.across import across_machines
from alphapulse_perf.regression.baselines import load_baselines
from alphapulse_perf.regression.beside import Beside, pair_counts
from alphapulse_perf.regression.budgets import BudgetCheck, BudgetStatus, check_budgets
from alphapulse_perf.regression.compare import (
    COMPARED,
    Comparison,
    Status,
    compare_sides,
    pair_envs,
)
from alphapulse_perf.regression.corroborate import corroborate
from alphapulse_perf.regression.drift import Drift, discount_drift, find_drift
from alphapulse_perf.regression.settings import Finding, Settings
from alphapulse_perf.results import BenchmarkInfo, Record, full_hashes
from alphapulse_perf.results.git import RevisionError, resolve

__all__ = [
    "Beside",
    "CheckReport",
    "Coverage",
    "Revision",
    "pair_counts",
    "resolve_revision",
    "rounds_of",
    "run_check",
]


@dataclass(frozen=True)
class Revision:
    commit: str  # full hash
    name: str  # as asked: a baseline name, a revision, or the hash


@dataclass(frozen=True)
class Coverage:
    """What each side holds, and which envs were paired although their names differ."""

    baseline_envs: tuple[tuple[str, str], ...] = ()  # (machine, env) with results there
    target_envs: tuple[tuple[str, str], ...] = ()
    env_changes: tuple[tuple[str, str, str], ...] = ()  # (machine, baseline env, target env)
    # Set when the baseline was measured on another machine: only deterministic benchmarks were
    # compared (`regression.across`), and no budget was checked.
    baseline_machine: str | None = None


_BUDGET_FINDINGS = {
    BudgetStatus.BROKEN: Finding.BUDGET_BROKEN,
    BudgetStatus.UNMEASURED: Finding.BUDGET_UNMEASURED,
    BudgetStatus.UNMATCHED: Finding.BUDGET_UNMATCHED,
}


@dataclass(frozen=True)
class CheckReport:
    baseline: Revision
    target: Revision
    comparisons: tuple[Comparison, ...]  # missing ones first
    budgets: tuple[BudgetCheck, ...]
    # Each instruction count with the cycles and the timing of the same workload, if any.
    beside: tuple[Beside, ...] = ()
    coverage: Coverage = Coverage()
    drift: tuple[Drift, ...] = ()
    fail_on: frozenset[Finding] = frozenset(Finding)
    # The labels of missing series that a rule or a budget names (they fail the check).
    named_missing: frozenset[str] = frozenset()

    @property
    def regressions(self) -> list[Comparison]:
        return self._failing(Finding.REGRESSED, Status.REGRESSED)

    @property
    def broken(self) -> list[Comparison]:
        return self._failing(Finding.BROKEN, Status.BROKEN)

    @property
    def missing(self) -> list[Comparison]:
        """The missing series that fail the check."""
        found = self._failing(Finding.MISSING, Status.MISSING)
        return [c for c in found if c.label in self.named_missing]

    def _failing(self, finding: Finding, status: Status) -> list[Comparison]:
        if finding not in self.fail_on:
            return []
        return [c for c in self.comparisons if c.status is status]

    @property
    def broken_budgets(self) -> list[BudgetCheck]:
        return [
            b for b in self.budgets
            if b.status in _BUDGET_FINDINGS and _BUDGET_FINDINGS[b.status] in self.fail_on
        ]  # fmt: skip

    @property
    def blind(self) -> list[Comparison]:
        """Timings whose own spread hides a change of their tolerance."""
        return [c for c in self.comparisons if c.blind and c.status in COMPARED]

    @property
    def baseline_series(self) -> int:
        """The series with a value at the baseline."""
        return sum(1 for c in self.comparisons if c.baseline is not None)

    @property
    def compared(self) -> int:
        """The series whose two values were set side by side."""
        return sum(1 for c in self.comparisons if c.status in COMPARED)

    @property
    def compared_nothing(self) -> bool:
        """No series was set side by side and none broke: the check cannot say anything."""
        return self.compared == 0 and not self.count(Status.BROKEN)

    @property
    def passed(self) -> bool:
        return not (self.regressions or self.broken or self.missing or self.broken_budgets)

    @property
    def verdict(self) -> str:
        return "pass" if self.passed else "fail"

    def count(self, status: Status) -> int:
        return sum(1 for c in self.comparisons if c.status is status)


def rounds_of(benchmarks: dict[str, BenchmarkInfo], override: int | None = None) -> dict[str, int]:
    """Each benchmark's `rounds`: `override` (`asv run -a rounds=N`), else benchmarks.json's."""
    return {name: override or info.rounds for name, info in benchmarks.items()}


_HEX = re.compile(r"^[0-9a-f]{4,40}$")


def resolve_revision(
    rev: str, results_dir: Path, run_paths: Iterable[Path], repo: Path
) -> Revision:
    """A named baseline, else a hash (or unique prefix) with results, else what git resolves.

    `run_paths` are the run files to look in; a hash found there needs no git (a results
    repository kept apart from the code). An ambiguous prefix lists what it matches.
    """
    baselines = load_baselines(results_dir)
    if rev in baselines:
        return Revision(baselines[rev].commit, rev)
    if _HEX.match(rev):
        full = sorted(full_hashes(run_paths, rev))
        if len(full) == 1:
            return Revision(full[0], rev)
        if len(full) > 1:
            raise RevisionError(
                f"{rev!r} is ambiguous: it matches {', '.join(c[:12] for c in full)}"
            )
    try:
        return Revision(resolve(rev, repo), rev)
    except RevisionError:
        names = ", ".join(sorted(baselines)) or "none"
        raise RevisionError(
            f"{rev!r} is neither a named baseline (known: {names}), a commit with results in"
            f" {results_dir}, nor a revision git knows in {repo}"
        ) from None


def run_check(
    records: Sequence[Record],
    baseline: Revision,
    target: Revision,
    settings: Settings,
    rounds: dict[str, int],
    selected: re.Pattern[str] | None = None,
    baseline_machine: str | None = None,
) -> CheckReport:
    """Compare every series of `target` with `baseline`, and check the budgets on `target`.

    With `baseline_machine`, the baseline's records are those measured there and only the
    deterministic benchmarks are compared (`regression.across`); the budgets, which are about
    this machine's timings, are not checked. The report says both.
    """
    chosen = [r for r in records if selected is None or selected.search(r.env)]
    if baseline_machine is None:
        before = [r for r in chosen if r.commit == baseline.commit]
        after = [r for r in chosen if r.commit == target.commit]
    else:
        before, after = across_machines(
            chosen, baseline.commit, target.commit, baseline_machine, settings
        )
    sides = [tuple(sorted({(r.machine, r.env) for r in side})) for side in (before, after)]
    envs = pair_envs(*sides)
    compared = compare_sides(before, after, settings, rounds, envs)
    drift = find_drift(compared)
    comparisons = discount_drift(compared, drift)
    comparisons.sort(key=lambda c: c.status is not Status.MISSING)  # stable: missing first
    budgets = [] if baseline_machine else check_budgets(after, settings.budgets)
    coverage = Coverage(
        baseline_envs=sides[0],
        target_envs=sides[1],
        env_changes=tuple(sorted((m, old, new) for (m, old), new in envs.items() if old != new)),
        baseline_machine=baseline_machine,
    )
    named = frozenset(
        c.label for c in comparisons
        if c.status is Status.MISSING
        and (settings.names(c.label)
             or any(b.applies(c.benchmark, c.param_names, c.params) for b in settings.budgets))
    )  # fmt: skip
    beside = pair_counts(comparisons, settings)
    if settings.corroborate:
        comparisons = corroborate(comparisons, beside, settings.corroborate_above)
        beside = pair_counts(comparisons, settings)
    return CheckReport(
        baseline, target, tuple(comparisons), tuple(budgets), beside, coverage, tuple(drift),
        settings.fail_on, named,
    )  # fmt: skip
