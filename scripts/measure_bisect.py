"""Does `alphapulse-perf bisect` name the culprit every time on a loaded machine, and `asv find`?

    python -m scripts.measure_bisect [--repeats 3] [--commits 9]

In a temporary clone (scripts/asv_clone.py) it commits, on top of today's suite, a range of
`--commits` commits of which exactly one does about 2 % more pattern work (the change of
scripts/measure_counts.py, kept by every later commit); the others change nothing measured. With two
bursty CPU burners beside it (scripts/load.py), each repetition bisects the range with
`alphapulse-perf bisect` on the patterns' instruction count, then runs `asv find` on the same range
and benchmark family (`Stages.time_patterns`, timings). Printed: the culprit each named, the
number of commits measured and the wall time.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

from scripts.asv_clone import make_sandbox
from scripts.load import Load
from scripts.measure_checker import BIN, run
from scripts.measure_counts import MORE_WORK, PATTERNS

COUNT = "workload='patterns'"
TIMING = "bench_stages.Stages.time_patterns"  # asv find takes a name, not a regex


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--commits", type=int, default=9, help="commits after GOOD (default 9)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="measure-bisect-") as tmp:
        box = make_sandbox(Path(tmp))
        culprit_at = args.commits // 2 + 1  # not the middle: the search must walk to it
        commits = [box.suite]
        for k in range(1, args.commits + 1):
            changed = {PATTERNS: box.original(PATTERNS) + MORE_WORK} if k >= culprit_at else {}
            commits.append(box.commit(f"commit {k}", changed))
        culprit = commits[culprit_at]
        print(f"range: {commits[0][:8]}..{commits[-1][:8]}, {args.commits} commits, culprit"
              f" {culprit[:8]} (commit {culprit_at})", flush=True)  # fmt: skip
        run([str(BIN / "asv"), "machine", "--yes", "--machine", "measure"], box)
        # The environment built and every commit's wheel cached once, outside the times.
        warm = ["--quick", "-b", r"^bench_cold_start\.ColdStart\.timeraw_import$"]
        (box.repo / ".asv").mkdir(exist_ok=True)
        (box.repo / ".asv" / "all.txt").write_text("\n".join(commits) + "\n")
        run([str(BIN / "asv"), "run", "--machine", "measure", *warm, "HASHFILE:.asv/all.txt"], box)
        with Load(burners=2):
            for rep in range(1, args.repeats + 1):
                start = time.perf_counter()
                done = run(
                    [str(BIN / "alphapulse-perf"), "bisect", COUNT, commits[0], commits[-1],
                     "--machine", "measure", "--format", "json"],
                    box,
                )  # fmt: skip
                took = time.perf_counter() - start
                found = json.loads(done.stdout)
                named = found["culprit"]
                print(f"bisect {rep}: {named[:8]} ({'right' if named == culprit else 'WRONG'}),"
                      f" {len(found['measured'])} commits measured, {took:.0f} s,"
                      f" {found['after'] / found['before'] - 1:+.2%}", flush=True)  # fmt: skip
                shutil.rmtree(box.repo / ".asv" / "bisect", ignore_errors=True)
                start = time.perf_counter()
                done = run(
                    [str(BIN / "asv"), "find", "-m", "measure",
                     f"{commits[0]}..{commits[-1]}", TIMING],
                    box, ok=(0, 1, 2),
                )  # fmt: skip
                took = time.perf_counter() - start
                said = done.stdout + done.stderr
                found_by_asv = re.findall(r"Greatest regression found: (\w+)", said)
                named = found_by_asv[-1] if found_by_asv else "none"
                steps = len(re.findall(r"For \S+ commit ", said))
                right = culprit.startswith(named)
                if not found_by_asv:  # say why, not only that it named nothing
                    print("\n".join(said.strip().splitlines()[-5:]), flush=True)
                print(f"asv find {rep}: {named[:8]} ({'right' if right else 'WRONG'}),"
                      f" {steps} commits measured, {took:.0f} s", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
