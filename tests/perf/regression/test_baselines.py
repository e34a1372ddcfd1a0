"""Named baselines: a versioned file next to the results, written atomically."""

from __future__ import annotations

import fcntl
import json
import multiprocessing
import os
import random
import re
import select
import subprocess
import sys
import time
from multiprocessing.synchronize import Barrier
from pathlib import Path

import pytest

from alphapulse_perf.regression.baselines import (
    Baseline,
    BaselineError,
    baselines_path,
    load_baselines,
    lock_path,
    remove_baseline,
    set_baseline,
)

A, B = "a" * 40, "b" * 40
ROOT = Path(__file__).resolve().parents[3]  # the checkout whose alphapulse_perf is tested


def test_set_list_replace_and_remove(tmp_path: Path) -> None:
    assert load_baselines(tmp_path) == {}
    set_baseline(tmp_path, "release-1.0", A)
    set_baseline(tmp_path, "main", A)
    set_baseline(tmp_path, "main", B)
    assert json.loads(baselines_path(tmp_path).read_text()) == {
        "version": 1,
        "baselines": {"main": {"commit": B}, "release-1.0": {"commit": A}},
    }
    assert remove_baseline(tmp_path, "main") == Baseline("main", B)
    assert list(load_baselines(tmp_path)) == ["release-1.0"]
    # No temp file left; the lock is a file of its own, empty.
    assert sorted(p.name for p in tmp_path.iterdir()) == [".baselines.json.lock", "baselines.json"]
    assert lock_path(tmp_path).read_bytes() == b""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("{", "is not valid JSON", id="json"),
        pytest.param('{"version": 9, "baselines": {}}', "format version 9", id="version"),
        pytest.param('{"version": 1, "baselines": []}', "'baselines' should be", id="shape"),
        pytest.param(
            '{"version": 1, "baselines": {"x": {"commit": "abc"}}}', "baseline 'x'", id="commit"
        ),
    ],
)
def test_a_bad_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    baselines_path(tmp_path).write_text(text)
    with pytest.raises(BaselineError, match=r"baselines\.json") as err:
        load_baselines(tmp_path)
    assert message in str(err.value)


def test_bad_requests(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="baseline name ' x'"):
        set_baseline(tmp_path, " x", A)
    with pytest.raises(BaselineError, match="not a full commit hash"):
        set_baseline(tmp_path, "x", "abc")
    with pytest.raises(BaselineError, match="no baseline named 'x'"):
        remove_baseline(tmp_path, "x")
    with pytest.raises(BaselineError, match="is not a directory"):
        set_baseline(tmp_path / "absent", "x", A)


def test_a_name_twice_is_refused_naming_the_file_and_the_name(tmp_path: Path) -> None:
    twice = f'"main": {{"commit": "{A}"}}, "main": {{"commit": "{B}"}}'
    baselines_path(tmp_path).write_text(f'{{"version": 1, "baselines": {{{twice}}}}}')
    with pytest.raises(BaselineError) as err:
        load_baselines(tmp_path)
    assert str(err.value).startswith(f"{baselines_path(tmp_path)}: the name 'main' appears twice")
    with pytest.raises(BaselineError, match="'main' appears twice"):  # and never rewritten
        set_baseline(tmp_path, "other", A)


def test_bytes_that_are_not_utf8_are_refused_naming_the_file(tmp_path: Path) -> None:
    baselines_path(tmp_path).write_bytes(b'{"version": 1, "baselines": {"caf\xe9": {}}}')
    with pytest.raises(BaselineError) as err:
        load_baselines(tmp_path)
    assert str(err.value) == (
        f"{baselines_path(tmp_path)}: is not UTF-8 text (byte offset 33: invalid continuation byte)"
    )


def _good_file(path: Path) -> Path:
    path.write_text(json.dumps({"version": 1, "baselines": {"main": {"commit": A}}}))
    return path


@pytest.mark.parametrize("kind", ["dangling", "loop", "good"])
def test_a_link_is_refused_and_left_alone(tmp_path: Path, kind: str) -> None:
    path = baselines_path(tmp_path)
    target = {"dangling": tmp_path / "gone.json", "loop": path, "good": tmp_path / "real.json"}
    if kind == "good":
        _good_file(target[kind])
    path.symlink_to(target[kind])
    message = f"{path}: is a symbolic link to {target[kind]}; the helper only reads and writes a"
    with pytest.raises(BaselineError, match=re.escape(message)):
        load_baselines(tmp_path)
    with pytest.raises(BaselineError, match="is a symbolic link"):
        set_baseline(tmp_path, "other", B)
    with pytest.raises(BaselineError, match="is a symbolic link"):
        remove_baseline(tmp_path, "main")
    assert path.is_symlink() and os.readlink(path) == str(target[kind])
    if kind == "good":
        assert list(load_baselines(tmp_path / "nowhere")) == []  # (an absent folder: none)
        assert json.loads(target[kind].read_text())["baselines"] == {"main": {"commit": A}}


def test_what_is_not_a_regular_file_is_refused(tmp_path: Path) -> None:
    baselines_path(tmp_path).mkdir()
    with pytest.raises(BaselineError, match=r"baselines\.json: is not a regular file \(a dir"):
        load_baselines(tmp_path)
    baselines_path(tmp_path).rmdir()
    os.mkfifo(baselines_path(tmp_path))  # and reading it does not wait for a writer
    with pytest.raises(BaselineError, match=r"is not a regular file \(a FIFO\)"):
        load_baselines(tmp_path)


# --- writers at once ----------------------------------------------------------------------------

PROCESSES, NAMES_EACH = 6, 12
FORK = multiprocessing.get_context("fork")  # the children run this module's functions, no import


def _set_names(results_dir: Path, who: int, start: Barrier) -> None:
    start.wait()
    for n in range(NAMES_EACH):
        set_baseline(results_dir, f"p{who}-n{n}", f"{who:x}{n:x}".ljust(40, "0"))


def test_writers_at_once_lose_no_name(tmp_path: Path) -> None:
    start = FORK.Barrier(PROCESSES)
    workers = [
        FORK.Process(target=_set_names, args=(tmp_path, who, start)) for who in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert [w.exitcode for w in workers] == [0] * PROCESSES
    found = load_baselines(tmp_path)
    assert len(found) == PROCESSES * NAMES_EACH
    assert found["p5-n11"].commit == "5b".ljust(40, "0")


def _python(code: str, *args: str) -> subprocess.Popen[bytes]:
    """`code` in a fresh interpreter importing this checkout's alphapulse_perf (no fd inherited)."""
    path = os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])
    return subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": path},
    )


def _said(process: subprocess.Popen[bytes]) -> bytes:
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], 20)
    return process.stdout.readline() if ready else b"(nothing in 20 s)"


SET_SECOND = f"""
import sys
from pathlib import Path
from alphapulse_perf.regression.baselines import set_baseline
print("setting", flush=True)
set_baseline(Path(sys.argv[1]), "second", "{B}")
"""


def test_a_writer_waits_for_the_lock(tmp_path: Path) -> None:
    set_baseline(tmp_path, "first", A)
    with open(lock_path(tmp_path), "rb") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        writer = _python(SET_SECOND, str(tmp_path))
        assert _said(writer) == b"setting\n"
        time.sleep(0.3)
        assert writer.poll() is None and list(load_baselines(tmp_path)) == ["first"]
    assert writer.wait(timeout=20) == 0
    assert list(load_baselines(tmp_path)) == ["first", "second"]


KILLS = 40
LOOP = """
import itertools, os, sys
from pathlib import Path
from alphapulse_perf.regression.baselines import set_baseline
for i in itertools.count():
    set_baseline(Path(sys.argv[1]), f"name-{i % 25}", os.urandom(20).hex())
    if i == 0:
        print("writing", flush=True)
"""


def test_a_writer_killed_at_any_moment_leaves_a_whole_file(tmp_path: Path) -> None:
    chance = random.Random()
    seen: set[bytes] = set()
    for kill in range(KILLS):
        writer = _python(LOOP, str(tmp_path))
        try:
            assert _said(writer) == b"writing\n", f"kill {kill}: the writer did not start"
            time.sleep(chance.uniform(0, 0.03))
        finally:
            writer.kill()  # SIGKILL: no cleanup, no atexit, mid-write or not
            writer.wait()
            assert writer.stdout is not None
            writer.stdout.close()
        assert load_baselines(tmp_path), f"kill {kill}: no baselines"  # raises if torn
        seen.add(baselines_path(tmp_path).read_bytes())
    assert len(seen) > KILLS // 2  # killed after more writes, not always right after its first
