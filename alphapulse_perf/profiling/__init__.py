"""Profiling: cProfile captures of a function or block (`profile`), a sampling profiler for a whole
process (`ContinuousProfiler`), their files, diffs, text summaries and flame graphs, and asv's
benchmarks profiled at a commit (`asv_runner`).
"""

from __future__ import annotations

from alphapulse_perf.profiling.decorator import CapturePaths, Profiling, profile
from alphapulse_perf.profiling.sampler import ContinuousProfiler

__all__ = ["CapturePaths", "ContinuousProfiler", "Profiling", "profile"]
