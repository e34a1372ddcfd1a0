"""`alphapulse-perf shard K N`: the share of the suite that runner K of N measures.

Each benchmark goes to exactly one shard. Longest first, each to the shard with the least time so
far (ties to the lower shard; names break ties of time), by the durations asv recorded: shards of
about equal wall time, and the same shards as long as the suite and its recorded durations stay
the same (take them from the committed reference results, which change only when they are
regenerated). A benchmark without a recorded duration counts as the median of the others.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Iterable, Mapping

__all__ = ["asv_selection", "shards"]


def shards(names: Iterable[str], durations: Mapping[str, float], count: int) -> list[list[str]]:
    """`names` split into `count` shards balanced by `durations` (seconds); each sorted."""
    if count < 1:
        raise ValueError(f"the number of shards must be at least 1, got {count}")
    known = [durations[n] for n in names if n in durations]
    default = statistics.median(known) if known else 1.0
    cost = {n: durations.get(n, default) for n in names}
    totals = [0.0] * count
    found: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(cost, key=lambda n: (-cost[n], n)):
        k = min(range(count), key=lambda i: (totals[i], i))
        found[k].append(name)
        totals[k] += cost[name]
    return [sorted(shard) for shard in found]


def asv_selection(names: Iterable[str]) -> str:
    """One `asv run -b` regex selecting exactly `names`, every parameter combination included
    (asv matches a parameterised benchmark as `name(p1, p2)`, an unparameterised one as `name`)."""
    return "^(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")(?:\(|$)"
