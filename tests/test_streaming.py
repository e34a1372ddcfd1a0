"""The streaming path gives, candle after candle, what `detect` gives on the same window."""

from __future__ import annotations

import pytest

from alphapulse import MIN_CANDLES, Candle, Candles, StreamingDetector, detect, synthetic_candles


def candle_at(c: Candles, k: int) -> Candle:
    return Candle(
        int(c.timestamp[k]),
        *(float(getattr(c, f)[k]) for f in ("open", "high", "low", "close", "volume")),
    )


def window_of(c: Candles, end: int, size: int) -> Candles:
    start = max(end - size, 0)
    part = slice(start, end)
    return Candles(
        c.timestamp[part],
        c.open[part],
        c.high[part],
        c.low[part],
        c.close[part],
        c.volume[part],
        c.symbol,
    )


def test_updates_equal_detect_on_the_same_window_across_buffer_wraps() -> None:
    window = 60
    c = synthetic_candles("BTCUSDT", 260, seed=7)
    stream = StreamingDetector(window=window)
    stream.seed(window_of(c, 100, 100))
    seen = 0
    for k in range(100, 260):  # 160 updates: the buffer of 120 wraps twice
        signals = stream.update("BTCUSDT", candle_at(c, k))
        assert signals == list(detect(window_of(c, k + 1, window)).signals), k
        seen += len(signals)
    assert seen > 0


def test_warm_up_returns_nothing_then_signals_start() -> None:
    c = synthetic_candles("ETHUSDT", MIN_CANDLES + 5)
    stream = StreamingDetector(window=MIN_CANDLES)
    for k in range(MIN_CANDLES - 1):
        assert stream.update("ETHUSDT", candle_at(c, k)) == []
    for k in range(MIN_CANDLES - 1, MIN_CANDLES + 5):
        assert stream.update("ETHUSDT", candle_at(c, k)) == list(
            detect(window_of(c, k + 1, MIN_CANDLES)).signals
        )
    assert len(stream) == 1


def test_symbols_are_independent() -> None:
    a, b = synthetic_candles("BTCUSDT", 120), synthetic_candles("ADAUSDT", 120)
    stream = StreamingDetector(window=100)
    stream.seed(window_of(a, 119, 119))
    stream.seed(window_of(b, 119, 119))
    assert stream.update("ADAUSDT", candle_at(b, 119)) == list(
        detect(window_of(b, 120, 100)).signals
    )
    assert stream.update("BTCUSDT", candle_at(a, 119)) == list(
        detect(window_of(a, 120, 100)).signals
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            {"high": 1.0}, r"BTCUSDT: `high` is below max\(open, close\) at index 79$", id="high"
        ),
        pytest.param(
            {"low": 1e9}, r"BTCUSDT: `low` is above min\(open, close\) at index 79$", id="low"
        ),
        pytest.param({"volume": -1.0}, r"`volume` is negative at index 79$", id="volume"),
        pytest.param(
            {"close": float("nan")}, r"`close` has a NaN or infinite value at index 79$", id="nan"
        ),
        pytest.param(
            {"timestamp": 0},
            r"`timestamp` is not strictly increasing at index 79: 0 comes after \d+",
            id="time",
        ),
    ],
)
def test_bad_candle(change: dict[str, float], message: str) -> None:
    c = synthetic_candles("BTCUSDT", 80)
    stream = StreamingDetector(window=60)
    stream.seed(window_of(c, 79, 79))
    with pytest.raises(ValueError, match=message):
        stream.update("BTCUSDT", candle_at(c, 79)._replace(**change))


def test_window_too_small() -> None:
    with pytest.raises(ValueError, match=f"`window` must be at least {MIN_CANDLES}"):
        StreamingDetector(window=MIN_CANDLES - 1)
