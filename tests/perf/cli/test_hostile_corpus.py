"""A corpus of broken inputs across every file the helper reads, each run through the commands.

Every case starts from one valid results folder (asv's files, our baselines.json, a settings
file), breaks one thing, and runs `check`, `trend`, `report` and `baseline list/set` on it. The
outcome of each command must be of one class: a verdict (exit 0 or 1, with a report that parses)
or a clear error (exit 2, naming the broken file); never a traceback (exit 3) and never an
exception. And nothing is lost: asv's files are byte-for-byte unchanged afterwards, and
baselines.json changes only when `baseline set` says it did.
"""

from __future__ import annotations

import importlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import BENCHMARKS, COLUMNS, run_file

from alphapulse_perf.cli import main

SINGLE = "bench_single_symbol.SingleSymbolDetection.time_detect"
TRACK = "bench_multi_symbol.MultiSymbolScan.track_candles_per_second"
COLD = "bench_cold_start.ColdStart.timeraw_import"
BASE, HEAD = "a" * 40, "b" * 40
HOLE = "__HOLE__"  # replaced by a raw JSON fragment, so that NaN and 1e400 can be written

SETTINGS = """\
[tool.alphapulse_perf]
tolerance = 0.10
default_baseline = "base"
[[tool.alphapulse_perf.benchmarks]]
match = "track_candles_per_second"
direction = "higher"
[[tool.alphapulse_perf.budgets]]
match = "time_detect$"
params = { candles = 1000 }
max = 0.1
"""


def _rows(scale: float) -> dict[str, list[object]]:
    """Three benchmarks with every column asv writes (samples included)."""
    s = scale
    return {
        SINGLE: [[0.001 * s, 0.002 * s], [["100", "1000"]], "1", 1, 2.0,
                 [0.0009 * s, 0.0019 * s], [0.0011 * s, 0.0021 * s], [0.00095 * s, 0.00195 * s],
                 [0.00105 * s, 0.00205 * s], [10, 10], [10, 10],
                 [[0.001 * s, 0.0011 * s, 0.0009 * s], [0.002 * s, 0.0021 * s, 0.0019 * s]]],
        TRACK: [[1.5e6 / s], [["10"]], "1"],
        COLD: [0.1 * s, [], "1", 1, 1.0, [0.09 * s], [0.11 * s]],
    }  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One broken input: which file (relative to the root) and the bytes it gets."""

    file: str
    content: bytes | None = None  # None: `special` makes it
    special: str = ""  # "dir", "dangling", "loop", "missing"


def _dump(data: object, fragment: str | None = None) -> bytes:
    text = json.dumps(data)
    if fragment is not None:
        text = text.replace(json.dumps(HOLE), fragment, 1)
    return text.encode()


def _head_run(mutate: Callable[[dict[str, object]], None] = lambda d: None) -> dict[str, object]:
    data = run_file(HEAD, 1_700_000_100_000, _rows(1.0))
    mutate(data)
    return data


HEAD_FILE = "m1/bbbbbbbb-env.json"
BASE_FILE = "m1/aaaaaaaa-env.json"

# Raw JSON values that are wrong somewhere, or asv's own markers (NaN, Infinity) where they are not.
VALUES = ["null", "NaN", "Infinity", "-Infinity", "1e400", "0", "-1", "5e-324", '"x"', '""',
          "true", "[]", "{}", "[[1]]", "[null]", '["1", 2]']  # fmt: skip


def _cell_cases() -> Iterator[tuple[str, Case]]:
    """Each cell of each benchmark's row in the target's run file, given each value."""
    for name, row in _rows(1.0).items():
        for column in range(len(row)):
            for value in VALUES:

                def put(data: dict[str, object], name: str = name, column: int = column) -> None:
                    results = data["results"]
                    assert isinstance(results, dict)
                    results[name][column] = HOLE

                short = name.rsplit(".", 1)[-1]
                yield (
                    f"cell-{short}-{COLUMNS[column]}-{value}",
                    Case(HEAD_FILE, _dump(_head_run(put), value)),
                )


RUN_KEYS = ["commit_hash", "env_name", "date", "params", "python", "requirements",
            "env_vars", "result_columns", "results", "durations", "version"]  # fmt: skip


def _run_key_cases() -> Iterator[tuple[str, Case]]:
    """Each top-level key of the target's run file given each value, or left out."""
    for key in RUN_KEYS:
        for value in [*VALUES, "absent"]:

            def put(data: dict[str, object], key: str = key, value: str = value) -> None:
                if value == "absent":
                    del data[key]
                else:
                    data[key] = HOLE

            fragment = None if value == "absent" else value
            yield f"run-{key}-{value}", Case(HEAD_FILE, _dump(_head_run(put), fragment))
    for columns in (COLUMNS[:2], [*COLUMNS[:3], "result"], ["result", "params", "colour"]):
        yield (
            f"run-columns-{'-'.join(columns)}",
            Case(HEAD_FILE, _dump(_head_run(lambda d, c=columns: d.update(result_columns=c)))),
        )


def _benchmarks_cases() -> Iterator[tuple[str, Case]]:
    """Each attribute of each benchmark in benchmarks.json given each value."""
    for name in (SINGLE, TRACK):
        for key in ("params", "param_names", "type", "unit", "version", "rounds"):
            for value in VALUES:
                data = json.loads(json.dumps(BENCHMARKS))
                data[name][key] = HOLE
                short = name.rsplit(".", 1)[-1]
                yield (
                    f"benchmarks-{short}-{key}-{value}",
                    Case("benchmarks.json", _dump(data, value)),
                )
    for value in ('"x"', "[]", "3", "null"):
        data = json.loads(json.dumps(BENCHMARKS))
        data[SINGLE] = HOLE
        yield f"benchmarks-entry-{value}", Case("benchmarks.json", _dump(data, value))


def _baselines_cases() -> Iterator[tuple[str, Case]]:
    good = {"version": 1, "baselines": {"base": {"commit": BASE}}}
    for where in ("version", "baselines", "entry", "commit"):
        for value in VALUES:
            data = json.loads(json.dumps(good))
            if where == "entry":
                data["baselines"]["base"] = HOLE
            elif where == "commit":
                data["baselines"]["base"]["commit"] = HOLE
            else:
                data[where] = HOLE
            yield f"baselines-{where}-{value}", Case("baselines.json", _dump(data, value))
    twice = b'{"version": 1, "baselines": {"base": {"commit": "%s"}, "base": {"commit": "%s"}}}'
    yield "baselines-name-twice", Case("baselines.json", twice % (BASE.encode(), HEAD.encode()))
    for bad in ("-x", "a b", ""):
        data = {"version": 1, "baselines": {bad: {"commit": BASE}}}
        yield f"baselines-bad-name-{bad!r}", Case("baselines.json", _dump(data))


def _raw_cases() -> Iterator[tuple[str, Case]]:
    """The same damage done to each JSON file: its bytes, its shape, or what it is."""
    for file in (HEAD_FILE, BASE_FILE, "benchmarks.json", "m1/machine.json", "baselines.json"):
        damage = {
            "empty": b"",
            "truncated": b'{"version": 2, "res',
            "latin-1": b'{"machine": "caf\xe9"}',
            "list": b"[1, 2]",
            "string": b'"results"',
            "number": b"3",
            "null": b"null",
            "surrogate-key": b'{"\\ud800": 1}',
            "surrogate-value": b'{"version": 2, "env_name": "\\udc00"}',
            "deep": b"[" * 100_000 + b"]" * 100_000,
            "nul": b"\x00\x00",
            "twice": b'{"version": 2, "version": 1}',
        }
        for what, content in damage.items():
            yield f"raw-{file}-{what}", Case(file, content)
        for special in ("dir", "dangling", "loop", "missing"):
            yield f"raw-{file}-{special}", Case(file, special=special)


def _with_top_key(key: str, value: str) -> str:
    """SETTINGS with `key = value` in its top table (in place of the key's line if it has one)."""
    lines = [line for line in SETTINGS.splitlines() if not line.startswith(f"{key} =")]
    lines.insert(1, f"{key} = {value}")
    return "\n".join(lines) + "\n"


def _settings_cases() -> Iterator[tuple[str, Case]]:
    tables = {
        "tool-string": 'tool = "x"\n',
        "table-string": '[tool]\nalphapulse_perf = "x"\n',
        "table-list": "[tool]\nalphapulse_perf = [1]\n",
        "rules-table": '[tool.alphapulse_perf.benchmarks]\nmatch = "x"\n',
        "budgets-string": '[tool.alphapulse_perf]\nbudgets = "x"\n',
        "beside-list": "[tool.alphapulse_perf]\nbeside = [1]\n",
        "fail-on-string": '[tool.alphapulse_perf]\nfail_on = "regressed"\n',
        "fail-on-unknown": '[tool.alphapulse_perf]\nfail_on = ["slow"]\n',
        "date": "[tool.alphapulse_perf]\ntolerance = 1979-05-27\n",
        "inline-rule": "[tool.alphapulse_perf]\nbenchmarks = [1, 2]\n",
        "budget-params": '[[tool.alphapulse_perf.budgets]]\nmatch = "x"\nmax = 1\nparams = 3\n',
        "budget-nested": (
            '[[tool.alphapulse_perf.budgets]]\nmatch = "x"\nmax = 1\nparams = {n = [[1]]}\n'
        ),
        "latin-1": "# caf\xe9\n",
        "not-toml": "[tool.alphapulse_perf\n",
    }
    for what, text in tables.items():
        content = text.encode("latin-1")
        yield f"settings-{what}", Case("settings.toml", content)
    for key, values in {
        "tolerance": ['"10%"', "0", "-1", "nan", "inf", "true", "[]", "{}"],
        "p_threshold": ['"x"', "0", "1", "nan", "true"],
        "round_margin": ['"x"', "-1", "2", "nan"],
        "default_baseline": ["3", '""', "[]", "true"],
        "machine": ["3", '""', "[]"],
        "results": ["3", '""', "{}"],
    }.items():
        for value in values:
            text = _with_top_key(key, value)
            yield f"settings-{key}-{value}", Case("settings.toml", text.encode())
    for key, value in [("match", "3"), ("match", '"("'), ("direction", '"up"'),
                       ("tolerance", '"x"'), ("deterministic", '"yes"'), ("control", "1"),
                       ("colour", '"red"')]:  # fmt: skip
        rule = f'[[tool.alphapulse_perf.benchmarks]]\nmatch = "x"\n{key} = {value}\n'
        if key == "match":
            rule = f"[[tool.alphapulse_perf.benchmarks]]\nmatch = {value}\n"
        yield f"settings-rule-{key}-{value}", Case("settings.toml", (SETTINGS + rule).encode())
    for special in ("dir", "missing", "dangling"):
        yield f"settings-{special}", Case("settings.toml", special=special)


_GENERATORS = (
    _cell_cases,
    _run_key_cases,
    _benchmarks_cases,
    _baselines_cases,
    _raw_cases,
    _settings_cases,
)
CASES = {name: case for generate in _GENERATORS for name, case in generate()}


def _write_valid(root: Path) -> None:
    (root / "m1").mkdir(parents=True)
    (root / "benchmarks.json").write_bytes(_dump(BENCHMARKS))
    (root / "m1" / "machine.json").write_bytes(_dump({"machine": "m1", "version": 1}))
    (root / BASE_FILE).write_bytes(_dump(run_file(BASE, 1_700_000_000_000, _rows(1.0))))
    (root / HEAD_FILE).write_bytes(_dump(_head_run()))
    (root / "baselines.json").write_bytes(
        _dump({"version": 1, "baselines": {"base": {"commit": BASE}}})
    )
    (root / "settings.toml").write_text(SETTINGS)


def _apply(root: Path, case: Case) -> None:
    path = root / case.file
    path.unlink(missing_ok=True)
    if case.special == "dir":
        path.mkdir()
    elif case.special == "dangling":
        path.symlink_to(root / "nowhere.json")
    elif case.special == "loop":
        path.symlink_to(path)
    elif case.content is not None:
        path.write_bytes(case.content)


def _snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under `root`: a file's bytes, or what else it is (a link's target)."""
    found: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        name = str(path.relative_to(root))
        if path.is_symlink():
            found[name] = f"link to {os.readlink(path)}"
        elif path.is_dir():
            found[name] = "folder"
        elif not name.endswith(".lock"):  # the lock file is the writers' own, and empty
            found[name] = path.read_bytes()
    return found


COMMANDS = {
    "check": ["check", "--commit", HEAD[:8], "--format", "json"],
    "check-rev": ["check", "--baseline", BASE[:8], "--commit", HEAD[:8], "--format", "json"],
    "trend": ["trend", "--format", "json"],
    "report": ["report", "--commit", HEAD[:8], "--format", "json"],
    "baseline-list": ["baseline", "list"],
    "baseline-set": ["baseline", "set", "next", HEAD[:8]],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_broken_input_is_a_verdict_or_a_clear_error_and_nothing_is_lost(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = CASES[name]
    root = tmp_path / "results"
    _write_valid(root)
    _apply(root, case)
    common = ["--results", str(root), "--config", str(root / "settings.toml")]
    for command, args in COMMANDS.items():
        before = _snapshot(root)
        code = main([*args, *common])
        out, err = capsys.readouterr()
        assert code in (0, 1, 2), f"{command}: exit {code}\n{err}"
        if code == 2:
            assert err.startswith("alphapulse-perf: ") and err.count("\n") <= 12, err
            assert "Traceback" not in err
            assert _names_the_file(err, root, case), f"{command}: {err}"
        elif command.startswith("check"):  # a verdict that says why
            report = json.loads(out)
            assert report["verdict"] == ("pass" if code == 0 else "fail")
            assert any(report["failing"].values()) == (code == 1)
            assert report["coverage"]["compared"] > 0
        elif command in ("trend", "report"):
            json.loads(out)  # a report that reads
        after = _snapshot(root)
        if command == "baseline-set" and code == 0:
            changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
            assert changed == {"baselines.json"}
            assert json.loads(after["baselines.json"])["baselines"]["next"]["commit"] == HEAD
        else:
            assert after == before, f"{command} changed a file"


def _names_the_file(err: str, root: Path, case: Case) -> bool:
    """A clear error names the broken file, or the commit it took away, or the machine."""
    path = root / case.file
    named = (str(path), str(path.parent), case.file.rsplit("/", 1)[-1])
    consequences = ("has no results", "no results for commit", "is neither a named baseline")
    return any(n in err for n in named) or any(c in err for c in consequences)


def test_the_corpus_is_large_and_broad() -> None:
    files = {case.file for case in CASES.values()}
    assert len(CASES) >= 300
    assert files == {HEAD_FILE, BASE_FILE, "benchmarks.json", "m1/machine.json",
                     "baselines.json", "settings.toml"}  # fmt: skip


def test_a_folder_that_cannot_be_listed_is_named_not_taken_as_empty(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "results"
    _write_valid(root)

    def denied(self: Path) -> Iterator[Path]:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", denied)  # root reads anything: chmod cannot show it
    assert main([*COMMANDS["report"], "--results", str(root), "--machine", "m1"]) == 2
    assert capsys.readouterr().err == (
        f"alphapulse-perf: {root}: cannot be listed (Permission denied)\n"
    )


def test_trend_without_asv_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "results"
    _write_valid(root)
    real_import = importlib.import_module

    def without_asv(name: str, package: str | None = None) -> object:
        if name.split(".")[0] == "asv":
            raise ModuleNotFoundError(f"No module named {name!r}")
        return real_import(name, package)

    monkeypatch.setattr(importlib, "import_module", without_asv)
    assert main(["trend", "--results", str(root), "--config", str(root / "settings.toml")]) == 2
    err = capsys.readouterr().err
    assert "asv.step_detect.detect_steps cannot be imported" in err
    assert "pip install 'alphapulse[perf]'" in err
