"""scripts/asv_machine: this host's description under any machine name, in asv's machine file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from asv.machine import MachineCollection

from scripts import asv_machine


def test_save_records_the_host_under_the_name(tmp_path: Path) -> None:
    path = tmp_path / "asv-machine.json"
    asv_machine.save("ci-2", path)
    asv_machine.save("reference", path)  # a second name keeps the first
    stored = json.loads(path.read_text())
    assert set(stored) == {"ci-2", "reference", "version"}
    info = MachineCollection.load("ci-2", _path=str(path))
    assert info["machine"] == "ci-2"
    for field in ("arch", "cpu", "num_cpu", "os", "ram"):
        assert info[field], field  # what `asv machine --yes --machine ci-2` leaves out


@pytest.mark.parametrize("argv", [[], ["a", "b"], ["  "]])
def test_usage_is_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert asv_machine.main(argv) == 2
    assert "usage" in capsys.readouterr().err
