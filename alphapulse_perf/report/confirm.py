"""A `Confirmation` as text, Markdown (the PR comment) or JSON.

The confirmed verdict comes first, then each flagged timing with its ratio in both batches, then
the first batch's whole check report (render_check), which the confirmation only amends.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from alphapulse_perf.regression.compare import Comparison
from alphapulse_perf.regression.confirm import Confirmation
from alphapulse_perf.report.check_json import check_data
from alphapulse_perf.report.check_markdown import render_markdown as check_markdown
from alphapulse_perf.report.check_text import render_text as check_text
from alphapulse_perf.report.tables import markdown_table, text_table

__all__ = ["CONFIRM_FORMATS", "render_confirmation"]

# Version 1: verdict, flagged, confirmed, cleared, unmeasured, remeasured, seconds, first, second.
# `seconds` is null when the second batch was measured elsewhere (--second-batch).
JSON_FORMAT_VERSION = 1


def _ratio(c: Comparison | None) -> str:
    return f"{c.ratio:.2f}x" if c is not None and c.ratio is not None else "-"


def _outcome(confirmation: Confirmation, c: Comparison) -> str:
    if c in confirmation.confirmed:
        return "confirmed"
    return "cleared" if c in confirmation.cleared else "not measured again: stands"


def _rows(confirmation: Confirmation) -> list[list[str]]:
    return [
        [c.label, _ratio(c), _ratio(again), again.status.value if again else "-",
         _outcome(confirmation, c)]
        for c, again in confirmation.second_look()
    ]  # fmt: skip


HEADER = ["benchmark", "first batch", "second batch", "second status", "outcome"]


def _summary(confirmation: Confirmation) -> str:
    flagged = len(confirmation.flagged)
    if not flagged:
        return f"{confirmation.verdict.upper()}: no timing regression to confirm"
    if confirmation.second is None:
        return (
            f"{confirmation.verdict.upper()}: {flagged} flagged timing regression"
            f"{'s' if flagged != 1 else ''} not measured again: the check fails on other findings"
        )
    took = confirmation.seconds
    when = f"in {took / 60:.1f} min" if took is not None else "on the runners that flagged them"
    return (
        f"{confirmation.verdict.upper()}: {len(confirmation.confirmed)} of {flagged} flagged"
        f" timing regression{'s' if flagged != 1 else ''} confirmed by a second batch"
        f" ({len(confirmation.remeasured)} benchmarks measured again {when})"
    )


def render_text(confirmation: Confirmation) -> str:
    lines = [f"confirm: {_summary(confirmation)}", ""]
    if confirmation.flagged:
        lines += [*text_table([HEADER, *_rows(confirmation)]), ""]
    lines += ["first batch:", check_text(confirmation.first)]
    return "\n".join(lines)


def render_markdown(confirmation: Confirmation) -> str:
    mark = ":white_check_mark:" if confirmation.passed else ":x:"
    lines = [f"{mark} **Confirmed {_summary(confirmation)}**", ""]
    if confirmation.flagged:
        lines += markdown_table(HEADER, [[f"`{r[0]}`", *r[1:]] for r in _rows(confirmation)])
        lines += [
            "",
            "A timing regression stands only when a second batch, measured after the"
            " first, shows it too: load on a shared runner does not repeat itself.",
            "",
        ]
    lines += ["<details><summary>The first batch's check</summary>", ""]
    lines += [check_markdown(confirmation.first), "</details>", ""]
    return "\n".join(lines)


def render_json(confirmation: Confirmation) -> str:
    def labels(found: list[Comparison]) -> list[str]:
        return [c.label for c in found]

    data = {
        "format_version": JSON_FORMAT_VERSION,
        "verdict": confirmation.verdict,
        "flagged": labels(list(confirmation.flagged)),
        "confirmed": labels(confirmation.confirmed),
        "cleared": labels(confirmation.cleared),
        "unmeasured": labels(confirmation.unmeasured),
        "remeasured": list(confirmation.remeasured),
        "seconds": None if confirmation.seconds is None else round(confirmation.seconds, 1),
        "first": check_data(confirmation.first),
        "second": check_data(confirmation.second) if confirmation.second else None,
    }
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


CONFIRM_FORMATS: dict[str, Callable[[Confirmation], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}


def render_confirmation(confirmation: Confirmation, fmt: str) -> str:
    return CONFIRM_FORMATS[fmt](confirmation)
