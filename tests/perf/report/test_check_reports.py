"""The check report as text, Markdown and JSON, compared whole."""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import replace

import pytest
from builders import FAST, SETTINGS, rec, scaled

from alphapulse_perf.regression.budgets import check_budgets
from alphapulse_perf.regression.check import CheckReport, Revision, run_check
from alphapulse_perf.regression.compare import Status, classify
from alphapulse_perf.regression.settings import Budget, Rule
from alphapulse_perf.report.check import render_check
from alphapulse_perf.report.check_parts import next_steps
from alphapulse_perf.results import Outcome

BASE, HEAD = "a" * 40, "b" * 40


@pytest.fixture
def report() -> CheckReport:
    pairs = [
        (rec(0.001, FAST, params=("10",)), rec(0.0013, scaled(1.3), params=("10",))),
        (rec(0.002, params=("20",)), rec(0.002, params=("20",))),
        (rec(0.002, params=("30",)), rec(None, params=("30",), outcome=Outcome.FAILED)),
    ]
    comparisons = tuple(classify(b, a, SETTINGS, rounds=2) for b, a in pairs)
    budgets = check_budgets(
        [after for _, after in pairs], (Budget(re.compile("time_x"), (("n", ("20",)),), max=0.001),)
    )
    return CheckReport(Revision(BASE, "main"), Revision(HEAD, HEAD), comparisons, tuple(budgets))


def test_text(report: CheckReport) -> None:
    assert render_check(report, "text") == textwrap.dedent(
        """\
        check: FAIL: 1 regressed, 1 unchanged, 1 broken, 1 budget broken of 1 (bbbbbbbb against main (aaaaaaaa))
        compared 2 of the baseline's 3 series

        broken: b.Bench.time_x(n=30): a value at the baseline, failed at the target

        status     benchmark             baseline  current  ratio  note
        regressed  b.Bench.time_x(n=10)  1 ms      1.3 ms   1.30x  Mann-Whitney p=1.1e-05
        unchanged  b.Bench.time_x(n=20)  2 ms      2 ms     1.00x
        broken     b.Bench.time_x(n=30)  2 ms      -        -      a value at the baseline, failed at the target

        budgets:
          broken: b.Bench.time_x(n=20): 2 ms, budget <= 1 ms

        next steps for b.Bench.time_x(n=10):
          asv find -m m1 aaaaaaaa..bbbbbbbb '^b\\.Bench\\.time_x$'
          alphapulse-perf profile-diff --bench 'b.Bench.time_x(10)' --from aaaaaaaa --to bbbbbbbb
        """  # noqa: E501
    )


def test_markdown(report: CheckReport) -> None:
    assert render_check(report, "markdown") == textwrap.dedent(
        """\
        :x: **Performance check FAIL: 1 regressed, 1 unchanged, 1 broken, 1 budget broken of 1 (bbbbbbbb against main (aaaaaaaa))**

        - compared 2 of the baseline's 3 series

        ### Broken or missing

        - `broken: b.Bench.time_x(n=30): a value at the baseline, failed at the target`

        ### Regressions

        | benchmark | baseline | current | ratio | tolerance | evidence |
        |---|---|---|---|---|---|
        | `b.Bench.time_x(n=10)` | 1 ms | 1.3 ms | 1.30x | 10% | Mann-Whitney p=1.1e-05 |

        Next steps:

        - `b.Bench.time_x(n=10)`: bisect with `asv find -m m1 aaaaaaaa..bbbbbbbb '^b\\.Bench\\.time_x$'`, then compare profiles with `alphapulse-perf profile-diff --bench 'b.Bench.time_x(10)' --from aaaaaaaa --to bbbbbbbb`

        ### Budgets broken

        | benchmark | value | budget | status |
        |---|---|---|---|
        | `b.Bench.time_x(n=20)` | 2 ms | <= 1 ms | broken |

        <details><summary>All 3 benchmarks and 1 budget checks</summary>

        | status | benchmark | baseline | current | ratio | note |
        |---|---|---|---|---|---|
        | regressed | `b.Bench.time_x(n=10)` | 1 ms | 1.3 ms | 1.30x | Mann-Whitney p=1.1e-05 |
        | unchanged | `b.Bench.time_x(n=20)` | 2 ms | 2 ms | 1.00x |  |
        | broken | `b.Bench.time_x(n=30)` | 2 ms | - | - | a value at the baseline, failed at the target |

        | budget | status |
        |---|---|
        | `b.Bench.time_x(n=20): 2 ms, budget <= 1 ms` | broken |

        </details>
        """  # noqa: E501
    )


def test_json(report: CheckReport) -> None:
    data = json.loads(render_check(report, "json"))
    assert data["verdict"] == "fail"
    assert data["baseline"] == {"name": "main", "commit": BASE}
    assert data["summary"]["regressed"] == 1
    first = data["benchmarks"][0]
    assert {k: first[k] for k in ("name", "params", "baseline", "current", "status")} == {
        "name": "b.Bench.time_x",
        "params": {"n": "10"},
        "baseline": 0.001,
        "current": 0.0013,
        "status": "regressed",
    }
    assert first["ratio"] == pytest.approx(1.3)
    assert first["next_steps"][0].startswith("asv find -m m1 aaaaaaaa..bbbbbbbb")
    assert data["benchmarks"][2]["current"] is None and data["benchmarks"][2]["ratio"] is None
    assert data["budgets"][0]["status"] == "broken"


def test_a_passing_report_says_so_first() -> None:
    same = classify(rec(1.0), rec(1.0), SETTINGS)
    report = CheckReport(Revision(BASE, BASE), Revision(HEAD, "HEAD"), (same,), ())
    assert render_check(report, "markdown").splitlines()[0] == (
        ":white_check_mark: **Performance check PASS: 1 unchanged, 0 budgets broken of 0"
        " (HEAD (bbbbbbbb) against aaaaaaaa)**"
    )
    assert json.loads(render_check(report, "json"))["verdict"] == "pass"


def test_instruction_counts_beside_their_cycles_and_timings() -> None:
    count, cycles = "b.Instructions.track_instructions", "b.Cycles.track_cycles"
    timing_label = "b.Bench.time_x(n=10)"
    settings = replace(SETTINGS, beside=((f"{count}(n='detect')", timing_label),))
    records = [
        rec(1_000_000.0, name=count, params=("'detect'",), commit=BASE),
        rec(1_021_000.0, name=count, params=("'detect'",), commit=HEAD),
        rec(1_700_000.0, name=cycles, params=("'detect'",), commit=BASE),
        rec(1_904_000.0, name=cycles, params=("'detect'",), commit=HEAD),
        rec(2_000_000.0, name=count, params=("'scan'",), commit=BASE),
        rec(2_000_000.0, name=count, params=("'scan'",), commit=HEAD),
        rec(0.001, FAST, commit=BASE),
        rec(0.00103, scaled(1.03), commit=HEAD),
    ]
    unit = {count: "instructions", cycles: "cycles"}
    records = [replace(r, unit=unit[r.benchmark]) if r.benchmark in unit else r for r in records]
    report = run_check(records, Revision(BASE, "main"), Revision(HEAD, HEAD), settings, {})
    assert [
        (row.count.label, row.cycles.label if row.cycles else None,
         row.timing.label if row.timing else None)
        for row in report.beside
    ] == [
        (f"{count}(n='detect')", f"{cycles}(n='detect')", timing_label),
        (f"{count}(n='scan')", None, None),
    ]  # fmt: skip
    markdown = render_check(report, "markdown")
    section = markdown.split("### Instruction counts and cycles beside the timings\n\n", 1)[1]
    assert section.startswith(
        "| workload | instructions | change | status | cycles | change | status | timing | change"
        " | status |\n"
        "|---|---|---|---|---|---|---|---|---|---|\n"
        "| `detect` | 1,021,000 | +2.10 % | regressed | 1,904,000 | +12.00 % | regressed |"
        f" `{timing_label}` | +3.00 % | unchanged |\n"
        "| `scan` | 2,000,000 | +0.00 % | unchanged | - | - | - | - | - | - |\n"
    )
    text = render_check(report, "text")
    assert "instruction counts and cycles (deterministic) beside the timings:" in text
    beside = json.loads(render_check(report, "json"))["beside"]
    assert beside[0] == {
        "instructions": f"{count}(n='detect')",
        "cycles": f"{cycles}(n='detect')",
        "timing": timing_label,
    }
    assert beside[1]["cycles"] is None


def test_a_control_that_did_not_move_for_real_is_noted_once() -> None:
    settings = replace(SETTINGS, rules=(*SETTINGS.rules, Rule(re.compile("time_x"), control=True)))
    moved = classify(rec(1.0, FAST), rec(1.2, scaled(0.999)[:5] + scaled(1.4)[5:]), settings, 2)
    assert moved.status is Status.NOISY and not moved.machine_moved
    report = CheckReport(Revision(BASE, BASE), Revision(HEAD, HEAD), (moved,), ())
    (row,) = [
        line for line in render_check(report, "text").splitlines() if line.startswith("noisy")
    ]
    assert row.endswith("1.20x  Mann-Whitney p=0.14, rounds disagree")


def test_a_count_is_bisected_by_bisect_and_a_timing_by_asv_find() -> None:
    count = replace(rec(6.3e6, name="b.B.track_instructions"), unit="instructions")
    moved = classify(replace(count, value=6e6), count, SETTINGS)
    steps = next_steps(moved, BASE, HEAD)
    assert steps[0] == "alphapulse-perf bisect 'b.B.track_instructions(n=10)' aaaaaaaa bbbbbbbb"
    timing = classify(rec(1.0, scaled(1.0)), rec(1.5, scaled(1.5)), SETTINGS)
    assert next_steps(timing, BASE, HEAD)[0].startswith("asv find -m m1 aaaaaaaa..bbbbbbbb")
