"""Load on the machine while something is measured: bursty CPU burners, and a test-suite run.

    with Load(burners=2, tests=Path("/tmp/ci-clone")):
        ...  # measure

A burner is a Python process that is busy for a random 0.2-2 s, then idle for 0.1-1.5 s, again
and again (seeded: the same pattern each time). The test-suite run is `bash .ci/run` (README's
test command: lint, types and the whole pytest suite, real asv included) in a clean clone of this
repository, started again whenever it ends. Both stop when the block ends. This is the load a
shared 2-core runner sees; scripts/measure_checker.py measures the checker under it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent

BURNER = """
import random, sys, time
rng = random.Random(int(sys.argv[1]))
while True:
    end = time.monotonic() + rng.uniform(0.2, 2.0)
    x = 0
    while time.monotonic() < end:  # busy: pure interpreter work, one core
        for _ in range(10_000):
            x += 1
    time.sleep(rng.uniform(0.1, 1.5))  # idle: the load comes in bursts
"""


def ci_clone(folder: Path) -> Path:
    """A clean clone of this repository's HEAD, whose `.ci/run` the load runs."""
    if not (folder / ".git").exists():
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(folder)], check=True)
    return folder


class Load:
    """Burners and (optionally) a test-suite run in a loop, for the duration of a `with`."""

    def __init__(self, burners: int = 2, tests: Path | None = None, seed: int = 0) -> None:
        self.burners, self.tests, self.seed = burners, tests, seed
        self._processes: list[subprocess.Popen[bytes]] = []
        self._stop = threading.Event()
        self._loop: threading.Thread | None = None
        self.test_runs = 0

    def __enter__(self) -> Load:
        for k in range(self.burners):
            self._processes.append(
                subprocess.Popen(
                    [sys.executable, "-c", BURNER, str(self.seed + k)], start_new_session=True
                )
            )
        if self.tests is not None:
            self._loop = threading.Thread(target=self._run_tests, daemon=True)
            self._loop.start()
        return self

    def _run_tests(self) -> None:
        assert self.tests is not None
        env = {**os.environ, "CI": "true"}
        log = self.tests / ".ci-load.log"
        while not self._stop.is_set():
            with log.open("ab") as out:
                process = subprocess.Popen(
                    ["bash", ".ci/run", "-q", "-p", "no:cacheprovider"],
                    cwd=self.tests, env=env, stdout=out, stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own group: stopped whole, asv included
                )  # fmt: skip
                self._processes.append(process)
                process.wait()
                self.test_runs += 1

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        for process in self._processes:
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)  # a test run's whole group
                except (PermissionError, ProcessLookupError):
                    process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        if self._loop is not None:
            self._loop.join(timeout=30)
