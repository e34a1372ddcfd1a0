"""The profiling commands (`profile` of benchmarks at a commit, `profile-diff`), and `publish`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from alphapulse_perf.cli.common import EXIT_FINDINGS, EXIT_OK, UsageError, progress, write
from alphapulse_perf.cli.options import ProfileDiffOptions, ProfileOptions, PublishOptions
from alphapulse_perf.profiling.asv_runner import (
    CaseStatus,
    ProfileError,
    profile_benchmarks,
    profile_lines,
    project_package,
)
from alphapulse_perf.profiling.capture import load_capture
from alphapulse_perf.profiling.diff import (
    Normalisation,
    ProfileDiff,
    compare_captures,
    offender_marks,
)
from alphapulse_perf.profiling.diff_render import render_diff, render_line_diff
from alphapulse_perf.profiling.flamegraph import render_flamegraph
from alphapulse_perf.profiling.line_diff import functions_to_time, pair_lines
from alphapulse_perf.publish.history import publish_history
from alphapulse_perf.results.git import resolve

__all__ = ["cmd_profile", "cmd_profile_diff", "cmd_publish"]


def cmd_profile(args: ProfileOptions) -> int:
    commit = resolve(args.commit, args.repo)
    out = args.out if args.out is not None else Path("profiles") / commit[:8]
    outcomes = profile_benchmarks(
        args.repo, commit, args.regex, out, args.min_time, progress=progress,
        lines=args.lines or (),
    )  # fmt: skip
    for o in outcomes:
        if o.status is CaseStatus.OK:
            also = ", .lines.txt" if o.lines is not None else ""
            print(f"{o.case.label}: {o.calls} calls -> {o.txt} (.prof, .svg{also})")
        else:
            print(f"{o.case.label}: {o.status.value}: {o.message.rstrip()}", file=sys.stderr)
    failed = any(o.status is CaseStatus.FAILED for o in outcomes)
    nothing = all(o.status is not CaseStatus.OK for o in outcomes)
    return EXIT_FINDINGS if failed or nothing else EXIT_OK


def _bench_captures(
    args: ProfileDiffOptions, bench: str, revs: tuple[str, str]
) -> tuple[Path, Path]:
    """`--bench X --from A --to B`: X profiled at both commits; the two `.prof` files."""
    paths = []
    for rev in revs:
        commit = resolve(rev, args.repo)
        (outcome,) = profile_benchmarks(
            args.repo, commit, bench, args.out / commit[:8], args.min_time,
            expect_one=True, progress=progress,
        )  # fmt: skip
        if outcome.prof is None:
            why = f"{outcome.status.value}: {outcome.message.rstrip()}"
            raise ProfileError(f"{outcome.case.label} at {commit[:8]}: {why}")
        paths.append(outcome.prof)
    return paths[0], paths[1]


def cmd_profile_diff(args: ProfileDiffOptions) -> int:
    bench = (args.bench, args.from_rev, args.to_rev)
    if args.captures and any(bench):
        raise UsageError("give two capture files or --bench/--from/--to, not both")
    if any(bench) and not all(bench):
        raise UsageError("--bench, --from and --to go together")
    if not any(bench) and len(args.captures) != 2:
        raise UsageError("give two capture files (before, after) or --bench X --from A --to B")
    if args.top < 1 or args.mark < 0 or args.lines < 0:
        raise UsageError("--top must be at least 1, --mark and --lines at least 0")
    if args.lines and not args.bench:
        raise UsageError("--lines K needs --bench/--from/--to: the lines are timed at both commits")
    if args.bench and args.from_rev and args.to_rev:
        before_path, after_path = _bench_captures(args, args.bench, (args.from_rev, args.to_rev))
    else:
        before_path, after_path = Path(args.captures[0]), Path(args.captures[1])
    after = load_capture(after_path)
    diff = compare_captures(
        load_capture(before_path), after, Normalisation(args.normalise), args.sort
    )
    table = render_diff(diff, args.format, args.top)
    if args.lines and args.bench and args.from_rev and args.to_rev:
        table += "\n" + _line_diff(args, diff, args.bench, (args.from_rev, args.to_rev))
    if args.output is not None:
        write(args.output, table)
    else:
        sys.stdout.write(table)
    picture = args.flamegraph
    if picture is None and args.bench:  # captures are in OUT/<commit8>/
        revs = f"{before_path.parent.name}-{after_path.parent.name}"
        picture = args.out / f"{after_path.stem}.{revs}.svg"
    if picture is not None:
        title = f"{after_path}\nagainst {before_path}: the top offenders are marked"
        write(picture, render_flamegraph(after, title, offender_marks(diff, args.mark)))
        print(f"flame graph: {picture}", file=sys.stderr)
    return EXIT_OK


def _line_diff(
    args: ProfileDiffOptions, diff: ProfileDiff, bench: str, revs: tuple[str, str]
) -> str:
    """The lines of the K functions of ours that changed most, timed at both commits."""
    specs = functions_to_time(diff, project_package(args.repo), args.lines)
    if not specs:
        return "no function of the project's package among the changes: no lines timed\n"
    data = []
    for rev in revs:
        commit = resolve(rev, args.repo)
        written = profile_lines(
            args.repo, commit, bench, args.out / commit[:8], specs, args.min_time, progress
        )
        data.append(json.loads(written.with_suffix(".json").read_text()))
    return render_line_diff(pair_lines(data[0], data[1]), args.format)


def cmd_publish(args: PublishOptions) -> int:
    written = publish_history(args.repo, args.html, args.cache, show_progress=sys.stderr.isatty())
    root = args.repo / args.html
    names = ", ".join(str(p.relative_to(root)) for p in written) or "nothing (already offline)"
    print(f"{root}: published; vendoring wrote {names}")
    return EXIT_OK
