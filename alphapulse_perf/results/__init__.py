"""Disk to records: asv's stored results read strictly into `Record`s (`loading`, `cells`,
`folders`, over the strict JSON reader `asv_json`), git revisions (`git`), and fresh batches
measured into a folder of their own (`batch`). Nothing here decides anything or writes asv's files.
"""

from __future__ import annotations

from alphapulse_perf.results.folders import commit_prefix, machine_info, machines, run_files
from alphapulse_perf.results.loading import (
    full_hashes,
    load_benchmarks,
    load_records,
    recorded_durations,
)
from alphapulse_perf.results.records import (
    RESULTS_FORMAT,
    BenchmarkInfo,
    Outcome,
    Record,
    ResultsError,
    label_of,
)

__all__ = [
    "RESULTS_FORMAT",
    "BenchmarkInfo",
    "Outcome",
    "Record",
    "ResultsError",
    "commit_prefix",
    "full_hashes",
    "label_of",
    "load_benchmarks",
    "load_records",
    "machine_info",
    "machines",
    "recorded_durations",
    "run_files",
]
