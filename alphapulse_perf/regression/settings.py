"""The checker's settings: the `[tool.alphapulse_perf]` table of pyproject.toml, validated.

    [tool.alphapulse_perf]
    tolerance = 0.10              # default: a change beyond 10 % in the bad direction can regress
    p_threshold = 0.002           # Mann-Whitney significance level (asv's)
    round_margin = 0.25           # the closest rounds must differ by a quarter of the tolerance
    default_baseline = "main"     # a named baseline or a git revision
    machine = "reference"
    results = "results"

    [[tool.alphapulse_perf.benchmarks]]   # rules, matched with re.search on `name(param=value)`
    match = "track_candles_per_second"
    direction = "higher"                  # "lower" (default) or "higher" is better
    tolerance = 0.15
    [[tool.alphapulse_perf.benchmarks]]
    match = "bench_instructions\\."
    tolerance = 0.01
    deterministic = true                  # repeats exactly: the tolerance alone decides
    [[tool.alphapulse_perf.benchmarks]]
    match = "bench_talib\\.TALib"
    control = true                        # code that never changes: its moves are the machine's
    fail_on = ["regressed", "broken"]     # relax: what fails the check (default: every finding)

    corroborate = true            # a timing regression its counts and cycles do not back is noisy
    corroborate_above = 1.5       # ...unless the timing moved by more than this factor

    [tool.alphapulse_perf.beside]         # report an instruction count beside its timing
    "b.Instructions.track_instructions(workload='detect')" = "b.Single.time_detect(candles=1000)"
    [[tool.alphapulse_perf.budgets]]      # absolute limits, checked on the target alone
    match = "SingleSymbolDetection\\.time_detect$"
    params = { candles = 1000 }           # optional: exact values, or a list of accepted values
    max = 0.1                             # in the benchmark's unit (seconds here); or `min`

Unknown keys and wrong types are errors naming the key and the file: a misspelt key that is silently
ignored (as asv does with `regression_thresholds`) leaves the gate looser than its author believes.
"""

from __future__ import annotations

import enum
import math
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "Budget",
    "Direction",
    "Finding",
    "Rule",
    "Settings",
    "SettingsError",
    "load_settings",
    "parse_settings",
]

TABLE = "tool.alphapulse_perf"


class SettingsError(ValueError):
    """A setting that is unknown or of the wrong type; names the file and the key."""

    def __init__(self, source: str, key: str | None, problem: str, *, table: str = TABLE) -> None:
        if key is None:  # the file itself
            where = ""
        elif not table:
            where = f"{key}: "
        else:
            where = f"[{table}] {key}: " if key else f"[{table}] "
        super().__init__(f"{source}: {where}{problem}")
        self.source = source
        self.key = key


class Finding(enum.Enum):
    """What can fail the check; settings' `fail_on` may leave some out."""

    REGRESSED = "regressed"  # a benchmark regressed
    BROKEN = "broken"  # a benchmark with a value at the baseline failed at the target
    MISSING = "missing"  # a benchmark a rule or budget names has no result at the target
    BUDGET_BROKEN = "budget-broken"  # a value outside its budget
    BUDGET_UNMEASURED = "budget-unmeasured"  # a budget's benchmark failed at the target
    BUDGET_UNMATCHED = "budget-unmatched"  # a budget with no result at the target


class Direction(enum.Enum):
    LOWER = "lower"  # times, memory, ratios: smaller is better
    HIGHER = "higher"  # throughput: bigger is better


@dataclass(frozen=True)
class Rule:
    """Per-benchmark overrides; `match` is searched in `name(param=value, ...)`."""

    match: re.Pattern[str]
    tolerance: float | None = None
    direction: Direction | None = None
    deterministic: bool | None = None  # no statistical test: the tolerance alone decides
    control: bool | None = None  # unchanged code between commits: never a regression


@dataclass(frozen=True)
class Budget:
    """An absolute limit on the target's value: `min <= value <= max`, in the benchmark's unit."""

    match: re.Pattern[str]
    params: tuple[tuple[str, tuple[str, ...]], ...] = ()  # name -> accepted values
    max: float | None = None
    min: float | None = None

    def applies(
        self, benchmark: str, param_names: tuple[str, ...], params: tuple[str, ...]
    ) -> bool:
        if not self.match.search(benchmark):
            return False
        given = dict(zip(param_names, (_unquote(p) for p in params), strict=True))
        return all(given.get(name) in accepted for name, accepted in self.params)


@dataclass(frozen=True)
class Settings:
    tolerance: float = 0.10
    p_threshold: float = 0.002
    # The closest pair of rounds (processes) must differ by this fraction of the tolerance.
    round_margin: float = 0.25
    default_baseline: str | None = None
    machine: str | None = None
    results: Path | None = None
    rules: tuple[Rule, ...] = ()
    budgets: tuple[Budget, ...] = field(default=())
    beside: tuple[tuple[str, str], ...] = ()  # (instruction-count label, timing label)
    fail_on: frozenset[Finding] = frozenset(Finding)
    corroborate: bool = False  # see regression/corroborate.py
    corroborate_above: float = 1.5

    def tolerance_for(self, label: str) -> float:
        """The first rule matching `label` that sets a tolerance, else the default."""
        for rule in self.rules:
            if rule.tolerance is not None and rule.match.search(label):
                return rule.tolerance
        return self.tolerance

    def direction_for(self, label: str) -> Direction:
        for rule in self.rules:
            if rule.direction is not None and rule.match.search(label):
                return rule.direction
        return Direction.LOWER

    def control_for(self, label: str) -> bool:
        """Whether `label` is a control: code that no commit of ours changes (TA-Lib's)."""
        for rule in self.rules:
            if rule.control is not None and rule.match.search(label):
                return rule.control
        return False

    def names(self, label: str) -> bool:
        """Whether a rule matches `label`: someone cares that it keeps a result."""
        return any(rule.match.search(label) for rule in self.rules)

    def deterministic_for(self, label: str) -> bool:
        """Whether `label` repeats exactly between runs (instruction counts, peak memory)."""
        for rule in self.rules:
            if rule.deterministic is not None and rule.match.search(label):
                return rule.deterministic
        return False


def _unquote(value: str) -> str:
    """asv stores parameters as repr strings: `"'cpu'"` -> `cpu`, `"1000"` stays."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value


_TOP = {"tolerance", "p_threshold", "round_margin", "default_baseline", "machine", "results",
        "benchmarks", "budgets", "beside", "fail_on", "corroborate",
        "corroborate_above"}  # fmt: skip
_RULE = {"match", "tolerance", "direction", "deterministic", "control"}
_BUDGET = {"match", "params", "max", "min"}


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, key: str, problem: str) -> SettingsError:
        return SettingsError(self.source, key, problem)

    def table(self, data: Any, key: str, allowed: set[str]) -> Mapping[str, Any]:
        if not isinstance(data, dict):
            raise self.fail(key, f"should be a table, got {type(data).__name__}")
        for name in data:
            if name not in allowed:
                where = f"{key}.{name}" if key else name
                raise self.fail(where, f"unknown key (known: {', '.join(sorted(allowed))})")
        return data

    def number(self, data: Mapping[str, Any], key: str, where: str) -> float | None:
        value = data.get(key)
        if value is None:
            return None
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
        ):
            raise self.fail(where, f"should be a finite number, got {value!r}")
        return float(value)

    def fraction(self, data: Mapping[str, Any], key: str, where: str) -> float | None:
        value = self.number(data, key, where)
        if value is not None and not 0 < value < 10:
            raise self.fail(where, f"should be a fraction above 0 (0.1 = 10 %), got {value!r}")
        return value

    def string(self, data: Mapping[str, Any], key: str, where: str) -> str | None:
        value = data.get(key)
        if value is not None and (not isinstance(value, str) or not value):
            raise self.fail(where, f"should be a non-empty string, got {value!r}")
        return value

    def boolean(self, data: Mapping[str, Any], key: str, where: str) -> bool | None:
        value = data.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.fail(where, f"should be true or false, got {value!r}")
        return value

    def regex(self, data: Mapping[str, Any], where: str) -> re.Pattern[str]:
        text = self.string(data, "match", f"{where}.match")
        if text is None:
            raise self.fail(f"{where}.match", "is required (a regular expression)")
        try:
            return re.compile(text)
        except re.error as err:
            raise self.fail(f"{where}.match", f"is not a regular expression ({err})") from None

    def array(self, data: Mapping[str, Any], key: str) -> list[Any]:
        value = data.get(key, [])
        if not isinstance(value, list):
            raise self.fail(key, f"should be an array of tables ([[{TABLE}.{key}]])")
        return value


def parse_settings(data: Any, source: str = "pyproject.toml") -> Settings:
    """Settings from the `[tool.alphapulse_perf]` table already parsed (a dict)."""
    read = _Reader(source)
    top = read.table(data, "", _TOP)
    rules = []
    for k, item in enumerate(read.array(top, "benchmarks")):
        where = f"benchmarks[{k}]"
        rule = read.table(item, where, _RULE)
        direction = read.string(rule, "direction", f"{where}.direction")
        if direction is not None and direction not in {d.value for d in Direction}:
            raise read.fail(
                f"{where}.direction", f"should be 'lower' or 'higher', got {direction!r}"
            )
        rules.append(
            Rule(
                match=read.regex(rule, where),
                tolerance=read.fraction(rule, "tolerance", f"{where}.tolerance"),
                direction=Direction(direction) if direction is not None else None,
                deterministic=read.boolean(rule, "deterministic", f"{where}.deterministic"),
                control=read.boolean(rule, "control", f"{where}.control"),
            )
        )
    budgets = []
    for k, item in enumerate(read.array(top, "budgets")):
        where = f"budgets[{k}]"
        budget = read.table(item, where, _BUDGET)
        low = read.number(budget, "min", f"{where}.min")
        high = read.number(budget, "max", f"{where}.max")
        if low is None and high is None:
            raise read.fail(where, "needs `max` or `min` (in the benchmark's unit)")
        params = budget.get("params", {})
        if not isinstance(params, dict):
            raise read.fail(f"{where}.params", "should be a table of parameter = value(s)")
        accepted = []
        for name, values in params.items():
            listed = values if isinstance(values, list) else [values]
            if not listed or not all(
                isinstance(v, str | int | float) and not isinstance(v, bool) for v in listed
            ):
                raise read.fail(
                    f"{where}.params.{name}",
                    f"should be a value or a list of values, got {values!r}",
                )
            accepted.append((name, tuple(str(v) for v in listed)))
        budgets.append(Budget(read.regex(budget, where), tuple(accepted), high, low))
    beside = top.get("beside", {})
    if not isinstance(beside, dict) or not all(isinstance(v, str) and v for v in beside.values()):
        raise read.fail("beside", "should be a table of count label = timing label (strings)")
    p_threshold = read.number(top, "p_threshold", "p_threshold")
    if p_threshold is not None and not 0 < p_threshold < 1:
        raise read.fail("p_threshold", f"should be between 0 and 1, got {p_threshold!r}")
    margin = read.number(top, "round_margin", "round_margin")
    if margin is not None and not 0 <= margin <= 1:
        raise read.fail("round_margin", f"should be between 0 and 1, got {margin!r}")
    results = read.string(top, "results", "results")
    fail_on = top.get("fail_on")
    known = [f.value for f in Finding]
    if fail_on is not None and (
        not isinstance(fail_on, list) or not all(isinstance(v, str) and v in known for v in fail_on)
    ):
        raise read.fail("fail_on", f"should be a list of {', '.join(known)}; got {fail_on!r}")
    tolerance = read.fraction(top, "tolerance", "tolerance")
    corroborate = read.boolean(top, "corroborate", "corroborate")
    above = read.number(top, "corroborate_above", "corroborate_above")
    if above is not None and not above > 1:
        raise read.fail("corroborate_above", f"should be a factor above 1, got {above!r}")
    return Settings(
        tolerance=tolerance if tolerance is not None else Settings.tolerance,
        p_threshold=p_threshold if p_threshold is not None else Settings.p_threshold,
        round_margin=margin if margin is not None else Settings.round_margin,
        default_baseline=read.string(top, "default_baseline", "default_baseline"),
        machine=read.string(top, "machine", "machine"),
        results=Path(results) if results is not None else None,
        rules=tuple(rules),
        budgets=tuple(budgets),
        beside=tuple(beside.items()),
        fail_on=frozenset(Finding(v) for v in fail_on)
        if fail_on is not None
        else frozenset(Finding),
        corroborate=bool(corroborate),
        corroborate_above=above if above is not None else Settings.corroborate_above,
    )


def load_settings(pyproject: Path, *, required: bool = False) -> Settings:
    """The settings of `pyproject`: defaults when the table is absent, or when the file is and
    it was not `required` (a `--config` the user named must exist)."""
    source = str(pyproject)
    if not pyproject.exists() and not required:
        return Settings()
    if pyproject.is_dir():
        raise SettingsError(source, None, "is a directory, not a settings file")
    try:
        with pyproject.open("rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise SettingsError(source, None, "does not exist") from None
    except OSError as err:
        raise SettingsError(source, None, f"cannot be read ({err.strerror or err})") from None
    except UnicodeDecodeError as err:
        why = f"byte offset {err.start}: {err.reason}"
        raise SettingsError(source, None, f"is not UTF-8 text ({why})") from None
    except tomllib.TOMLDecodeError as err:
        raise SettingsError(source, None, f"is not valid TOML ({err})") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        why = f"should be a table, got {type(tool).__name__}"
        raise SettingsError(source, "tool", why, table="")
    table = tool.get("alphapulse_perf")
    if table is None:
        return Settings()
    return parse_settings(table, source)
