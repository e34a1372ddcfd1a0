"""What `corroborate = true` does on the committed reference history: every pair of consecutive
core commits checked with it off and on.

    python -m scripts.measure_corroboration

The reference results were measured over several sessions, under whatever load each had: between
two commits that left a workload's code alone, a flagged timing of that workload is a false alarm
of load. For each pair it runs `alphapulse-perf check --format json` twice (the settings of
pyproject.toml, then the same with `corroborate = true`) and counts, over the timings that have a
count and cycles beside them: flagged `regressed` without corroboration, and of those, how many
corroboration turned `noisy` (their count and cycles unchanged) or left standing.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import tempfile
from pathlib import Path

from scripts.measure_checker import BIN

ROOT = Path(__file__).resolve().parent.parent


def reference_commits() -> list[str]:
    """The commits with reference results, oldest first (by asv's recorded date)."""
    dated = []
    for path in (ROOT / "results" / "reference").glob("*-env-*.json"):
        data = json.loads(path.read_text())
        dated.append((data["date"], data["commit_hash"]))
    return [commit for _, commit in sorted(dated)]


def check(baseline: str, target: str, config: Path) -> dict[str, dict[str, str]]:
    done = subprocess.run(
        [str(BIN / "alphapulse-perf"), "check", "--baseline", baseline, "--commit", target,
         "--machine", "reference", "--config", str(config), "--results", str(ROOT / "results"),
         "--format", "json"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    if done.returncode not in (0, 1):
        raise SystemExit(
            f"check {baseline[:8]}..{target[:8]} exited {done.returncode}: {done.stderr}"
        )
    data = json.loads(done.stdout)
    timings = {row["timing"] for row in data["beside"] if row["timing"] and row["cycles"]}
    return {b["label"]: b for b in data["benchmarks"] if b["label"] in timings}


def main() -> int:
    settings = (ROOT / "pyproject.toml").read_text()
    assert "corroborate" not in settings.split("[[tool.alphapulse_perf.benchmarks]]")[0]
    with tempfile.TemporaryDirectory(prefix="corroborate-") as tmp:
        on = Path(tmp) / "pyproject.toml"
        on.write_text(
            settings.replace(
                "[tool.alphapulse_perf]\n", "[tool.alphapulse_perf]\ncorroborate = true\n", 1
            )
        )
        commits = reference_commits()
        flagged = quieted = 0
        for baseline, target in itertools.pairwise(commits):
            off_report = check(baseline, target, ROOT / "pyproject.toml")
            on_report = check(baseline, target, on)
            for label, row in off_report.items():
                if row["status"] != "regressed":
                    continue
                flagged += 1
                after = on_report[label]["status"]
                quieted += after == "noisy"
                print(f"{baseline[:8]}..{target[:8]} {label}: {row['ratio']:.2f}x -> {after}")
        print(
            f"{len(commits) - 1} pairs: {flagged} timing regressions flagged, {quieted} made noisy"
            f" by corroboration, {flagged - quieted} left standing"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
