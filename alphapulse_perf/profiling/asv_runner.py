"""`alphapulse-perf profile`: asv benchmarks profiled at a commit, in asv's environment of it.

Why not `asv profile` or `asv run --profile` as they are: `asv run --profile` stores one profile
per benchmark with all parameter combinations added together, and `asv profile` takes one
combination at a time, behind a regular expression whose parentheses must be escaped, and profiles
a single call (for a benchmark of a millisecond that is mostly timer noise). Here asv does what it
does best: its configuration picks the environment, `Environment.install_project` builds and
installs the commit into it (the same calls `asv profile` makes), and asv_runner, inside that
environment, discovers the suite and sets each benchmark up (`_asv_profile_runner.py`). Each
parameter combination is then called for about `min_time` seconds under cProfile, and gets its
own `.prof`, `.txt` and `.svg`.

asv reads `pyproject.toml` and `asv.conf.json` from the working directory, so the asv calls run
from the repository's root (and come back). They share asv's environment directory with `asv run`:
do not profile in a repository where `asv run` is running at the same time.

Selecting: a benchmark combination is chosen when REGEX matches (`re.search`) its name or its
label `name(p1, p2)` (asv's form: parameters as asv shows them), or when REGEX appears in the label
as plain text: `time_detect(1000)` selects one combination without escaping the parentheses,
`time_detect` all of them.
"""

from __future__ import annotations

import contextlib
import enum
import importlib
import importlib.util
import itertools
import json
import marshal
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alphapulse_perf._asv import environment_spec
from alphapulse_perf._files import write_atomic
from alphapulse_perf.profiling.capture import (
    CaptureError,
    capture_from_stats,
    load_stats,
    without_profiler_frames,
)
from alphapulse_perf.profiling.capture_files import capture_name
from alphapulse_perf.profiling.flamegraph import render_flamegraph
from alphapulse_perf.profiling.text import render_summary

__all__ = [
    "BenchmarkCase",
    "CaseOutcome",
    "CaseStatus",
    "ProfileError",
    "profile_benchmarks",
    "profile_lines",
    "project_package",
    "select_cases",
]

RUNNER = Path(__file__).with_name("_asv_profile_runner.py")


class ProfileError(ValueError):
    """A profile that cannot be made as asked (no such benchmark, asv could not set up, ...)."""


@dataclass(frozen=True)
class BenchmarkCase:
    """One benchmark with one parameter combination (`index` in asv's order; -1: none)."""

    name: str
    index: int
    params: tuple[str, ...]
    param_names: tuple[str, ...]

    @property
    def label(self) -> str:
        """asv's form: `name(1000)`, `name(10, 1000)`, or the name alone."""
        return f"{self.name}({', '.join(self.params)})" if self.params else self.name

    @property
    def stem(self) -> str:
        """The file name: `name(candles=1000)`, quotes of string parameters dropped."""
        if not self.params:
            return capture_name(self.name)
        inner = ",".join(
            f"{n}={v.strip(chr(39) + chr(34))}"
            for n, v in zip(self.param_names, self.params, strict=True)
        )
        return capture_name(f"{self.name}({inner})")


class CaseStatus(enum.Enum):
    OK = "ok"
    SKIPPED = "skipped"  # NotImplementedError in setup, as asv skips it
    FAILED = "failed"


@dataclass(frozen=True)
class CaseOutcome:
    case: BenchmarkCase
    status: CaseStatus
    calls: int
    message: str
    prof: Path | None = None
    txt: Path | None = None
    svg: Path | None = None
    lines: Path | None = None  # line_profiler's report (`--lines`), `.lines.json` beside it


def _matches(pattern: str, case: BenchmarkCase) -> bool:
    if pattern in case.label:
        return True
    try:
        regex = re.compile(pattern)
    except re.error:
        return False  # `time_detect(1000` is plain text, already tried
    return bool(regex.search(case.name) or regex.search(case.label))


def select_cases(listing: Sequence[Mapping[str, Any]], pattern: str) -> list[BenchmarkCase]:
    """The benchmark combinations of `listing` (asv_runner's discovery) that `pattern` selects.

    A pattern that selects some combinations of a benchmark by its label selects only those; one
    that matches a benchmark's name selects all its combinations.
    """
    chosen = []
    for bench in listing:
        name = str(bench["name"])
        params = [list(map(str, p)) for p in bench.get("params") or []]
        names = tuple(map(str, bench.get("param_names") or []))
        if params:
            cases = [
                BenchmarkCase(name, i, tuple(combo), names)
                for i, combo in enumerate(itertools.product(*params))
            ]
        else:
            cases = [BenchmarkCase(name, -1, (), ())]
        chosen += [c for c in cases if _matches(pattern, c)]
    return chosen


@contextlib.contextmanager
def _working_directory(path: Path) -> Iterator[None]:
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


class _AsvEnvironment:
    """The first environment of the repository's asv configuration, with `commit` installed."""

    def __init__(self, repo: Path, commit: str) -> None:
        config_file = repo / "asv.conf.json"
        if not config_file.is_file():
            raise ProfileError(f"{config_file}: no asv configuration there")
        util: Any = importlib.import_module("asv.util")
        environment: Any = importlib.import_module("asv.environment")
        try:
            conf = importlib.import_module("asv.config").Config.load(str(config_file))
            spec = [environment_spec(conf.environment_type or "virtualenv")]  # this interpreter
            environments = list(environment.get_environments(conf, spec, verbose=False))
            if not environments:
                raise ProfileError(f"{config_file}: asv finds no environment to run in")
            self.env = environments[0]
            asv_repo = importlib.import_module("asv.repo").get_repo(conf)
            self.env.create()
            self.env.install_project(conf, asv_repo, commit)
        except (util.UserError, util.ProcessError, environment.EnvironmentUnavailable) as err:
            raise ProfileError(
                f"asv could not prepare {commit[:8]} in its environment: {err}"
            ) from None
        self.benchmark_dir = str((repo / conf.benchmark_dir).resolve())
        self.name = str(self.env.name)

    def run(
        self, args: Sequence[str], cwd: str, extra_env: Mapping[str, str] | None = None
    ) -> None:
        """The runner script in the environment's Python; its failure becomes a ProfileError."""
        stdout, stderr, code = self.env.run(
            [str(RUNNER), *args],
            cwd=cwd,
            env=dict(os.environ, **self.env.env_vars, **(extra_env or {})),
            valid_return_codes=None,
            return_stderr=True,
            dots=False,
            display_error=False,
            timeout=None,
        )
        if code != 0:
            raise ProfileError(
                f"the profile runner failed in {self.name} (exit {code}):\n"
                f"{(stdout + stderr)[-2000:]}"
            )


def _write_outputs(case: BenchmarkCase, raw: Path, out_dir: Path, title: str) -> CaseOutcome:
    """The runner's capture, less the profiler's own frame, as `.prof`, `.txt` and `.svg`."""
    try:
        stats = without_profiler_frames(load_stats(raw))
    except CaptureError as err:
        why = f"the runner's capture is unreadable: {err}"
        return CaseOutcome(case, CaseStatus.FAILED, 0, why)
    prof = out_dir / f"{case.stem}.prof"
    capture = capture_from_stats(stats, str(prof))
    write_atomic(prof, marshal.dumps(stats))
    txt = write_atomic(out_dir / f"{case.stem}.txt", render_summary(capture, title=title))
    svg = write_atomic(out_dir / f"{case.stem}.svg", render_flamegraph(capture, title))
    return CaseOutcome(case, CaseStatus.OK, 0, "", prof, txt, svg)


def profile_benchmarks(
    repo: Path,
    commit: str,
    pattern: str,
    out_dir: Path,
    min_time: float = 1.0,
    max_calls: int = 10_000,
    expect_one: bool = False,
    progress: Callable[[str], None] | None = None,
    lines: Sequence[str] = (),
) -> list[CaseOutcome]:
    """Profile every combination `pattern` selects at `commit` (a full hash) into `out_dir`.

    Writes `<stem>.prof`, `<stem>.txt` and `<stem>.svg` per combination (see `BenchmarkCase.stem`).
    Raises ProfileError when nothing is selected (or, with `expect_one`, more than one
    combination) or asv cannot prepare the environment; a benchmark that fails or skips is
    reported in its `CaseOutcome`. `progress` is told each step (building an environment
    takes a while the first time). With `lines` (functions, as `_asv_profile_runner` names
    them), each combination is also run under line_profiler: `<stem>.lines.txt`, `.lines.json`.
    """
    extra = _line_profiler_folder() if lines else None
    say = progress or (lambda message: None)
    repo = repo.resolve()
    out_dir = out_dir.resolve()
    with _working_directory(repo), tempfile.TemporaryDirectory() as scratch:
        say(f"installing {commit[:8]} in asv's environment (built on first use)")
        env = _AsvEnvironment(repo, commit)
        listing_file = Path(scratch) / "benchmarks.json"
        env.run(["list", env.benchmark_dir, str(listing_file)], scratch)
        listing = json.loads(listing_file.read_text())
        cases = select_cases(listing, pattern)
        if not cases:
            raise ProfileError(
                f"no benchmark of {env.benchmark_dir} matches {pattern!r} at {commit[:8]}"
            )
        if expect_one and len(cases) > 1:
            raise ProfileError(
                f"{pattern!r} selects {len(cases)} benchmark combinations, name one: "
                + ", ".join(c.label for c in cases[:6])
                + (", ..." if len(cases) > 6 else "")
            )
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise ProfileError(f"{out_dir}: cannot be created ({err.strerror})") from None
        outcomes = []
        for case in cases:
            say(f"profiling {case.label} at {commit[:8]}")
            raw, result = Path(scratch) / "raw.prof", Path(scratch) / "result.json"
            raw.unlink(missing_ok=True)
            env.run(
                ["profile", env.benchmark_dir, case.name, str(case.index), str(min_time),
                 str(max_calls), str(raw), str(result)],
                scratch,
            )  # fmt: skip
            reported = json.loads(result.read_text())
            status = CaseStatus(reported["status"])  # the runner writes one of them
            if status is not CaseStatus.OK:
                outcomes.append(CaseOutcome(case, status, 0, str(reported["message"])))
                continue
            title = f"{case.label} at {commit[:8]}: {reported['calls']} calls under cProfile"
            written = _write_outputs(case, raw, out_dir, title)
            lined = None
            if extra is not None and written.status is CaseStatus.OK:
                say(f"timing the lines of {', '.join(lines)} in {case.label}")
                lined = _line_profile(env, case, (min_time, max_calls), lines, extra, out_dir)
            outcomes.append(
                CaseOutcome(
                    case, written.status, int(reported["calls"]), written.message,
                    written.prof, written.txt, written.svg, lined,
                )
            )  # fmt: skip
        return outcomes


def profile_lines(
    repo: Path,
    commit: str,
    pattern: str,
    out_dir: Path,
    functions: Sequence[str],
    min_time: float = 1.0,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """The one combination `pattern` selects, timed line by line in `functions` at `commit`:
    `<stem>.lines.txt` (and `.lines.json`) in `out_dir`; no cProfile run."""
    say = progress or (lambda message: None)
    extra = _line_profiler_folder()
    repo, out_dir = repo.resolve(), out_dir.resolve()
    with _working_directory(repo), tempfile.TemporaryDirectory() as scratch:
        say(f"installing {commit[:8]} in asv's environment (built on first use)")
        env = _AsvEnvironment(repo, commit)
        listing_file = Path(scratch) / "benchmarks.json"
        env.run(["list", env.benchmark_dir, str(listing_file)], scratch)
        cases = select_cases(json.loads(listing_file.read_text()), pattern)
        if len(cases) != 1:
            raise ProfileError(f"{pattern!r} selects {len(cases)} combinations at {commit[:8]}")
        out_dir.mkdir(parents=True, exist_ok=True)
        say(f"timing the lines of {', '.join(functions)} at {commit[:8]}")
        return _line_profile(env, cases[0], (min_time, 10_000), functions, extra, out_dir)


def project_package(repo: Path) -> str:
    """The package of the project asv measures: asv.conf.json's `project` (the code of ours)."""
    config: Any = importlib.import_module("asv.config")
    util: Any = importlib.import_module("asv.util")
    try:
        return str(config.Config.load(str(repo / "asv.conf.json")).project)
    except (OSError, util.UserError) as err:
        raise ProfileError(f"{repo / 'asv.conf.json'}: cannot be read by asv ({err})") from None


def _line_profiler_folder() -> str:
    """Where the helper's line_profiler is installed (the runner adds it to asv's env)."""
    found = importlib.util.find_spec("line_profiler")
    if found is None or found.origin is None:
        raise ProfileError("--lines needs line_profiler: pip install 'alphapulse[perf]'")
    return str(Path(found.origin).parent.parent)


def _line_profile(
    env: _AsvEnvironment,
    case: BenchmarkCase,
    limits: tuple[float, int],
    functions: Sequence[str],
    extra: str,
    out_dir: Path,
) -> Path:
    """`case` run under line_profiler for `functions`; its `.lines.txt` (and `.lines.json`)."""
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        (folder / "functions.json").write_text(json.dumps(list(functions)))
        text, data, result = folder / "lines.txt", folder / "lines.json", folder / "result.json"
        env.run(
            ["lines", env.benchmark_dir, case.name, str(case.index), str(limits[0]),
             str(limits[1]), str(folder / "functions.json"), str(text), str(data), str(result)],
            scratch, {"ALPHAPULSE_PERF_LINE_PROFILER": extra},
        )  # fmt: skip
        reported = json.loads(result.read_text())
        if reported["status"] != CaseStatus.OK.value:
            raise ProfileError(f"{case.label}: line-level profile {reported['status']}:"
                               f" {str(reported['message']).rstrip()}")  # fmt: skip
        write_atomic(out_dir / f"{case.stem}.lines.json", data.read_text())
        return write_atomic(out_dir / f"{case.stem}.lines.txt", text.read_text())
