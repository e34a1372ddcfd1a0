"""Named baselines: a versioned file next to the results, written atomically."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alphapulse_perf.baselines import (
    Baseline,
    BaselineError,
    baselines_path,
    load_baselines,
    remove_baseline,
    set_baseline,
)

A, B = "a" * 40, "b" * 40


def test_set_list_replace_and_remove(tmp_path: Path) -> None:
    assert load_baselines(tmp_path) == {}
    set_baseline(tmp_path, "release-1.0", A)
    set_baseline(tmp_path, "main", A)
    set_baseline(tmp_path, "main", B)
    assert json.loads(baselines_path(tmp_path).read_text()) == {
        "version": 1,
        "baselines": {"main": {"commit": B}, "release-1.0": {"commit": A}},
    }
    assert remove_baseline(tmp_path, "main") == Baseline("main", B)
    assert list(load_baselines(tmp_path)) == ["release-1.0"]
    assert [p.name for p in tmp_path.iterdir()] == ["baselines.json"]  # no temp file left


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("{", "is not valid JSON", id="json"),
        pytest.param('{"version": 9, "baselines": {}}', "format version 9", id="version"),
        pytest.param('{"version": 1, "baselines": []}', "'baselines' should be", id="shape"),
        pytest.param(
            '{"version": 1, "baselines": {"x": {"commit": "abc"}}}', "baseline 'x'", id="commit"
        ),
    ],
)
def test_a_bad_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    baselines_path(tmp_path).write_text(text)
    with pytest.raises(BaselineError, match=r"baselines\.json") as err:
        load_baselines(tmp_path)
    assert message in str(err.value)


def test_bad_requests(tmp_path: Path) -> None:
    with pytest.raises(BaselineError, match="baseline name ' x'"):
        set_baseline(tmp_path, " x", A)
    with pytest.raises(BaselineError, match="not a full commit hash"):
        set_baseline(tmp_path, "x", "abc")
    with pytest.raises(BaselineError, match="no baseline named 'x'"):
        remove_baseline(tmp_path, "x")
    with pytest.raises(BaselineError, match="is not a directory"):
        set_baseline(tmp_path / "absent", "x", A)
