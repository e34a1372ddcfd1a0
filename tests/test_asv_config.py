"""asv.conf.json: asv ignores unknown keys silently, so the keys and regexes are checked here."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from test_benchmarks import CASES, param_names

asv_util = pytest.importorskip("asv.util")
asv_config = pytest.importorskip("asv.config")

CONF = Path(__file__).resolve().parent.parent / "asv.conf.json"


@pytest.fixture(scope="module")
def conf() -> dict[str, Any]:
    loaded: dict[str, Any] = asv_util.load_json(str(CONF), js_comments=True)
    return loaded


def test_every_key_is_one_asv_knows(conf: dict[str, Any]) -> None:
    known = set(vars(asv_config.Config())) | {"version"}
    assert sorted(set(conf) - known) == []


def test_the_settings_the_suite_relies_on(conf: dict[str, Any]) -> None:
    assert conf["repo"] == "."
    assert conf["branches"] == ["main"]
    assert conf["environment_type"] == "virtualenv"
    assert conf["results_dir"] == "results" and conf["html_dir"] == "html"
    assert conf["env_dir"] == ".asv/env"
    assert "--no-deps" in conf["build_command"][0]
    threads = conf["matrix"]["env_nobuild"]
    assert all(
        threads[k] == "1" for k in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
    )
    assert "show_commit_url" in conf


@pytest.mark.parametrize("key", ["regressions_thresholds", "regressions_first_commits"])
def test_every_regex_names_a_benchmark(conf: dict[str, Any], key: str) -> None:
    names = {name for name, *_ in CASES}
    # asv applies them with re.match (anchored at the start of the name).
    dead = [pattern for pattern in conf[key] if not any(re.match(pattern, n) for n in names)]
    assert dead == []


def test_asv_check_passes(tmp_path: Path) -> None:
    """asv's own discovery and attribute check of the suite (in this environment)."""
    root = CONF.parent
    asv = Path(sys.executable).with_name("asv")
    done = subprocess.run(
        [str(asv), "check", "--python=same"],
        cwd=root,
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No problems found" in done.stdout


def test_every_label_beside_names_a_benchmark() -> None:
    """pyproject's `beside` pairs (instruction count -> timing) name real combinations."""
    from alphapulse_perf.regression.settings import load_settings

    labels = set()
    for name, cls, method, combo in CASES:
        names = param_names(cls, method)
        named = ", ".join(f"{p}={v!r}" for p, v in zip(names, combo, strict=True))
        labels.add(f"{name}({named})" if combo else name)
    beside = load_settings(CONF.parent / "pyproject.toml").beside
    assert len(beside) == 8
    assert [label for pair in beside for label in pair if label not in labels] == []


@pytest.mark.parametrize(
    ("name", "threshold"),
    [
        ("bench_instructions.Instructions.track_instructions", 0.01),
        ("bench_multi_symbol.MultiSymbolScan.peakmem_scan", 0.03),
        ("bench_cold_start.ColdStart.timeraw_import", 0.3),
        ("bench_single_symbol.SingleSymbolDetection.time_detect", 0.15),
    ],
)
def test_each_series_gets_its_threshold(conf: dict[str, Any], name: str, threshold: float) -> None:
    """asv's publish applies the largest threshold whose regex matches (re.match)."""
    matching = [t for regex, t in conf["regressions_thresholds"].items() if re.match(regex, name)]
    assert max(matching) == threshold


def test_every_budget_names_a_benchmark() -> None:
    """pyproject's budgets match a real benchmark with its parameters (else `unmatched`)."""
    from alphapulse_perf.regression.settings import load_settings

    budgets = load_settings(CONF.parent / "pyproject.toml").budgets
    cases = [
        (name, tuple(param_names(cls, method)), tuple(repr(v) for v in combo))
        for name, cls, method, combo in CASES
    ]
    dead = [b.match.pattern for b in budgets if not any(b.applies(*case) for case in cases)]
    assert dead == []
