"""[tool.alphapulse_perf]: defaults, rules, budgets, and errors that name the key and the file."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from alphapulse_perf.regression.settings import (
    Direction,
    SettingsError,
    load_settings,
    parse_settings,
)


def test_defaults_without_the_file_or_the_table(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "absent.toml").tolerance == 0.10
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    settings = load_settings(tmp_path / "pyproject.toml")
    assert (settings.tolerance, settings.p_threshold, settings.budgets) == (0.10, 0.002, ())


def test_rules_and_budgets_are_read(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(
        textwrap.dedent(
            """\
            [tool.alphapulse_perf]
            tolerance = 0.2
            default_baseline = "release-1.0"
            [[tool.alphapulse_perf.benchmarks]]
            match = "per_second"
            direction = "higher"
            [[tool.alphapulse_perf.benchmarks]]
            match = "ColdStart"
            tolerance = 0.3
            [[tool.alphapulse_perf.benchmarks]]
            match = "Instructions"
            tolerance = 0.01
            deterministic = true
            [[tool.alphapulse_perf.budgets]]
            match = "time_detect$"
            params = { candles = 1000 }
            max = 0.1
            """
        )
    )
    settings = load_settings(path)
    assert settings.default_baseline == "release-1.0"
    assert settings.direction_for("a.track_candles_per_second(symbols=10)") is Direction.HIGHER
    assert settings.direction_for("a.time_x") is Direction.LOWER
    assert settings.tolerance_for("b.ColdStart.timeraw_import") == 0.3
    assert settings.tolerance_for("b.other") == 0.2
    assert settings.deterministic_for("b.Instructions.track_detect")
    assert not settings.deterministic_for("b.ColdStart.timeraw_import")
    (budget,) = settings.budgets
    assert budget.applies("s.time_detect", ("candles",), ("1000",))
    assert not budget.applies("s.time_detect", ("candles",), ("100",))
    assert not budget.applies("s.time_detect_x", ("candles",), ("1000",))


def test_the_repository_settings_are_valid() -> None:
    settings = load_settings(Path(__file__).parents[3] / "pyproject.toml")
    assert len(settings.budgets) == 5


@pytest.mark.parametrize(
    ("table", "message"),
    [
        pytest.param({"tolerence": 0.1}, "] tolerence: unknown key", id="unknown-top-key"),
        pytest.param({"tolerance": "10%"}, "] tolerance: should be a finite number", id="type"),
        pytest.param({"tolerance": 0}, "] tolerance: should be a fraction above 0", id="zero"),
        pytest.param({"tolerance": True}, "] tolerance: should be a finite number", id="bool"),
        pytest.param({"machine": 3}, "] machine: should be a non-empty string", id="machine"),
        pytest.param({"p_threshold": 2}, "] p_threshold: should be between 0 and 1", id="p"),
        pytest.param({"benchmarks": {"match": "x"}}, "] benchmarks: should be an array", id="arr"),
        pytest.param(
            {"benchmarks": [{"match": "x", "tolerence": 0.1}]},
            "] benchmarks[0].tolerence: unknown key",
            id="unknown-rule-key",
        ),
        pytest.param(
            {"benchmarks": [{"match": "x", "direction": "up"}]},
            "] benchmarks[0].direction: should be 'lower' or 'higher'",
            id="direction",
        ),
        pytest.param(
            {"benchmarks": [{"match": "x", "deterministic": "yes"}]},
            "] benchmarks[0].deterministic: should be true or false",
            id="deterministic",
        ),
        pytest.param(
            {"benchmarks": [{"tolerance": 0.1}]}, "benchmarks[0].match: is required", id="no-match"
        ),
        pytest.param({"beside": {"a": 3}}, "] beside: should be a table", id="beside"),
        pytest.param(
            {"benchmarks": [{"match": "("}]},
            "] benchmarks[0].match: is not a regular expression",
            id="bad-regex",
        ),
        pytest.param(
            {"budgets": [{"match": "x"}]}, "] budgets[0]: needs `max` or `min`", id="no-bound"
        ),
        pytest.param(
            {"budgets": [{"match": "x", "max": 1, "params": {"n": [True]}}]},
            "] budgets[0].params.n: should be a value or a list of values",
            id="budget-param",
        ),
    ],
)
def test_errors_name_the_file_and_the_key(table: dict[str, Any], message: str) -> None:
    with pytest.raises(SettingsError, match=r"^pyproject\.toml: \[tool\.alphapulse_perf") as err:
        parse_settings(table, "pyproject.toml")
    assert message in str(err.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"[tool.alphapulse_perf\n", "is not valid TOML", id="toml"),
        pytest.param(b"x = '\xff'\n", "is not UTF-8 text (byte offset 5", id="utf-8"),
        pytest.param(b'tool = "x"\n', "tool: should be a table, got str", id="tool-string"),
        pytest.param(
            b"[tool]\nalphapulse_perf = 3\n",
            "[tool.alphapulse_perf] should be a table, got int",
            id="table-number",
        ),
    ],
)
def test_an_unreadable_file_names_the_file_and_what_is_wrong(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_bytes(content)
    with pytest.raises(SettingsError) as err:
        load_settings(path)
    assert str(err.value).startswith(f"{path}: ")
    assert message in str(err.value)


def test_a_named_settings_file_must_exist_and_be_a_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"absent\.toml: does not exist$"):
        load_settings(tmp_path / "absent.toml", required=True)
    with pytest.raises(SettingsError, match=r"is a directory, not a settings file$"):
        load_settings(tmp_path, required=True)
    with pytest.raises(SettingsError, match=r"is a directory"):
        load_settings(tmp_path)  # present, but not a file: never taken as "no settings"
