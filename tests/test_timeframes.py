"""Symbols x timeframes: `scan_timeframes` is `scan` per timeframe, and the live multi-timeframe
path gives, candle after candle, `detect` on the resampled window of each timeframe whose bar
closed."""

from __future__ import annotations

import re

import numpy as np
import pytest

from alphapulse import (
    MIN_CANDLES,
    TIMEFRAMES,
    Candles,
    MultiTimeframeDetector,
    Signal,
    detect,
    resample,
    scan,
    scan_timeframes,
    synthetic_batch,
    synthetic_candles,
)
from alphapulse.market import SYMBOLS

MINUTE = 60_000
FIELDS = ("timestamp", "open", "high", "low", "close", "volume")


def test_scan_timeframes_is_scan_of_each_batch() -> None:
    batches = {tf: synthetic_batch(SYMBOLS[:4], 300, tf) for tf in TIMEFRAMES}
    found = scan_timeframes(batches)
    assert list(found) == list(TIMEFRAMES)
    for tf, batch in batches.items():
        assert [d.signals for d in found[tf]] == [d.signals for d in scan(batch)]
        assert [d.pattern_counts for d in found[tf]] == [d.pattern_counts for d in scan(batch)]
    with pytest.raises(TypeError, match=r"`batches\['1h'\]` must be a CandleBatch"):
        scan_timeframes({"1h": synthetic_candles("BTCUSDT", 60)})  # type: ignore[dict-item]


def part(c: Candles, stop: int, start: int = 0) -> Candles:
    return Candles(*(getattr(c, f)[start:stop] for f in FIELDS), c.symbol, min_candles=0)


def candle(c: Candles, k: int) -> tuple[int, float, float, float, float, float]:
    return (int(c.timestamp[k]), *(float(getattr(c, f)[k]) for f in FIELDS[1:]))  # type: ignore[return-value]


def minutes_with_gaps(symbol: str, n: int) -> Candles:
    """1-minute candles with sparse gaps, a stretch of dense ones (bars that lose their last
    minute, candles that open and close a bar alone) and a 3-hour hole."""
    c = synthetic_candles(symbol, n, "1m", seed=3)
    rate = np.full(n, 0.02)
    rate[n - 700 : n - 400] = 0.5
    keep = np.random.default_rng(1).random(n) >= rate
    keep[n - 300 : n - 120] = False
    return Candles(*(getattr(c, f)[keep] for f in FIELDS), symbol, min_candles=0)


def expected(history: Candles, k: int, window: int) -> dict[str, list[Signal]]:
    """What candle k closes on each timeframe, by `resample` and `detect` on the history."""
    out = {}
    for tf in TIMEFRAMES:
        before, after = resample(part(history, k), tf), resample(part(history, k + 1), tf)
        if len(after) == len(before):
            continue
        signals: list[Signal] = []
        for end in range(len(before), len(after)):
            if end + 1 >= MIN_CANDLES:
                signals += detect(part(after, end + 1, max(end + 1 - window, 0))).signals
        out[tf] = signals
    return out


def test_updates_equal_detect_on_the_resampled_windows() -> None:
    window = 60
    history = minutes_with_gaps("BTCUSDT", 60 * 240 + 1500)
    n = len(history)
    live = MultiTimeframeDetector(window=window)
    first, second, third = n - 900, n - 600, n - 550
    live.seed(part(history, first))
    closes = dict.fromkeys(TIMEFRAMES, 0)
    for k in range(first, n):
        if second <= k < third:
            continue
        if k == third:  # seeding again continues the open bars
            live.seed(part(history, third, second))
        got = live.update("BTCUSDT", candle(history, k))
        assert got == expected(history, k, window), k
        for tf in got:
            closes[tf] += 1
    assert closes["1m"] == n - first - (third - second) and closes["4h"] >= 2
    assert len(live) == 1


def test_a_bar_closes_on_its_last_aligned_minute() -> None:
    c = synthetic_candles("ETHUSDT", 600, "1m")
    live = MultiTimeframeDetector(("5m", "1h"), window=50)
    live.seed(part(c, 1))
    keys = [set(live.update("ETHUSDT", candle(c, k))) for k in range(1, 600)]
    assert [k + 1 for k, got in enumerate(keys) if "5m" in got][:3] == [4, 9, 14]
    assert [k + 1 for k, got in enumerate(keys) if "1h" in got] == [59, 119, 179, 239, 299, 359,
                                                                    419, 479, 539, 599]  # fmt: skip
    assert "1m" not in set().union(*keys)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            {"timestamp": 30_000}, "is not on a whole UTC minute at index 60: ", id="minute"
        ),
        pytest.param({"timestamp": -MINUTE}, "is not strictly increasing at index 60", id="order"),
        pytest.param({"high": 0.0}, r"`high` is below max\(open, close\) at index 60$", id="high"),
    ],
)
def test_update_errors_name_the_candle(change: dict[str, float], message: str) -> None:
    c = synthetic_candles("BTCUSDT", 61, "1m")
    live = MultiTimeframeDetector()
    live.seed(part(c, 60))
    ts, o, h, l, cl, v = candle(c, 60)
    values = {"timestamp": ts, "open": o, "high": h, "low": l, "close": cl, "volume": v}
    for field, delta in change.items():
        values[field] = values[field] + delta if field == "timestamp" else delta
    with pytest.raises(ValueError, match=r"^BTCUSDT: `") as err:
        live.update("BTCUSDT", tuple(values.values()))  # type: ignore[arg-type]
    assert re.search(message, str(err.value))


def test_seed_errors() -> None:
    c = synthetic_candles("BTCUSDT", 120, "1m")
    live = MultiTimeframeDetector()
    live.seed(part(c, 100))
    with pytest.raises(ValueError, match="not strictly increasing at index 100"):
        live.seed(part(c, 120, 50))
    shifted = Candles(c.timestamp + 1, c.open, c.high, c.low, c.close, c.volume, "ETHUSDT")
    with pytest.raises(
        ValueError, match=r"ETHUSDT: `timestamp` is not on a whole UTC minute at index 0"
    ):
        live.seed(shifted)
    with pytest.raises(TypeError, match="must be Candles"):
        live.seed(synthetic_batch(SYMBOLS[:2], 60, "1m"))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("timeframes", "message"),
    [
        pytest.param(("1m", "2h"), "`timeframe` must be one of", id="unknown"),
        pytest.param(("1m", "1m"), "more than once", id="twice"),
        pytest.param("1m", "non-empty sequence", id="str"),
        pytest.param((), "non-empty sequence", id="empty"),
    ],
)
def test_bad_timeframes(timeframes: tuple[str, ...], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        MultiTimeframeDetector(timeframes)


def test_a_gap_closes_the_open_bar_and_a_lone_last_minute_its_own() -> None:
    c = synthetic_candles("LTCUSDT", 700, "1m", seed=11)
    keep = np.ones(700, bool)
    keep[603:609] = False  # minutes 600-602, then 609: the 5m bars 600 and 605 close together
    history = Candles(*(getattr(c, f)[keep] for f in FIELDS), "LTCUSDT", min_candles=0)
    live = MultiTimeframeDetector(("5m",), window=50)
    live.seed(part(history, 600))
    for k in range(600, 603):
        assert live.update("LTCUSDT", candle(history, k)) == {}
    got = live.update("LTCUSDT", candle(history, 603))
    assert int(history.timestamp[603]) % (5 * MINUTE) == 4 * MINUTE
    assert got == {"5m": expected(history, 603, 50)["5m"]}
    assert len({s.timestamp for s in got["5m"]}) == 2  # the signals of both bars, oldest first
