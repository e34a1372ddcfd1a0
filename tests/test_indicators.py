"""Every indicator equals TA-Lib's: walks, adversarial shapes, every length, generated candles.

TA-Lib (the C library 0.8.1 behind the `talib` wrapper) is the oracle. Values must agree to a
relative 1e-9 wherever TA-Lib's value is finite, and be NaN exactly where TA-Lib's is NaN.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from numpy.lib.stride_tricks import sliding_window_view
from shapes import NAMED_SHAPES, WALKS, ohlcv_candles, walk

from alphapulse import indicators as ind
from alphapulse.indicators import (
    INDICATORS,
    LOOKBACKS,
    _recurrences,
    _windows,
    compute_indicators,
    series,
)

talib = pytest.importorskip("talib")

RTOL = 1e-9
Arrays = tuple[np.ndarray, ...]


def talib_indicators(
    o: np.ndarray, h: np.ndarray, l: np.ndarray, c: np.ndarray, v: np.ndarray
) -> dict[str, np.ndarray]:
    """The oracle: TA-Lib's functions with AlphaPulse's parameters (10 calls)."""
    out = {"RSI_14": talib.RSI(c, 14)}
    out["MACD"], out["MACD_SIGNAL"], out["MACD_HIST"] = talib.MACD(c, 12, 26, 9)
    out["BB_UPPER"], out["BB_MIDDLE"], out["BB_LOWER"] = talib.BBANDS(c, 20, 2.0, 2.0, 0)
    out["STOCH_K"], out["STOCH_D"] = talib.STOCH(h, l, c, 14, 3, 0, 3, 0)
    out["ATR_14"] = talib.ATR(h, l, c, 14)
    out["SMA_20"] = talib.SMA(c, 20)
    out["SMA_50"] = talib.SMA(c, 50)
    out["EMA_12"] = talib.EMA(c, 12)
    out["EMA_26"] = talib.EMA(c, 26)
    with np.errstate(divide="ignore", invalid="ignore"):  # 0/0 where 20 volumes are 0: NaN
        out["VOLUME_RATIO"] = v / talib.SMA(v, 20)
    return out


def absolute_tolerance(name: str, close: np.ndarray) -> float:
    """The absolute term of the comparison for output `name`; 0 for all but two families.

    MACD, MACD_SIGNAL and MACD_HIST are differences of two EMAs of the price. Near a zero crossing
    the value is tiny while each side carries rounding of order eps * price (TA-Lib's sequential
    recursion and our chunked cumsum round differently: up to 6e-16 * max|close| observed), so a
    purely relative test would compare rounding noise. 1e-13 * max|close| (~500 ulps of the price)
    is still far below any MACD value that means something.

    STOCH_K and STOCH_D are SMA-3 running totals of values in [0, 100]: where the true sum is 0,
    TA-Lib's running total keeps a rounding residue (2.4e-14 after 10,000 candles), while our sum
    of the three values is exactly 0. 1e-12 is 1e-14 of the scale.
    """
    if name.startswith("MACD"):
        return 1e-13 * float(np.max(np.abs(close), initial=0.0))
    if name.startswith("STOCH"):
        return 1e-12
    return 0.0


def assert_same(name: str, ours: np.ndarray, theirs: np.ndarray, close: np.ndarray) -> None:
    """NaN exactly where TA-Lib's is NaN, elsewhere equal to rtol 1e-9 (plus the atol above)."""
    assert ours.dtype == np.float64, name
    assert ours.shape == theirs.shape, name
    ours_nan, theirs_nan = np.isnan(ours), np.isnan(theirs)
    if not np.array_equal(ours_nan, theirs_nan):
        k = int(np.flatnonzero(ours_nan != theirs_nan)[0])
        pytest.fail(f"{name}: NaN differs first at index {k}: ours {ours[k]}, TA-Lib {theirs[k]}")
    np.testing.assert_allclose(
        ours, theirs, rtol=RTOL, atol=absolute_tolerance(name, close), equal_nan=True, err_msg=name
    )


def assert_matches(
    o: np.ndarray, h: np.ndarray, l: np.ndarray, c: np.ndarray, v: np.ndarray
) -> None:
    ours = compute_indicators(o, h, l, c, v)
    theirs = talib_indicators(o, h, l, c, v)
    assert list(ours) == list(INDICATORS)
    for name in INDICATORS:
        assert_same(name, ours[name], theirs[name], c)


def test_keys_and_warmups() -> None:
    out = compute_indicators(*walk("BTCUSDT", 300, 1))
    assert set(out) == {
        "RSI_14", "MACD", "MACD_SIGNAL", "MACD_HIST", "BB_UPPER", "BB_MIDDLE", "BB_LOWER",
        "STOCH_K", "STOCH_D", "ATR_14", "SMA_20", "SMA_50", "EMA_12", "EMA_26", "VOLUME_RATIO",
    }  # fmt: skip
    for name, values in out.items():
        assert int(np.argmax(~np.isnan(values))) == LOOKBACKS[name], name
    np.testing.assert_array_equal(out["SMA_20"], out["BB_MIDDLE"])
    assert not np.shares_memory(out["SMA_20"], out["BB_MIDDLE"])


@pytest.mark.parametrize(("symbol", "n", "seed"), WALKS)
def test_walks(symbol: str, n: int, seed: int) -> None:
    assert_matches(*walk(symbol, n, seed))


@pytest.mark.parametrize(("symbol", "seed"), [("BTCUSDT", 42), ("ETHUSDT", 7), ("ADAUSDT", 3)])
def test_long_walks(symbol: str, seed: int) -> None:
    """10,000 candles: several chunks and anchor blocks, and the BTC walk drifts 50,000 -> 6,800."""
    assert_matches(*walk(symbol, 10_000, seed))


@pytest.mark.parametrize("factor", [1e-6, 1e-3, 1.0, 1e3, 1e6])
def test_price_scales(factor: float) -> None:
    o, h, l, c, v = walk("ETHUSDT", 10_000, 4)
    assert_matches(o * factor, h * factor, l * factor, c * factor, v)


@pytest.mark.parametrize("shape", sorted(NAMED_SHAPES))
def test_adversarial_shapes(shape: str) -> None:
    assert_matches(*NAMED_SHAPES[shape]())


# Every length up to past the longest lookback, and long ones: the first dozen were the chunk
# boundaries of an earlier implementation; the rest sit around the first chunk boundaries of the
# recurrences (alphapulse/indicators/_recurrences.py), where each continues from the chunk before:
# MACD's signal at candle 1,378, EMA 12 at 1,807, MACD's fast EMA at 1,821 (EMA 26 at 3,924 and
# Wilder's 14 at 4,063 are crossed by the walks of 10,000).
SHORT = list(range(0, 121))
BOUNDARIES = [1249, 1250, 1251, 1299, 1300, 1301, 1349, 1350, 2599, 2600, 2601, 3901]
BOUNDARIES += [1377, 1378, 1379, 1806, 1807, 1808, 1821, 1822]


def test_every_short_length() -> None:
    o, h, l, c, v = walk("ETHUSDT", 200, 5)
    for n in SHORT:
        assert_matches(o[:n], h[:n], l[:n], c[:n], v[:n])


@pytest.mark.parametrize("n", BOUNDARIES)
def test_chunk_and_block_boundaries(n: int) -> None:
    o, h, l, c, v = walk("BTCUSDT", 3100, 9)
    assert_matches(o[:n], h[:n], l[:n], c[:n], v[:n])


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candles=ohlcv_candles())
def test_generated_candles(candles: Arrays) -> None:
    assert_matches(*candles)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candles=ohlcv_candles(min_size=60, max_size=120))
def test_generated_long_candles(candles: Arrays) -> None:
    """Generated candles repeated past 2,700: flat runs, ties, zeros across chunk boundaries."""
    reps = -(-2700 // len(candles[0]))
    assert_matches(*(np.tile(x, reps) for x in candles))


@pytest.mark.parametrize("n", [1, 40, 1000, 3000])
def test_2d_rows_equal_1d_calls(n: int) -> None:
    rows = [walk(s, n, 1) for s in ("BTCUSDT", "ETHUSDT", "ADAUSDT", "DOTUSDT")]
    batch = [np.stack([r[k] for r in rows]) for k in range(5)]
    together = compute_indicators(*batch)
    for k, row in enumerate(rows):
        alone = compute_indicators(*row)
        for name in INDICATORS:
            assert together[name].shape == batch[3].shape
            np.testing.assert_array_equal(together[name][k], alone[name], err_msg=name)


def test_2d_rows_equal_talib() -> None:
    rows = [walk(s, 1500, 2) for s in ("LINKUSDT", "XRPUSDT")]
    together = compute_indicators(*(np.stack([r[k] for r in rows]) for k in range(5)))
    for k, row in enumerate(rows):
        theirs = talib_indicators(*row)
        for name in INDICATORS:
            assert_same(name, together[name][k], theirs[name], row[3])


# ---------------------------------------------------------------------------------------------
# The single indicators, with TA-Lib's and other parameters.

SingleCase = tuple[str, Callable[..., object], Callable[..., object], tuple[object, ...]]


def _volume_ratio_oracle(v: np.ndarray, period: int) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        out: np.ndarray = v / talib.SMA(v, period)
    return out


SINGLE: list[SingleCase] = [
    *[("sma", ind.sma, talib.SMA, ("c", p)) for p in (1, 2, 3, 20, 50, 200, 4500)],
    *[("ema", ind.ema, talib.EMA, ("c", p)) for p in (1, 2, 12, 26, 200)],
    *[("rsi", ind.rsi, talib.RSI, ("c", p)) for p in (2, 14, 30)],
    *[("atr", ind.atr, talib.ATR, ("h", "l", "c", p)) for p in (1, 2, 14, 50)],
    *[
        ("macd", ind.macd, talib.MACD, ("c", *ps))
        for ps in ((12, 26, 9), (26, 12, 9), (5, 35, 5), (12, 12, 1), (2, 3, 1), (3, 400, 4))
    ],
    *[
        ("bbands", ind.bbands, lambda c, *a: talib.BBANDS(c, *a, 0), ("c", *ps))
        for ps in ((20, 2.0, 2.0), (5, 1.0, 1.0), (50, 1.5, 2.5), (2, 2.0, 2.0), (1100, 2.0, 2.0))
    ],
    *[
        (
            "stoch",
            ind.stoch,
            lambda h, l, c, f, k, d: talib.STOCH(h, l, c, f, k, 0, d, 0),
            ("h", "l", "c", *ps),
        )
        for ps in ((14, 3, 3), (5, 1, 1), (21, 5, 4), (9, 2, 6), (40, 3, 3), (1, 1, 1))
    ],
    *[("volume_ratio", ind.volume_ratio, _volume_ratio_oracle, ("v", p)) for p in (1, 7, 20)],
]


def _resolve(args: tuple[object, ...], data: dict[str, np.ndarray]) -> list[object]:
    return [data[a] if isinstance(a, str) else a for a in args]


@pytest.mark.parametrize("data_name", ["walk", "small_integers", "flat"])
@pytest.mark.parametrize(
    ("name", "ours", "theirs", "args"), SINGLE, ids=[f"{c[0]}{c[3][-3:]}" for c in SINGLE]
)
def test_single_functions(
    name: str,
    ours: Callable[..., object],
    theirs: Callable[..., object],
    args: tuple[object, ...],
    data_name: str,
) -> None:
    _, h, l, c, v = walk("BTCUSDT", 5000, 3) if data_name == "walk" else NAMED_SHAPES[data_name]()
    data = {"h": h, "l": l, "c": c, "v": v}
    got, want = ours(*_resolve(args, data)), theirs(*_resolve(args, data))
    got_all = got if isinstance(got, tuple) else (got,)
    want_all = want if isinstance(want, tuple) else (want,)
    family = {"macd": "MACD", "stoch": "STOCH"}.get(name, name)
    assert len(got_all) == len(want_all)
    for g, w in zip(got_all, want_all, strict=True):
        assert_same(family, np.asarray(g), np.asarray(w), c)


def test_single_functions_2d_rows_equal_1d() -> None:
    rows = [walk(s, 1500, 6) for s in ("BTCUSDT", "EOSUSDT", "TRXUSDT")]
    h, l, c, v = (np.stack([r[k] for r in rows]) for k in (1, 2, 3, 4))
    calls: list[Callable[[int], object]] = [
        lambda k: ind.sma(c[k] if k >= 0 else c, 20),
        lambda k: ind.ema(c[k] if k >= 0 else c, 26),
        lambda k: ind.rsi(c[k] if k >= 0 else c),
        lambda k: ind.atr(*((h[k], l[k], c[k]) if k >= 0 else (h, l, c))),
        lambda k: ind.macd(c[k] if k >= 0 else c),
        lambda k: ind.bbands(c[k] if k >= 0 else c),
        lambda k: ind.stoch(*((h[k], l[k], c[k]) if k >= 0 else (h, l, c))),
        lambda k: ind.volume_ratio(v[k] if k >= 0 else v),
    ]
    for call in calls:
        both = call(-1)
        for k in range(len(rows)):
            alone = call(k)
            for b, a in zip(
                both if isinstance(both, tuple) else (both,),
                alone if isinstance(alone, tuple) else (alone,),
                strict=True,
            ):
                np.testing.assert_array_equal(np.asarray(b)[k], a)


def test_macd_is_not_built_from_ema_12_and_26() -> None:
    """TA_INT_MACD seeds the fast EMA on the slow EMA's first bar: the quirk must show."""
    o, h, l, c, v = walk("BTCUSDT", 400, 0)
    out = compute_indicators(o, h, l, c, v)
    naive = out["EMA_12"] - out["EMA_26"]
    assert not np.allclose(out["MACD"][33:40], naive[33:40], rtol=1e-9, atol=0)


# ---------------------------------------------------------------------------------------------
# Inputs.


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(
            lambda: ind.sma(np.ones((2, 2, 2)), 3), "`x` must be a 1-D or 2-D array", id="3-D"
        ),
        pytest.param(
            lambda: ind.sma(np.array(["a", "b"]), 3),
            "`x` must be a 1-D or 2-D array of real numbers",
            id="strings",
        ),
        pytest.param(
            lambda: ind.ema(np.array([True, False]), 3), "`x` must be .* real numbers", id="bools"
        ),
        pytest.param(lambda: ind.rsi(np.ones(30), 1), r"`period` must be >= 2", id="rsi-period-1"),
        pytest.param(lambda: ind.sma(np.ones(30), 0), r"`period` must be >= 1", id="period-0"),
        pytest.param(
            lambda: ind.sma(np.ones(30), 2.5), r"`period` must be an integer", id="period-float"
        ),
        pytest.param(
            lambda: ind.sma(np.ones(30), True), r"`period` must be an integer", id="period-bool"
        ),
        pytest.param(
            lambda: ind.ema(np.ones(30), 100_001),
            r"`period` must be .* <= 100000",
            id="period-huge",
        ),
        pytest.param(
            lambda: ind.macd(np.ones(30), 1), r"`fast_period` must be >= 2", id="macd-fast"
        ),
        pytest.param(
            lambda: ind.macd(np.ones(30), 12, 26, 0),
            r"`signal_period` must be >= 1",
            id="macd-signal",
        ),
        pytest.param(
            lambda: ind.bbands(np.ones(30), 20, float("nan")),
            r"`nbdev_up` must be finite",
            id="nbdev-nan",
        ),
        pytest.param(
            lambda: ind.bbands(np.ones(30), 20, 2.0, "2"),
            r"`nbdev_down` must be a real number",
            id="nbdev-str",
        ),
        pytest.param(
            lambda: ind.stoch(np.ones(30), np.ones(30), np.ones(30), 0),
            r"`fastk_period` must be >= 1",
            id="stoch-fastk",
        ),
        pytest.param(
            lambda: ind.atr(np.ones(30), np.ones(29), np.ones(30)),
            r"`low` has shape \(29,\)",
            id="atr-shape",
        ),
        pytest.param(
            lambda: ind.volume_ratio(np.ones((2, 2, 2))), "`volume` must be", id="volume-3-D"
        ),
        pytest.param(
            lambda: compute_indicators(*([np.ones(30)] * 4), np.ones(31)),
            r"`volume` has shape \(31,\)",
            id="compute-shape",
        ),
        pytest.param(
            lambda: compute_indicators(
                np.ones(30), np.ones(30), np.array(["x"] * 30), np.ones(30), np.ones(30)
            ),
            "`low` must be",
            id="compute-dtype",
        ),
        pytest.param(
            lambda: compute_indicators(*([np.ones((2, 2, 2))] * 5)),
            "`open` must be",
            id="compute-3-D",
        ),
    ],
)
def test_bad_input(call: Callable[[], object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        call()


def test_read_only_and_non_contiguous_input() -> None:
    o, h, l, c, v = walk("BTCUSDT", 1600, 8)
    for arr in (o, h, l, c, v):
        arr.flags.writeable = False
    strided = [x[::2] for x in (o, h, l, c, v)]
    assert not strided[3].flags.c_contiguous
    ours = compute_indicators(*strided)
    theirs = talib_indicators(*(x.copy() for x in strided))
    for name in INDICATORS:
        assert_same(name, ours[name], theirs[name], strided[3])
    np.testing.assert_allclose(ind.rsi(c[::2]), talib.RSI(c[::2].copy(), 14), rtol=RTOL)
    # A column of a C-ordered 2-D array: every row strided.
    cols = [np.ascontiguousarray(np.stack([x, x * 1.01], axis=1)) for x in (o, h, l, c, v)]
    for x in cols:
        x.flags.writeable = False
    out = compute_indicators(*(x.T for x in cols))
    np.testing.assert_array_equal(out["ATR_14"][0], compute_indicators(o, h, l, c, v)["ATR_14"])


def test_inputs_are_not_modified() -> None:
    data = walk("ETHUSDT", 500, 1)
    copies = [x.copy() for x in data]
    compute_indicators(*data)
    ind.stoch(data[1], data[2], data[3])
    ind.bbands(data[3])
    for x, y in zip(data, copies, strict=True):
        np.testing.assert_array_equal(x, y)


def test_integer_input() -> None:
    o, h, l, c, v = NAMED_SHAPES["small_integers"]()
    ours = compute_indicators(*(x.astype(np.int64) for x in (o, h, l, c, v)))
    theirs = compute_indicators(o, h, l, c, v)
    for name in INDICATORS:
        np.testing.assert_array_equal(ours[name], theirs[name])


def test_empty_input() -> None:
    out = compute_indicators(*([np.zeros(0)] * 5))
    assert all(values.shape == (0,) for values in out.values())
    out2 = compute_indicators(*([np.zeros((3, 0))] * 5))
    assert all(values.shape == (3, 0) for values in out2.values())
    assert ind.macd(np.zeros(0))[0].shape == (0,)


def test_zero_volume_windows_are_nan() -> None:
    o, h, l, c, _ = walk("ADAUSDT", 200, 9)
    v = np.ones(200)
    v[60:100] = 0.0
    ratio = compute_indicators(o, h, l, c, v)["VOLUME_RATIO"]
    assert np.isnan(ratio[79:100]).all()  # every window of 20 ending in 79..99 has only zeros
    assert np.isfinite(ratio[100:]).all() and np.isfinite(ratio[19:79]).all()


# ---------------------------------------------------------------------------------------------
# The machinery: repeated calls, threads, and the primitives on their own.


def test_workspace_reuse_between_shapes_and_threads() -> None:
    """A call must not see the previous one's values, nor another thread's (no state is kept)."""
    a = walk("BTCUSDT", 1200, 1)
    b = [np.stack([x, x[::-1]]) for x in walk("ETHUSDT", 700, 2)]
    first = compute_indicators(*a)
    compute_indicators(*b)
    compute_indicators(*(x[:100] for x in a))
    again = compute_indicators(*a)
    for name in INDICATORS:
        np.testing.assert_array_equal(again[name], first[name])

    results: list[dict[str, np.ndarray]] = []

    def work() -> None:
        for _ in range(5):
            results.append(compute_indicators(*a))

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for out in results:
        for name in INDICATORS:
            np.testing.assert_array_equal(out[name], first[name])


@pytest.mark.parametrize("window", [*range(1, 34), 64, 100])
def test_window_max_and_min(window: int) -> None:
    """Doubling blocks, any window; exact against the O(N*W) reference."""
    rng = np.random.default_rng(window)
    x = rng.integers(0, 7, (3, 257)).astype(float)
    for lowest in (False, True):
        got = (_windows.window_min if lowest else _windows.window_max)(x, window)
        view = sliding_window_view(x, window, axis=1)
        want = view.min(axis=-1) if lowest else view.max(axis=-1)
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("period", [2, 9, 14, 26, 200])
def test_recurrence_precision_over_10000_candles(period: int) -> None:
    """The chunked closed form against a plain Python loop, at prices from 1e-6 to 1e6."""
    rng = np.random.default_rng(period)
    x = np.exp(np.cumsum(rng.normal(0, 0.02, 10_000))) * 10.0 ** rng.uniform(-6, 6)
    a, gain = _recurrences.ema_coefficients(period)
    want = np.empty_like(x)
    y = x[:period].sum() / period
    want[period - 1] = y
    for t in range(period, len(x)):  # test oracle only: the loop the module avoids
        y = gain * x[t] + a * y
        want[t] = y
    got = ind.ema(x, period)
    np.testing.assert_allclose(got[period - 1 :], want[period - 1 :], rtol=1e-12)


def assert_newest_matches(
    o: np.ndarray, h: np.ndarray, l: np.ndarray, c: np.ndarray, v: np.ndarray
) -> None:
    """`newest_indicators` (what detection scores) against TA-Lib's newest values."""
    ours = ind.newest_indicators(o, h, l, c, v)
    theirs = talib_indicators(o, h, l, c, v)
    assert ours.shape == (len(INDICATORS), 1)
    for row, name in enumerate(INDICATORS):
        assert_same(name, ours[row], theirs[name][-1:], c)


@pytest.mark.parametrize(("symbol", "n", "seed"), WALKS)
def test_newest_indicators_on_walks(symbol: str, n: int, seed: int) -> None:
    assert_newest_matches(*walk(symbol, n, seed))


@pytest.mark.parametrize("n", [49, 50, 51, 63, 64, 65, 100, 399, 1000, 8760])
def test_newest_indicators_around_lengths(n: int) -> None:
    assert_newest_matches(*walk("ETHUSDT", n, 12))


@pytest.mark.parametrize("shape", sorted(NAMED_SHAPES))
def test_newest_indicators_on_adversarial_shapes(shape: str) -> None:
    assert_newest_matches(*NAMED_SHAPES[shape]())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(candles=ohlcv_candles(min_size=50, max_size=300))
def test_newest_indicators_on_generated_candles(candles: Arrays) -> None:
    assert_newest_matches(*candles)


def test_newest_indicators_2d_rows_equal_1d_bit_for_bit() -> None:
    rows = [walk(s, 700, 3) for s in ("BTCUSDT", "ETHUSDT", "ADAUSDT")]
    both = ind.newest_indicators(*(np.stack([r[k] for r in rows]) for k in range(5)))
    for k, row in enumerate(rows):
        np.testing.assert_array_equal(both[:, k : k + 1], ind.newest_indicators(*row))


@pytest.mark.parametrize("period", [1, 2, 9, 14, 26])
@pytest.mark.parametrize("extra", [0, 1, 5, 999, 5000])
def test_smoothed_weights_give_the_last_value_of_smoothed(period: int, extra: int) -> None:
    """The newest value as one weighted sum against the chunked series (which the oracle tests
    pin to TA-Lib), and the adjoint as the transpose: w . smoothed(x) == adjoint(w) . x."""
    rng = np.random.default_rng(period * 7919 + extra)
    n = period + extra
    x = np.exp(np.cumsum(rng.normal(0, 0.02, n))) * 100.0
    w = rng.uniform(0.0, 1.0, extra + 1)
    for a, gain in (
        _recurrences.ema_coefficients(period),
        _recurrences.wilder_coefficients(period),
    ):
        whole = _recurrences.smoothed(x, period, a, gain)
        weights = _recurrences.smoothed_weights(n, period, a, gain)
        assert weights.shape == (n,)
        np.testing.assert_allclose(x @ weights, whole[-1], rtol=1e-12)
        adjoint = _recurrences.smoothed_adjoint(w, period, a, gain)
        np.testing.assert_allclose(x @ adjoint, w @ whole, rtol=1e-12)


@pytest.mark.parametrize("periods", [(12, 26, 9), (26, 12, 9), (2, 3, 1), (5, 5, 4)])
@pytest.mark.parametrize("extra", [0, 1, 700])
def test_macd_weights_give_the_newest_line_and_signal(
    periods: tuple[int, int, int], extra: int
) -> None:
    n = series.macd_lookback(*periods) + 1 + extra
    close = walk("BTCUSDT", n, extra)[3]
    line, signal, _ = series.macd_rows(close[np.newaxis], *periods)
    weights = series.macd_weights(n, *periods)
    np.testing.assert_allclose(weights @ close, [line[0, -1], signal[0, -1]], rtol=1e-10)
