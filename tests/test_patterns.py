"""Every pattern equals TA-Lib's output, candle for candle, on walks and adversarial shapes."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from shapes import LENGTHS, NAMED_SHAPES, WALKS, ohlcv_candles, walk

from alphapulse.patterns import PATTERNS, detect_patterns

talib = pytest.importorskip("talib")

# The set AlphaPulse runs (DESIGN.md); the registry must hold exactly these.
EXPECTED = sorted(
    [
        "CDLHAMMER",
        "CDLSHOOTINGSTAR",
        "CDLENGULFING",
        "CDLDOJI",
        "CDLMORNINGSTAR",
        "CDLEVENINGSTAR",
        "CDL3WHITESOLDIERS",
        "CDL3BLACKCROWS",
        "CDLHANGINGMAN",
        "CDLINVERTEDHAMMER",
        "CDLSPINNINGTOP",
        "CDLMARUBOZU",
        "CDLTRISTAR",
        "CDL3INSIDE",
        "CDL3OUTSIDE",
        "CDLBREAKAWAY",
        "CDLDARKCLOUDCOVER",
        "CDLDRAGONFLYDOJI",
        "CDLGRAVESTONEDOJI",
        "CDLHARAMI",
        "CDLHARAMICROSS",
        "CDLHIGHWAVE",
        "CDLIDENTICAL3CROWS",
        "CDLKICKING",
        "CDLLADDERBOTTOM",
        "CDLLONGLEGGEDDOJI",
        "CDLLONGLINE",
        "CDLONNECK",
        "CDLPIERCING",
        "CDLRISEFALL3METHODS",
        "CDLSEPARATINGLINES",
        "CDLSHORTLINE",
        "CDLTAKURI",
        "CDLTHRUSTING",
        "CDLUNIQUE3RIVER",
        "CDLUPSIDEGAP2CROWS",
    ]
)


def assert_matches(name: str, o: np.ndarray, h: np.ndarray, l: np.ndarray, c: np.ndarray) -> None:
    if name not in PATTERNS:
        pytest.fail(f"{name} is not implemented")
    ours = PATTERNS[name](o, h, l, c)
    theirs = getattr(talib, name)(o, h, l, c)
    assert ours.dtype == np.int32
    assert ours.shape == theirs.shape
    diff = np.flatnonzero(ours != theirs)
    if diff.size:
        k = diff[0]
        pytest.fail(
            f"{name}: {diff.size} of {len(c)} candles differ; first at index {k}: ours {ours[k]}, "
            f"TA-Lib {theirs[k]}; candles {k - 3}..{k}: open {o[max(k - 3, 0) : k + 1]}, "
            f"high {h[max(k - 3, 0) : k + 1]}, low {l[max(k - 3, 0) : k + 1]}, "
            f"close {c[max(k - 3, 0) : k + 1]}"
        )


def test_registry_holds_exactly_the_alphapulse_set() -> None:
    assert sorted(PATTERNS) == EXPECTED


def test_every_pattern_fires_in_the_test_data() -> None:
    """The oracle comparisons below mean something only where TA-Lib finds hits."""
    data = [walk(*w) for w in WALKS] + [make() for make in NAMED_SHAPES.values()]
    silent = [
        name
        for name in EXPECTED
        if not any(np.count_nonzero(getattr(talib, name)(*d[:4])) for d in data)
    ]
    assert silent == []


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize(("symbol", "n", "seed"), WALKS)
def test_walks(name: str, symbol: str, n: int, seed: int) -> None:
    o, h, l, c, _ = walk(symbol, n, seed)
    assert_matches(name, o, h, l, c)


@pytest.mark.parametrize("name", EXPECTED)
def test_long_walk(name: str) -> None:
    o, h, l, c, _ = walk("BTCUSDT", 10_000, 42)
    assert_matches(name, o, h, l, c)


@pytest.mark.parametrize("name", EXPECTED)
@pytest.mark.parametrize("shape", sorted(NAMED_SHAPES))
def test_adversarial_shapes(name: str, shape: str) -> None:
    o, h, l, c, _ = NAMED_SHAPES[shape]()
    assert_matches(name, o, h, l, c)


@pytest.mark.parametrize("name", EXPECTED)
def test_every_short_length(name: str) -> None:
    o, h, l, c, _ = walk("ETHUSDT", 200, 5)
    for n in LENGTHS:
        assert_matches(name, o[:n], h[:n], l[:n], c[:n])


@pytest.mark.parametrize("name", EXPECTED)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candles=ohlcv_candles())
def test_generated_candles(name: str, candles: tuple[np.ndarray, ...]) -> None:
    o, h, l, c, _ = candles
    assert_matches(name, o, h, l, c)


@pytest.mark.parametrize("name", EXPECTED)
def test_2d_rows_equal_1d_calls(name: str) -> None:
    if name not in PATTERNS:
        pytest.fail(f"{name} is not implemented")
    rows = [walk(s, 500, 1) for s in ("BTCUSDT", "ETHUSDT", "ADAUSDT")]
    o, h, l, c = (np.stack([r[k] for r in rows]) for k in range(4))
    both = PATTERNS[name](o, h, l, c)
    assert both.shape == o.shape
    for k in range(len(rows)):
        np.testing.assert_array_equal(both[k], PATTERNS[name](o[k], h[k], l[k], c[k]))


def test_detect_patterns_equals_each_function() -> None:
    o, h, l, c, _ = walk("LINKUSDT", 1500, 2)
    together = detect_patterns(o, h, l, c)
    assert sorted(together) == sorted(PATTERNS)
    for name, values in together.items():
        np.testing.assert_array_equal(values, PATTERNS[name](o, h, l, c))


def test_detect_patterns_subset_and_unknown_name() -> None:
    o, h, l, c, _ = walk("LINKUSDT", 100, 2)
    assert list(detect_patterns(o, h, l, c, names=["CDLHAMMER"])) == ["CDLHAMMER"]
    with pytest.raises(ValueError, match="CDLNOPE"):
        detect_patterns(o, h, l, c, names=["CDLNOPE"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param((np.ones(5), np.ones(5), np.ones(5), np.ones(4)), "one shape", id="length"),
        pytest.param((np.ones((2, 2, 2)),) * 4, "1-D or 2-D", id="3-D"),
        pytest.param((np.array(["a"]),) * 4, "real numbers", id="strings"),
    ],
)
def test_bad_input(args: tuple[np.ndarray, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PATTERNS["CDLHAMMER"](*args)


def test_read_only_and_non_contiguous_input() -> None:
    o, h, l, c, _ = walk("BTCUSDT", 800, 8)
    for arr in (o, h, l, c):
        arr.flags.writeable = False
    expected = talib.CDLHAMMER(o[::2].copy(), h[::2].copy(), l[::2].copy(), c[::2].copy())
    np.testing.assert_array_equal(PATTERNS["CDLHAMMER"](o[::2], h[::2], l[::2], c[::2]), expected)
