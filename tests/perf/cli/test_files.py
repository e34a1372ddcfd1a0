"""The helper's one writer (whole or not at all, fsynced) and the results folder it never writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from conftest import empty_config

from alphapulse_perf._files import OutputError, refuse_inside, write_atomic
from alphapulse_perf.cli import main


def test_replaces_the_file_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "index.html"
    target.write_bytes(b"old")
    target.chmod(0o640)
    with target.open("rb") as reader:  # a reader of the old file keeps reading the old file
        assert write_atomic(target, b"new") == target
        assert reader.read() == b"old"
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_a_new_file_is_0644_whatever_the_umask_and_text_is_utf8(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "fresh.txt", "café\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "fresh.txt").stat().st_mode) == 0o644
    assert (tmp_path / "fresh.txt").read_bytes() == "café\n".encode()


def test_a_link_is_replaced_not_written_through(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("theirs")
    elsewhere.chmod(0o600)
    link = tmp_path / "out.json"
    link.symlink_to(elsewhere)
    write_atomic(link, "ours")
    assert not link.is_symlink() and link.read_text() == "ours"
    assert stat.S_IMODE(link.stat().st_mode) == 0o644  # not the mode of the link's target
    assert elsewhere.read_text() == "theirs"


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failure_leaves_the_old_file_whole_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    target = tmp_path / "index.html"
    target.write_bytes(b"old")

    def fail(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(f"alphapulse_perf._files.os.{failing}", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["index.html"]


def test_the_file_then_its_folder_are_fsynced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[tuple[str, int]] = []
    real_fsync = os.fsync

    def record(fd: int) -> None:
        found = os.fstat(fd)
        kind = "folder" if stat.S_ISDIR(found.st_mode) else "file"
        synced.append((kind, found.st_ino))
        real_fsync(fd)

    monkeypatch.setattr("alphapulse_perf._files.os.fsync", record)
    target = write_atomic(tmp_path / "report.json", "{}")
    assert synced == [("file", target.stat().st_ino), ("folder", tmp_path.stat().st_ino)]


def test_a_missing_folder_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_atomic(tmp_path / "absent" / "x.json", "{}")
    assert list(tmp_path.iterdir()) == []


# --- the results folder -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "inside",
    [
        pytest.param("results/benchmarks.json", id="asv-file"),
        pytest.param("results/baselines.json", id="baselines-too"),  # only baselines.py writes it
        pytest.param("results/m1/report.md", id="machine"),
        pytest.param("results", id="the-folder"),
        pytest.param("out/../results/x.json", id="dot-dot"),
        pytest.param("link/x.json", id="through-a-link"),
    ],
)
def test_refuses_the_results_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inside: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("results").mkdir()
    Path("link").symlink_to("results")
    with pytest.raises(OutputError) as err:
        refuse_inside(Path(inside), Path("results"))
    assert str(err.value) == (
        f"--output {inside}: is inside the asv results folder results/;"
        " the helper never writes there (asv owns it)"
    )


@pytest.mark.parametrize("outside", ["results-old/x.json", "report.json", "out/results/x.json"])
def test_allows_everything_else(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, outside: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("results").mkdir()
    refuse_inside(Path(outside), Path("results"))
    refuse_inside(Path(outside), tmp_path / "results")  # relative against absolute


def test_check_output_into_the_results_exits_2_and_leaves_asv_s_file(
    results_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    asv_file = results_dir / "benchmarks.json"
    before = asv_file.read_bytes()
    common = ["--results", str(results_dir), "--config", str(empty_config(tmp_path))]
    common += ["--baseline", "aaaaaaaa", "--commit", "bbbbbbbb"]
    assert main(["check", *common, "--output", str(asv_file)]) == 2
    assert capsys.readouterr().err == (
        f"alphapulse-perf: --output {asv_file}: is inside the asv results folder {results_dir}/;"
        " the helper never writes there (asv owns it)\n"
    )
    assert asv_file.read_bytes() == before
    assert main(["check", *common, "--output", str(tmp_path / "report.txt")]) in (0, 1)
    assert (tmp_path / "report.txt").read_text().startswith("check: ")


def test_trend_plot_into_the_results_exits_2_before_creating_anything(
    results_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plots = results_dir / "plots"
    args = ["trend", "--plot", str(plots), "--results", str(results_dir)]
    assert main([*args, "--config", str(empty_config(tmp_path))]) == 2
    assert f"--plot {plots}: is inside the asv results folder" in capsys.readouterr().err
    assert not plots.exists()
