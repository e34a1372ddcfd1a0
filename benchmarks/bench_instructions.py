"""CPU instructions of each workload alone, counted under valgrind: a figure that does not follow
the machine's load, so a change of 1-2 % in the work shows (timings here spread by 10-14 %).

Each count is one valgrind process of about 6-8 s (see benchmarks/instruction_counts.py for the
mechanism); it is exactly the same from run to run of one commit, and moves by up to ~0.25 % (the
smallest workload, signals) when unrelated code changes the memory layout.
"""

from __future__ import annotations

from benchmarks.instruction_counts import SCENARIOS, Scenario, count_scenario, prepare


class _Workloads:
    """One valgrind process per workload of SCENARIOS, each measured once (the figure is exact:
    no samples; asv runs a track once per round)."""

    params = [list(SCENARIOS)]
    param_names = ["workload"]
    rounds = 1
    repeat = 1
    number = 1
    timeout = 300.0  # one valgrind process takes 6-15 s here; room for slower CI machines

    def setup(self, workload: str) -> None:
        self.scenario: Scenario = SCENARIOS[workload]
        prepare(self.scenario)  # skips where valgrind, gcc, callgrind.h or the API is missing


class Instructions(_Workloads):
    """Instructions of one call of: `detect` on 1,000 candles, `scan` of 10 symbols x 1,000
    candles, one streaming update of a 500-candle window, `scan_timeframes` of 10 symbols x 5
    timeframes x 1,000 candles, a multi-timeframe update closing all five timeframes, and each
    stage (indicators, patterns, signal scoring) on 1 symbol x 1,000 candles, as in the timing
    benchmarks."""

    version = "1"

    def track_instructions(self, workload: str) -> float:
        return count_scenario(self.scenario, timeout=self.timeout - 30).instructions

    track_instructions.unit = "instructions"  # type: ignore[attr-defined]


class Cycles(_Workloads):
    """Estimated CPU cycles of one call of each workload of `Instructions`, from callgrind's
    simulation of a fixed cache (benchmarks/instruction_counts.py): as repeatable as the counts,
    and it moves when the memory traffic does (a worse layout, a bigger temporary) and the
    instructions do not. The simulation about doubles valgrind's time."""

    version = "1"

    def track_cycles(self, workload: str) -> float:
        found = count_scenario(self.scenario, timeout=self.timeout - 30, cache_sim=True)
        assert found.cycles is not None
        return found.cycles

    track_cycles.unit = "cycles"  # type: ignore[attr-defined]
