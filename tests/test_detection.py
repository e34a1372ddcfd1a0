"""`detect`, `scan` and signal scoring: TA-Lib's numbers in, the documented rules out."""

from __future__ import annotations

import numpy as np
import pytest

from alphapulse import (
    SYMBOLS,
    CandleBatch,
    Direction,
    detect,
    scan,
    synthetic_batch,
    synthetic_candles,
)
from alphapulse.patterns import PATTERNS
from alphapulse.signals import RELIABILITY, indicator_votes, score_patterns

talib = pytest.importorskip("talib")


def test_detect_counts_and_newest_values_match_talib() -> None:
    c = synthetic_candles("ETHUSDT", 1000, seed=4)
    d = detect(c)
    assert d.symbol == "ETHUSDT" and d.timestamp == int(c.timestamp[-1])
    for name in PATTERNS:
        theirs = getattr(talib, name)(c.open, c.high, c.low, c.close)
        assert d.pattern_counts[name] == np.count_nonzero(theirs), name
    np.testing.assert_allclose(d.indicators["RSI_14"], talib.RSI(c.close, 14)[-1], rtol=1e-9)
    np.testing.assert_allclose(
        d.indicators["ATR_14"], talib.ATR(c.high, c.low, c.close, 14)[-1], rtol=1e-9
    )


def test_every_pattern_on_the_newest_candle_gives_one_signal() -> None:
    hits = 0
    for seed in range(40):
        c = synthetic_candles("BTCUSDT", 200, seed=seed)
        d = detect(c)
        fired = {n: int(getattr(talib, n)(c.open, c.high, c.low, c.close)[-1]) for n in PATTERNS}
        fired = {n: v for n, v in fired.items() if v}
        signalled = {s.source: s for s in d.signals if s.source in PATTERNS}
        assert set(signalled) == set(fired)
        for name, signal in signalled.items():
            assert signal.value == fired[name]
            assert RELIABILITY[name] <= signal.confidence <= 1.0
        hits += len(fired)
    assert hits > 20  # the check above saw real hits, not only empty sets


def test_scan_equals_detect_per_symbol() -> None:
    batch = synthetic_batch(SYMBOLS, 600, seed=5)
    together = scan(batch)
    assert [d.symbol for d in together] == list(SYMBOLS)
    for k, d in enumerate(together):
        alone = detect(batch.row(k))
        assert d.signals == alone.signals
        assert d.pattern_counts == alone.pattern_counts
        assert d.indicators == pytest.approx(alone.indicators, nan_ok=True)


def test_scan_of_one_symbol_batch() -> None:
    batch = CandleBatch.from_candles([synthetic_candles("XRPUSDT", 120)])
    assert len(scan(batch)) == 1


def newest(**values: float) -> dict[str, np.ndarray]:
    base = {
        "RSI_14": 50.0,
        "MACD_HIST": 0.0,
        "BB_LOWER": 90.0,
        "BB_UPPER": 110.0,
        "STOCH_K": 50.0,
        "EMA_12": 100.0,
        "EMA_26": 100.0,
    }
    base.update(values)
    return {k: np.array([v]) for k, v in base.items()}


@pytest.mark.parametrize(
    ("values", "close", "expected"),
    [
        pytest.param({}, 100.0, {}, id="quiet"),
        pytest.param({"RSI_14": 25.0}, 100.0, {"RSI_14": 1}, id="rsi-oversold"),
        pytest.param({"RSI_14": 75.0}, 100.0, {"RSI_14": -1}, id="rsi-overbought"),
        pytest.param({"RSI_14": 30.0}, 100.0, {}, id="rsi-at-30-no-vote"),
        pytest.param({"MACD_HIST": 0.5}, 100.0, {"MACD": 1}, id="macd-above-signal"),
        pytest.param({"MACD_HIST": -0.5}, 100.0, {"MACD": -1}, id="macd-below-signal"),
        pytest.param({}, 89.0, {"BBANDS": 1}, id="below-lower-band"),
        pytest.param({}, 111.0, {"BBANDS": -1}, id="above-upper-band"),
        pytest.param({"STOCH_K": 10.0}, 100.0, {"STOCH": 1}, id="stoch-oversold"),
        pytest.param({"STOCH_K": 90.0}, 100.0, {"STOCH": -1}, id="stoch-overbought"),
        pytest.param({"EMA_12": 101.0}, 100.0, {"EMA_CROSS": 1}, id="ema-fast-above"),
        pytest.param({"EMA_12": 99.0}, 100.0, {"EMA_CROSS": -1}, id="ema-fast-below"),
        pytest.param({"RSI_14": np.nan, "STOCH_K": np.nan}, 100.0, {}, id="warm-up-nan"),
    ],
)
def test_indicator_votes(values: dict[str, float], close: float, expected: dict[str, int]) -> None:
    votes = indicator_votes(newest(**values), np.array([close]))
    assert {k: int(v[0]) for k, (v, _) in votes.items() if v[0]} == expected


@pytest.mark.parametrize(
    ("name", "value", "volume_ratio", "rsi", "direction", "confidence"),
    [
        pytest.param("CDLENGULFING", 100, 1.0, 50.0, 1, 0.75, id="reliability-only"),
        pytest.param("CDLENGULFING", 100, 1.3, 50.0, 1, 0.85, id="volume-1.2x"),
        pytest.param("CDLENGULFING", -100, 1.6, 50.0, -1, 0.95, id="volume-1.5x"),
        pytest.param("CDLENGULFING", 100, 1.0, 25.0, 1, 0.85, id="rsi-confirms-bullish"),
        pytest.param("CDLENGULFING", -100, 1.0, 25.0, -1, 0.75, id="rsi-contradicts-bearish"),
        pytest.param("CDLMORNINGSTAR", 100, 2.0, 20.0, 1, 1.0, id="capped-at-1"),
        pytest.param("CDLDOJI", 100, 1.0, 20.0, 0, 0.6, id="doji-neutral-not-confirmed"),
        pytest.param("CDLENGULFING", 80, np.nan, np.nan, 1, 0.75, id="nan-boosts-nothing"),
    ],
)
def test_pattern_scoring(
    name: str, value: int, volume_ratio: float, rsi: float, direction: int, confidence: float
) -> None:
    d, conf = score_patterns(
        [name], np.array([[value]], dtype=np.int32), np.array([volume_ratio]), np.array([rsi])
    )
    assert Direction(int(d[0, 0])) == direction
    assert conf[0, 0] == pytest.approx(confidence)
