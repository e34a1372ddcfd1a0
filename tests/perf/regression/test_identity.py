"""`machine check`: a host is the stored machine only when its CPU, cores, arch, OS and memory
agree; otherwise exit 2, naming each field that differs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alphapulse_perf.cli import machine as machine_command
from alphapulse_perf.cli import main
from alphapulse_perf.regression.identity import compare_hosts

HERE = {"machine": "vm", "os": "Linux 6.18.44", "num_cpu": "2", "arch": "x86_64",
        "cpu": "AMD EPYC", "ram": "25275990016"}  # fmt: skip


@pytest.mark.parametrize(
    ("change", "different"),
    [
        pytest.param({}, [], id="same"),
        pytest.param({"machine": "other-name", "os": "Linux 6.1.0-18-amd64"}, [], id="renamed"),
        pytest.param({"ram": "24000000000"}, [], id="ram-within-a-tenth"),
        pytest.param({"ram": "16000000000"}, ["ram"], id="ram"),
        pytest.param({"cpu": "Intel Xeon", "num_cpu": "4"}, ["cpu", "num_cpu"], id="cpu"),
        pytest.param({"os": "Darwin 23.1.0", "arch": "arm64"}, ["arch", "os"], id="os"),
    ],
)
def test_fields_that_make_another_machine(change: dict[str, str], different: list[str]) -> None:
    identity = compare_hosts("m1", {**HERE, **change}, HERE)
    assert sorted(d.field for d in identity.differences) == different
    assert identity.same == (not different)


def test_a_description_without_fields_compares_nothing() -> None:
    identity = compare_hosts("m1", {"machine": "m1"}, HERE)
    assert identity.same and identity.unrecorded == ("cpu", "num_cpu", "arch", "os", "ram")


def _results(tmp_path: Path, described: dict[str, str]) -> Path:
    (tmp_path / "results" / "m1").mkdir(parents=True)
    (tmp_path / "results" / "m1" / "machine.json").write_text(
        json.dumps({**described, "version": 1})
    )
    (tmp_path / "none.toml").write_text("")
    return tmp_path / "results"


def check(results: Path, *extra: str) -> int:
    config = results.parent / "none.toml"
    return main(["machine", "check", "--results", str(results), "--config", str(config), *extra])


def test_another_host_is_refused_naming_the_fields_and_how_to_pick_a_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(machine_command, "this_host", lambda: HERE)
    results = _results(tmp_path, {**HERE, "cpu": "Intel Xeon", "num_cpu": "8"})
    assert check(results, "--machine", "m1") == 2
    err = capsys.readouterr().err
    assert "this host is not the machine 'm1'" in err
    assert "cpu: stored 'Intel Xeon', here 'AMD EPYC'" in err
    assert "num_cpu: stored '8', here '2'" in err
    assert "ALPHAPULSE_MACHINE=NAME" in err


def test_the_same_host_and_a_new_name_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(machine_command, "this_host", lambda: HERE)
    results = _results(tmp_path, HERE)
    assert check(results, "--machine", "m1") == 0
    assert capsys.readouterr().out == "this host matches machine 'm1'\n"
    assert check(results, "--machine", "new") == 0
    assert "this host will be its first" in capsys.readouterr().out
    assert check(results) == 2  # no name at all
