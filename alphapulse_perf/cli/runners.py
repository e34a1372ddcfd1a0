"""The commands of sharded runs: `shard K N` (what runner K of N measures) and `merge` (their
results folders as one)."""

from __future__ import annotations

from alphapulse_perf.cli.common import EXIT_OK, Scope, UsageError
from alphapulse_perf.cli.options import MergeOptions, ShardOptions
from alphapulse_perf.regression.shard import asv_selection, shards
from alphapulse_perf.results import load_benchmarks, recorded_durations
from alphapulse_perf.results.merge import merge_results
from alphapulse_perf.results.suite import suite_names

__all__ = ["cmd_merge", "cmd_shard"]


def cmd_shard(args: ShardOptions) -> int:
    if not 1 <= args.k <= args.n:
        raise UsageError(f"shard {args.k} of {args.n}: K must be between 1 and N")
    results = Scope.of(args).results
    recorded = [name for name in load_benchmarks(results) if name != "version"]
    names = sorted({*recorded, *suite_names(args.benchmarks)})  # today's and those asv knows
    names = [n for n in names if args.match is None or args.match.search(n)]
    if not names:
        raise UsageError("no benchmark to shard" + (" matches --match" if args.match else ""))
    found = shards(names, recorded_durations(results, args.machine), args.n)
    if not found[args.k - 1]:
        raise UsageError(
            f"shard {args.k} of {args.n} is empty: the suite has {len(names)} benchmarks"
        )
    mine = found[args.k - 1]
    if args.only is not None:
        mine = [n for n in mine if args.only.search(n)]
        if not mine:  # a part this shard does not have: a workflow skips that asv run
            return EXIT_OK
    print(asv_selection(mine))
    return EXIT_OK


def cmd_merge(args: MergeOptions) -> int:
    written = merge_results(args.folders, args.into)
    runs = sum(1 for path in written if path.name not in ("machine.json", "benchmarks.json"))
    print(f"{args.into}: {runs} run files from {len(args.folders)} folders")
    return EXIT_OK
