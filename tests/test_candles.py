"""`Candles` and `CandleBatch` reject bad data with the field and the first bad index."""

from __future__ import annotations

import numpy as np
import pytest

from alphapulse.candles import MIN_CANDLES, CandleBatch, Candles
from alphapulse.market import synthetic_candles

N = 60


def fields() -> dict[str, np.ndarray]:
    c = synthetic_candles("BTCUSDT", N, seed=3)
    return {
        f: np.array(getattr(c, f)) for f in ("timestamp", "open", "high", "low", "close", "volume")
    }


def broken(field: str, index: int, value: float) -> dict[str, np.ndarray]:
    data = fields()
    data[field] = data[field].astype(float) if field != "timestamp" else data[field]
    data[field][index] = value
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param(
            broken("close", 7, np.nan), r"`close` has a NaN or infinite value at index 7", id="nan"
        ),
        pytest.param(
            broken("open", 9, np.inf), r"`open` has a NaN or infinite value at index 9", id="inf"
        ),
        pytest.param(
            broken("high", 11, 1.0), r"`high` is below max\(open, close\) at index 11", id="high"
        ),
        pytest.param(
            broken("low", 12, 1e9), r"`low` is above min\(open, close\) at index 12", id="low"
        ),
        pytest.param(broken("volume", 13, -1.0), r"`volume` is negative at index 13", id="volume"),
        pytest.param(
            broken("timestamp", 14, 0),
            r"`timestamp` is not strictly increasing at index 14",
            id="time",
        ),
    ],
)
def test_bad_values_name_field_and_index(data: dict[str, np.ndarray], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Candles(**data)


def test_length_mismatch_names_the_field() -> None:
    data = fields()
    data["volume"] = data["volume"][:-1]
    with pytest.raises(
        ValueError, match=r"`volume` has shape \(59,\), but `timestamp` has shape \(60,\)"
    ):
        Candles(**data)


def test_too_few_candles() -> None:
    data = {k: v[: MIN_CANDLES - 1] for k, v in fields().items()}
    with pytest.raises(
        ValueError,
        match=f"has {MIN_CANDLES - 1} candles; the detection needs at least {MIN_CANDLES}",
    ):
        Candles(**data)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        pytest.param("close", np.array(["1"] * N), "`close` must hold real numbers", id="strings"),
        pytest.param(
            "open", np.ones(N, dtype=complex), "`open` must hold real numbers", id="complex"
        ),
        pytest.param(
            "timestamp", np.linspace(0, 1, N), "`timestamp` must hold integers", id="float-time"
        ),
        pytest.param("high", np.ones((2, N)), "`high` must be a 1-D array", id="2-D"),
    ],
)
def test_wrong_dtype_or_shape(field: str, value: np.ndarray, message: str) -> None:
    data = fields()
    data[field] = value
    with pytest.raises(ValueError, match=message):
        Candles(**data)


def test_arrays_are_read_only_float64_and_datetimes_accepted() -> None:
    data = fields()
    data["timestamp"] = data["timestamp"].astype("datetime64[ms]")
    data["volume"] = data["volume"].astype(np.int64)  # integers are accepted and made float64
    c = Candles(**data, symbol="X")
    assert c.volume.dtype == np.float64 and not c.close.flags.writeable
    assert c.timestamp.dtype == np.int64 and len(c) == N
    assert len(c.tail(MIN_CANDLES)) == MIN_CANDLES


def test_batch_names_row_and_index() -> None:
    rows = [fields(), fields()]
    stacked = {k: np.stack([r[k] for r in rows]) for k in rows[0]}
    stacked["low"][1, 20] = 1e9
    with pytest.raises(ValueError, match=r"`low` is above min\(open, close\) at row 1, index 20"):
        CandleBatch(["A", "B"], **stacked)
    with pytest.raises(ValueError, match="`symbols` names 1 symbols, but the arrays hold 2 rows"):
        CandleBatch(["A"], **{k: np.stack([r[k] for r in rows]) for k in rows[0]})


def test_batch_from_candles_and_row() -> None:
    singles = [synthetic_candles(s, 80) for s in ("BTCUSDT", "ETHUSDT")]
    batch = CandleBatch.from_candles(singles)
    assert batch.symbols == ("BTCUSDT", "ETHUSDT") and batch.n_candles == 80 and len(batch) == 2
    np.testing.assert_array_equal(batch.row(1).close, singles[1].close)
    with pytest.raises(ValueError, match="different lengths"):
        CandleBatch.from_candles([singles[0], synthetic_candles("ADAUSDT", 81)])
    with pytest.raises(ValueError, match="empty"):
        CandleBatch.from_candles([])
