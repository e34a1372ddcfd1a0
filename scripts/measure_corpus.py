"""What the hostile-input corpus (tests/perf/cli/test_hostile_corpus.py) does to each command.

    .venv/bin/python -m scripts.measure_corpus

Runs every case of the corpus as the test does and prints, per command, how many cases ended in a
verdict (exit 0 or 1), a clear error (exit 2) or an internal error (exit 3, which the test
forbids), and how many cases broke each file. The figures in README's reliability section come
from it.
"""

from __future__ import annotations

import collections
import contextlib
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "perf"))  # conftest, builders
sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "perf" / "cli"))  # the corpus

from test_hostile_corpus import CASES, COMMANDS, _apply, _write_valid

from alphapulse_perf.cli import main


def tally() -> tuple[collections.Counter[tuple[str, int]], collections.Counter[str]]:
    outcomes: collections.Counter[tuple[str, int]] = collections.Counter()
    for case in CASES.values():
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "results"
            _write_valid(root)
            _apply(root, case)
            common = ["--results", str(root), "--config", str(root / "settings.toml")]
            for command, args in COMMANDS.items():
                with (
                    contextlib.redirect_stdout(io.StringIO()),
                    contextlib.redirect_stderr(io.StringIO()),
                ):
                    outcomes[command, main([*args, *common])] += 1
    return outcomes, collections.Counter(case.file for case in CASES.values())


def main_() -> None:
    outcomes, files = tally()
    print(f"{len(CASES)} cases; broken file: " + ", ".join(f"{f} {n}" for f, n in files.items()))
    print(f"{'command':<14} {'exit 0':>7} {'exit 1':>7} {'exit 2':>7} {'exit 3':>7}")
    for command in COMMANDS:
        counts = [outcomes[command, code] for code in range(4)]
        print(f"{command:<14} " + " ".join(f"{n:>7}" for n in counts))


if __name__ == "__main__":
    main_()
