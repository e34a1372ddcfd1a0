"""check, report and trend on asv results that another project published (nobody here wrote them).

tests/perf/data/openmathlib/ holds a few files of OpenMathLib's BLAS-Benchmarks results (their
gh-pages branch, as in ../shared/real-asv-results/): two machines, commits git does not know here,
no samples (the CI decides), and a pair of commits whose benchmarks were renamed in between. The
verdicts asserted below were checked by hand against the raw numbers (README, "How much to trust
the check"). When the whole published history is at hand (../shared/real-asv-results/), every
command runs over all of it too.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from alphapulse_perf.cli import main

DATA = Path(__file__).parents[1] / "data" / "openmathlib" / "results"
SHARED = Path(__file__).parents[4] / "shared" / "real-asv-results" / "openmathlib-blas-benchmarks"
OLD, NEW = "9893c99c", "0e098f7e"  # adjacent in date order on every machine
GBMV = "benchmarks.gbmv.time_gbmv"
GEMV = "benchmarks.gemv.time_gemv"


@pytest.fixture
def results(tmp_path: Path) -> Path:
    copy = tmp_path / "results"
    shutil.copytree(DATA, copy)
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    return copy


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "pyproject.toml"
    path.write_text("[tool.alphapulse_perf]\n")
    return path


def run(results: Path, config: Path, *args: str) -> list[str]:
    return [args[0], "--results", str(results), "--config", str(config), "--repo", str(results),
            *args[1:]]  # fmt: skip


def check_json(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str], machine: str
) -> tuple[int, dict[str, Any]]:
    argv = run(results, config, "check", "--machine", machine, "--baseline", OLD, "--commit", NEW)
    code = main([*argv, "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def test_skylake_improved_by_hand(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = check_json(results, config, capsys, "gha-aws-skylake")
    by = {b["label"]: b for b in report["benchmarks"]}
    assert code == 0 and report["verdict"] == "pass"
    assert report["coverage"] == {"baseline_series": 222, "compared": 222}
    assert (report["summary"]["improved"], report["summary"]["noisy"]) == (29, 2)
    # 5.21 us, CI [5.15, 5.27] -> 4.56 us, CI [4.55, 5.02]: 0.88x, intervals apart.
    assert by[f"{GBMV}(size=100, variant='s', kl=1)"]["status"] == "improved"
    # 6.57 us, CI [6.52, 7.53] -> 5.78 us, CI [5.76, 8.55]: 0.88x, but the intervals overlap.
    assert by[f"{GBMV}(size=100, variant='c', kl=2)"]["status"] == "noisy"


def test_graviton_regressed_by_hand(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = check_json(results, config, capsys, "gha-aws-graviton")
    assert code == 1
    # 1.98 ms, CI [1.96, 2.12] -> 2.29 ms, CI [2.21, 2.52]: 1.16x, intervals apart.
    assert report["failing"]["regressed"] == [
        f"{GEMV}(size=800, variant='z')",
        f"{GEMV}(size=1000, variant='d')",
    ]


def test_renamed_benchmarks_compare_nothing_and_exit_2(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = run(results, config, "check", "--machine", "gha-aws-skylake", "--baseline", "03433efb",
               "--commit", "03edd518")  # fmt: skip
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "nothing to compare" in err and "0 shared" in err


def test_every_machine_at_once_and_report_and_trend_without_git(
    results: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = run(results, config, "check", "--baseline", OLD, "--commit", NEW)
    assert main(argv) == 1  # graviton's two regressions
    out = capsys.readouterr().out
    assert "compared 444 of the baseline's 444 series" in out
    assert "[gha-aws-graviton/virtualenv-py3.12]" in out  # several machines: each row says which
    full = "0e098f7e" + json.loads((results / "gha-aws-skylake" / f"{NEW}-virtualenv-py3.12.json")
                                   .read_text())["commit_hash"][8:]  # fmt: skip
    assert (
        main(run(results, config, "report", "--machine", "gha-aws-skylake", "--commit", full)) == 0
    )
    assert f"{GBMV}(size=100, variant='s', kl=1)" in capsys.readouterr().out
    assert main(run(results, config, "trend", "--machine", "gha-aws-skylake", "gbmv")) == 0
    assert main(["baseline", *run(results, config, "set", "before", OLD)]) == 0


@pytest.mark.skipif(not SHARED.is_dir(), reason="the published history is not on this machine")
def test_the_whole_published_history(
    tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "all"
    shutil.copytree(SHARED / "results", copy)
    for path in copy.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    assert main(run(copy, config, "trend", "--format", "json")) == 0
    assert len(json.loads(capsys.readouterr().out)["series"]) > 1000
    for machine in ("gha-aws-graviton", "gha-aws-skylake", "gha-ubuntu-noble"):
        code = main(run(copy, config, "check", "--machine", machine, "--baseline", OLD,
                        "--commit", NEW))  # fmt: skip
        assert code in (0, 1)
    capsys.readouterr()


# MDAnalysis's results repository (tests/perf/data/mdanalysis-benchmarks/README.md): one machine,
# two or three envs a commit, failures in bulk, a benchmark whose parameters changed.
MDA = Path(__file__).parents[1] / "data" / "mdanalysis-benchmarks" / "results"
PY27 = "conda-py2.7-Cython-mdanalysistests-numpy-scipy"


@pytest.fixture
def mda(tmp_path: Path) -> Path:
    copy = tmp_path / "mda"
    shutil.copytree(MDA, copy)
    return copy


def test_mdanalysis_by_hand(mda: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = run(mda, config, "check", "--baseline", "4aeaffbb", "--commit", "c9eb47e2")
    assert main([*argv, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    # 0.3695 ms, CI [0.3691, 0.3700] -> 0.4190 ms, CI [0.4133, 0.4248]: 1.13x, intervals apart.
    contact = "analysis.distances.DistancesBench.time_contact_matrix_sparse(num_atoms=10)"
    assert report["failing"]["regressed"] == [contact]
    assert {b["env"] for b in report["benchmarks"] if b["label"] == contact} == {
        PY27,
        PY27.replace("Cython", "Cython0.27"),
    }
    # Failed on both sides (num_atoms=10000 in every file): shown, not failing.
    assert report["summary"]["failed"] == 42 and report["summary"]["broken"] == 0


def test_mdanalysis_a_benchmark_that_broke_fails(
    mda: Path, config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = run(mda, config, "check", "--baseline", "c9eb47e2", "--commit", "24023716")
    assert main([*argv, "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    # LeafletBench had 18 values a py2.7 env at c9eb47e2 and is null at 24023716.
    broken = report["failing"]["broken"]
    assert len(broken) == 36 and all("LeafletBench.time_leafletfinder" in b for b in broken)
    # The py3.6 env exists only at the target: its series are new, never compared with py2.7.
    assert report["env_changes"] == [] and report["summary"]["new"] == 58
    assert main(run(mda, config, "trend", "--format", "json")) == 0
    capsys.readouterr()
    assert main(run(mda, config, "report", "--commit", "24023716", "--env", "py3.6")) == 0
    out = capsys.readouterr().out
    assert re.search(r"GRO\.GROReadBench\.time_create_GRO_universe +485 ms", out)
    assert re.search(r"import\.ImportBench\.time_import +172 ns", out)
