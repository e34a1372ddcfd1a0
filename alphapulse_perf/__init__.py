"""alphapulse_perf: a thin helper over asv for the AlphaPulse suite.

It reads asv's stored results (never writes them), decides what they say against baselines,
budgets and history, and renders reports; it also profiles. Benchmarks never import it: asv runs
today's benchmarks against old commits, which do not have it. The packages follow the data:
`results` (disk to records), `regression` (decisions), `report` (text), and beside them
`profiling`, `publish` and `cli`.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
