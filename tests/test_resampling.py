"""`resample` gives pandas' bars (label and closed left, empty buckets dropped), on every pair."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alphapulse import CandleBatch, Candles, resample, synthetic_candles
from alphapulse.market import SYMBOLS, TIMEFRAME_MINUTES

pd = pytest.importorskip("pandas")

MINUTE = 60_000
FIELDS = ("open", "high", "low", "close", "volume")
PAIRS = [
    (a, b)
    for a, b in itertools.product(TIMEFRAME_MINUTES, repeat=2)
    if TIMEFRAME_MINUTES[b] % TIMEFRAME_MINUTES[a] == 0
]
COARSER_SOURCE = [
    (a, b) for a, b in itertools.product(TIMEFRAME_MINUTES, repeat=2) if (a, b) not in PAIRS
]


def oracle(c: Candles, timeframe: str, partial: bool) -> dict[str, np.ndarray]:
    """pandas' resample, label="left", closed="left", empty buckets dropped, and our rule for the
    newest bar: finished when it holds the candle that ends where the bar ends."""
    frame = pd.DataFrame(
        {f: getattr(c, f) for f in FIELDS},
        index=pd.to_datetime(c.timestamp, unit="ms", utc=True),
    )
    length = TIMEFRAME_MINUTES[timeframe] * MINUTE
    bars = frame.resample(f"{TIMEFRAME_MINUTES[timeframe]}min", label="left", closed="left").agg(
        {"open": "first", "high": "max", "low": "min", "close": "last", "volume": "sum"}
    )
    bars = bars.dropna(subset=["open"])
    step = int(np.diff(c.timestamp).min())
    if not partial and (int(c.timestamp[-1]) + step) % length:
        bars = bars.iloc[:-1]
    out = {f: bars[f].to_numpy() for f in FIELDS}
    out["timestamp"] = bars.index.as_unit("ms").asi8
    return out


def assert_bars_equal(ours: Candles, theirs: dict[str, np.ndarray]) -> None:
    np.testing.assert_array_equal(ours.timestamp, theirs["timestamp"])
    for f in ("open", "high", "low", "close"):
        np.testing.assert_array_equal(getattr(ours, f), theirs[f], err_msg=f)
    # pandas adds with Kahan's compensation, we in time order (as a live feed does).
    np.testing.assert_allclose(ours.volume, theirs["volume"], rtol=1e-12)


def with_gaps(c: Candles, keep: np.ndarray) -> Candles:
    return Candles(*(getattr(c, f)[keep] for f in ("timestamp", *FIELDS)), c.symbol, min_candles=0)


def gap_mask(n: int, rate: float, seed: int, skip: int) -> np.ndarray:
    """Candles kept: a prefix of `skip` dropped (a start inside a bar), then random gaps; the
    first two kept candles are one step apart, so that the step is the source's."""
    keep = np.random.default_rng(seed).random(n) >= rate
    keep[:skip] = False
    keep[skip : skip + 2] = True
    return keep


@settings(max_examples=150, deadline=None)
@given(
    pair=st.sampled_from(PAIRS),
    bars=st.integers(1, 12),
    rate=st.sampled_from([0.0, 0.05, 0.3, 0.8]),
    seed=st.integers(0, 2**16),
    skip=st.integers(0, 30),
    partial=st.booleans(),
)
def test_candles_equal_pandas_with_gaps(
    pair: tuple[str, str], bars: int, rate: float, seed: int, skip: int, partial: bool
) -> None:
    source, target = pair
    per_bar = TIMEFRAME_MINUTES[target] // TIMEFRAME_MINUTES[source]
    n = skip + 2 + bars * per_bar + seed % max(per_bar, 1)  # often an unfinished newest bar
    c = with_gaps(
        synthetic_candles("ETHUSDT", n, source, seed=seed % 7), gap_mask(n, rate, seed, skip)
    )
    assert_bars_equal(resample(c, target, partial=partial), oracle(c, target, partial))


@pytest.mark.parametrize(("source", "target"), PAIRS)
def test_every_pair_on_a_batch_equals_pandas_per_row(source: str, target: str) -> None:
    per_bar = TIMEFRAME_MINUTES[target] // TIMEFRAME_MINUTES[source]
    n = min(40 * per_bar + 3, 20_000)
    keep = gap_mask(n, 0.2, 3, 1)
    rows = [with_gaps(synthetic_candles(s, n, source), keep) for s in SYMBOLS[:4]]
    batch = CandleBatch.from_candles(rows)
    for partial in (False, True):
        out = resample(batch, target, partial=partial)
        assert isinstance(out, CandleBatch) and out.symbols == batch.symbols
        for k, row in enumerate(rows):
            assert_bars_equal(out.row(k), oracle(row, target, partial))


def test_rows_with_their_own_gaps_resample_alone_when_they_make_as_many_bars() -> None:
    keep_a, keep_b = np.ones(600, bool), np.ones(600, bool)
    keep_a[[7, 8, 100]] = False  # inside bars: still 40 bars of 15m each
    keep_b[[9, 200, 201]] = False
    rows = [
        with_gaps(synthetic_candles("BTCUSDT", 600, "1m"), keep_a),
        with_gaps(synthetic_candles("ETHUSDT", 600, "1m"), keep_b),
    ]
    out = resample(CandleBatch.from_candles(rows), "15m")
    for k, row in enumerate(rows):
        assert_bars_equal(out.row(k), oracle(row, "15m", False))


def test_rows_making_different_numbers_of_bars_are_refused() -> None:
    a = with_gaps(synthetic_candles("BTCUSDT", 57, "1m"), np.arange(57) < 55)  # 11 bars of 5m
    b = with_gaps(synthetic_candles("ETHUSDT", 57, "1m"), ~np.isin(np.arange(57), [5, 6]))  # 12
    with pytest.raises(ValueError, match=r"different numbers of bars \(row 0 11, row 1 12\)"):
        resample(CandleBatch.from_candles([a, b]), "5m", partial=True)


def test_partial_keeps_the_unfinished_newest_bar() -> None:
    c = synthetic_candles("BTCUSDT", 7, "1m")
    done, partial = resample(c, "5m"), resample(c, "5m", partial=True)
    assert len(done) == 1 and len(partial) == 2
    assert partial.timestamp[1] == c.timestamp[5] and partial.close[1] == c.close[6]
    assert partial.open[1] == c.open[5] and partial.volume[1] == c.volume[5] + c.volume[6]
    whole = synthetic_candles("BTCUSDT", 10, "1m")
    assert len(resample(whole, "5m")) == 2  # the newest bar holds its last minute: finished
    np.testing.assert_array_equal(resample(whole, "1m").close, whole.close)


def test_an_empty_series_gives_no_bars() -> None:
    c = synthetic_candles("BTCUSDT", 5, "1m")
    empty = with_gaps(c, np.zeros(5, bool))
    assert len(resample(empty, "1h")) == 0


def stamps(*minutes: float) -> Candles:
    ts = [int(m * MINUTE) for m in minutes]
    ones = np.ones(len(ts))
    return Candles(ts, ones, ones, ones, ones, ones, "X", min_candles=0)


@pytest.mark.parametrize(
    ("candles", "timeframe", "message"),
    [
        pytest.param(
            stamps(0, 1, 2, 3.5, 4.5),
            "5m",
            r"`timestamp` is off the source step at index 3: 90000 ms after the previous candle,"
            r" not a multiple of the step 60000 ms",
            id="irregular",
        ),
        pytest.param(
            stamps(0.5, 1.5, 2.5),
            "5m",
            r"`timestamp` is not a whole multiple of the source step since the epoch at index 0",
            id="misaligned",
        ),
        pytest.param(
            stamps(0, 3, 6, 12),
            "5m",
            r"`timeframe` '5m' \(300000 ms\) is not a multiple of the source step 180000 ms"
            r" \(the step to index 1\)",
            id="not-a-multiple",
        ),
        pytest.param(stamps(0), "5m", "needs 2 to know the source step", id="one-candle"),
        pytest.param(stamps(0, 1), "2h", "`timeframe` must be one of", id="unknown"),
    ],
)
def test_errors_name_the_index(candles: Candles, timeframe: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        resample(candles, timeframe)


@pytest.mark.parametrize(("source", "target"), COARSER_SOURCE)
def test_a_finer_target_than_the_source_is_refused(source: str, target: str) -> None:
    with pytest.raises(ValueError, match="is not a multiple of the source step"):
        resample(synthetic_candles("BTCUSDT", 3, source), target)


def test_batch_errors_name_the_row() -> None:
    good, bad = stamps(0, 1, 2, 3), stamps(0, 1, 2, 3.5)
    batch = CandleBatch.from_candles([good, bad])
    with pytest.raises(ValueError, match=r"off the source step at row 1, index 3"):
        resample(batch, "5m")
    with pytest.raises(TypeError, match="must be Candles or CandleBatch"):
        resample(good.close, "5m")  # type: ignore[call-overload]
