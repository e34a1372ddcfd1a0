"""Synthetic candles are deterministic and realistic enough; CSV loading is strict and clear."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from alphapulse.market import (
    SYMBOLS,
    TIMEFRAME_MINUTES,
    TIMEFRAMES,
    load_csv,
    synthetic_batch,
    synthetic_candles,
)


def digest(symbol: str, n: int, seed: int = 0, timeframe: str | None = None) -> str:
    c = synthetic_candles(
        symbol, n, seed=seed, **({} if timeframe is None else {"timeframe": timeframe})
    )
    h = hashlib.sha256()
    for f in ("timestamp", "open", "high", "low", "close", "volume"):
        h.update(np.ascontiguousarray(getattr(c, f)).tobytes())
    return h.hexdigest()


def test_same_numbers_every_call_and_different_per_symbol_and_seed() -> None:
    assert digest("BTCUSDT", 500) == digest("BTCUSDT", 500)
    assert digest("BTCUSDT", 500) != digest("ETHUSDT", 500)
    assert digest("BTCUSDT", 500) != digest("BTCUSDT", 500, seed=1)


def test_prefix_stable_across_lengths_is_not_required_but_values_are_valid() -> None:
    for symbol in SYMBOLS:
        c = synthetic_candles(symbol, 2000)
        assert np.all(c.high >= np.maximum(c.open, c.close))
        assert np.all(c.low <= np.minimum(c.open, c.close))
        assert np.all(c.volume >= 0)


def test_base_prices_and_hourly_volatility() -> None:
    btc = synthetic_candles("BTCUSDT", 8760)
    assert 25_000 < btc.close[0] < 100_000
    assert 50 < synthetic_candles("ADAUSDT", 10).close[0] < 200
    log_returns = np.diff(np.log(btc.close))
    assert 0.002 < log_returns.std() < 0.01  # about 0.02 / sqrt(24) = 0.0041, regimes included
    assert np.all(np.diff(btc.timestamp) == 3_600_000)


def test_batch_rows_equal_single_calls() -> None:
    batch = synthetic_batch(SYMBOLS, 300, seed=2)
    assert batch.close.shape == (10, 300)
    np.testing.assert_array_equal(batch.close[4], synthetic_candles(SYMBOLS[4], 300, seed=2).close)


def test_bad_timeframe() -> None:
    with pytest.raises(ValueError, match="`timeframe` must be one of"):
        synthetic_candles("BTCUSDT", 10, timeframe="2h")


def test_the_watched_timeframes() -> None:
    assert TIMEFRAMES == ("1m", "5m", "15m", "1h", "4h")
    assert set(TIMEFRAMES) <= set(TIMEFRAME_MINUTES)


@pytest.mark.parametrize("timeframe", list(TIMEFRAME_MINUTES))
def test_each_timeframe_is_a_native_series_a_bar_apart(timeframe: str) -> None:
    c = synthetic_candles("ETHUSDT", 300, timeframe=timeframe)
    step = TIMEFRAME_MINUTES[timeframe] * 60_000
    assert np.all(np.diff(c.timestamp) == step)
    assert c.timestamp[0] % step == 0  # bars on UTC multiples of their length
    batch = synthetic_batch(SYMBOLS[:3], 300, timeframe=timeframe)
    np.testing.assert_array_equal(batch.close[1], c.close)


def test_volatility_scales_with_the_root_and_volume_with_the_length_of_a_bar() -> None:
    def spread(timeframe: str) -> float:
        return float(np.diff(np.log(synthetic_candles("BTCUSDT", 5000, timeframe).close)).std())

    def volume(timeframe: str) -> float:
        # Early bars of many streams: the volume's slow random walk has not wandered off yet.
        series = [
            synthetic_candles(s, 30, timeframe, seed=k).volume for s in SYMBOLS for k in "01234"
        ]
        return float(np.median(np.concatenate(series)))

    assert 10 < spread("4h") / spread("1m") < 25  # sqrt(240) = 15.5
    assert 120 < volume("4h") / volume("1m") < 480  # 240


def test_the_default_timeframe_is_1h() -> None:
    assert digest("BTCUSDT", 300) == digest("BTCUSDT", 300, timeframe="1h")


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "btc.csv"
    path.write_text(text)
    return path


def test_load_csv_round_trip_with_any_header_case(tmp_path: Path) -> None:
    c = synthetic_candles("BTCUSDT", 60)
    lines = ["Date,OPEN,High,low,Close,Volume"]
    for k in range(60):
        stamp = np.datetime64(int(c.timestamp[k]), "ms").astype(str)
        lines.append(
            f"{stamp},{float(c.open[k])!r},{float(c.high[k])!r},{float(c.low[k])!r},{float(c.close[k])!r},{float(c.volume[k])!r}"
        )
    loaded = load_csv(write(tmp_path, "\n".join(lines)))
    np.testing.assert_array_equal(loaded.close, c.close)
    np.testing.assert_array_equal(loaded.timestamp, c.timestamp)
    assert loaded.symbol == "btc"


def test_load_csv_epoch_seconds(tmp_path: Path) -> None:
    rows = "\n".join(f"{1_700_000_000 + 3600 * k},1,2,0.5,1.5,10" for k in range(60))
    loaded = load_csv(write(tmp_path, "timestamp,open,high,low,close,volume\n" + rows))
    assert loaded.timestamp[0] == 1_700_000_000_000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param("", "the file is empty", id="empty"),
        pytest.param(
            "open,high,low,close,volume\n", "no column named timestamp or date", id="no-time"
        ),
        pytest.param("date,open,high,low,close\n", "has no column volume", id="no-volume"),
        pytest.param(
            "date,open,high,low,close,volume\n2024-01-01,1,2,x,1,1\n",
            "line 2, column 4: `low` is not a number at index 0",
            id="cell",
        ),
        pytest.param(
            "date,open,high,low,close,volume\nyesterday,1,2,0,1,1\n",
            "line 2, column 1: `timestamp` is not a date at index 0",
            id="date",
        ),
        pytest.param(
            "date,open,high,low,close,volume\n2024-01-01,1,2,0,1,1\n",
            "1 candles; the detection needs",
            id="short",
        ),
    ],
)
def test_load_csv_errors_name_file_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ValueError, match=message) as err:
        load_csv(path)
    assert str(path) in str(err.value)


# The benchmark history depends on these numbers (benchmarks/common.py): a change of the generator
# shifts every series, so it must be deliberate, with a new digest and a note in the history.
PINNED = {
    ("BTCUSDT", 1000): "8f0d10bc00b8a3b6e37f3c3818cdb42d479eaa6bba18d7864b79d20db28d6954",
    ("TRXUSDT.10", 1000): "23cfb53f21e01842f5014df73efb09bbe79f48ee8db82728fbef03efdcaa1c11",
}


@pytest.mark.parametrize(("symbol", "n"), list(PINNED))
def test_generator_output_is_pinned(symbol: str, n: int) -> None:
    assert digest(symbol, n) == PINNED[symbol, n]


# The other timeframes, pinned the same way (benchmarks/bench_timeframes.py measures on them).
PINNED_TIMEFRAMES = {
    "1m": "8ef925bfacb6e5e2045c239c7c24bcaeae6033cffae2613b2a063d28c425586f",
    "5m": "e19c56dd2b55a05471b30d87b0d74698f0f68b9b8d8200866378de0037327609",
    "15m": "2c6d450d904c082af3acdebf4730d139aa51456d0c16e39bc29c5ee408bbb8b2",
    "4h": "dadeaa0a436805366fb3d4ef93cd37e271211b783ee8227f10be5f3674c98bdb",
    "1d": "460cfaa2f25b51ce9d318069a4e619c95a1fa38a1ccdf36003c0e53b2823f22c",
}


@pytest.mark.parametrize("timeframe", list(PINNED_TIMEFRAMES))
def test_generator_output_is_pinned_on_every_timeframe(timeframe: str) -> None:
    assert digest("BTCUSDT", 1000, timeframe=timeframe) == PINNED_TIMEFRAMES[timeframe]
