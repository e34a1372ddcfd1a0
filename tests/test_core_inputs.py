"""Hostile inputs at the core's boundary: `Candles`, `CandleBatch`, `StreamingDetector` and
`load_csv`.

Every broken input must raise ValueError (or TypeError for a wrong type) whose message names the
field and the place: "index k", "row r, index k", a streaming candle's index in its stream, or a
CSV file with line and column. Never another exception, never silent acceptance. The corpus is
generated: each entry point x each field x each kind of badness x a few positions. Hypothesis then
checks the large spaces: valid candles are accepted and round-trip through CSV files (pandas'
`to_csv()` and the csv module, any column order), and any single corrupted value is reported at
its own index, by the streaming path with the very message of `Candles`.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alphapulse import CandleBatch, Candles, StreamingDetector, load_csv, synthetic_candles
from alphapulse._rules import FLOAT_FIELDS

N = 60
FIELDS = ("timestamp", *FLOAT_FIELDS)
BASE = synthetic_candles("BTCUSDT", N, seed=5)
HOUR = 3_600_000
POSITIONS = (0, 29, N - 1)

Columns = dict[str, Any]


def columns() -> Columns:
    """Writable copies of the valid base candles, one array a field."""
    return {f: np.array(getattr(BASE, f)) for f in FIELDS}


def as_lists(data: Columns) -> Columns:
    return {f: np.asarray(v).tolist() for f, v in data.items()}


def refused(call: Callable[[], object], error: type[Exception], *needles: str) -> str:
    """`call` raises `error` (ValueError or TypeError, nothing else) naming every needle."""
    with pytest.raises((ValueError, TypeError)) as info:
        call()
    message = str(info.value)
    assert isinstance(info.value, error), f"{type(info.value).__name__}: {message}"
    for needle in needles:
        assert needle in message, f"{needle!r} not in {message!r}"
    return message


# ---------------------------------------------------------------------------------------------
# The kinds of badness.

# A bad value put into a float64 array.
ARRAY_BAD = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf}
# A bad value put into a list of floats: numpy reads the whole list otherwise (or fails to).
LIST_BAD: dict[str, object] = {
    "nan": float("nan"),
    "-inf": float("-inf"),
    "none": None,
    "str-number": "1.5",
    "str": "abc",
    "bytes": b"1",
    "complex": 1j,
    "nested": [1.0, 2.0],
    "int-2**64": 2**64,
    "int-10**400": 10**400,
    "decimal": Decimal("1.5"),
    "datetime": np.datetime64("2024-01-01"),
}
# A bad value for a streaming candle's price or volume.
SCALAR_BAD: dict[str, object] = {
    **LIST_BAD,
    "inf": float("inf"),
    "bool": True,
    "np-nan": np.float64("nan"),
    "np-bool": np.True_,
}


def broken_relation(data: Columns, field: str, k: int) -> None:
    """Break the rule of `field` at candle `k`: high below the body, low above it, volume < 0."""
    o, c = data["open"][k], data["close"][k]
    data[field][k] = {"high": min(o, c) - 1.0, "low": max(o, c) + 1.0, "volume": -1e-9}[field]


RELATION_FIELDS = ("high", "low", "volume")


def bad_stamps(k: int) -> Iterator[tuple[str, Any, Any]]:
    """Timestamps broken at candle k: (kind, the broken array or list, a valid one like it)."""
    ts = BASE.timestamp

    def listed(value: object) -> tuple[list[object], list[object]]:
        out: list[object] = ts.tolist()
        out[k] = value
        return out, ts.tolist()

    def arrayed(dtype: str, value: object, valid: Any = ts) -> tuple[np.ndarray, np.ndarray]:
        out = np.array(valid, dtype=dtype)
        out[k] = value
        return out, np.array(valid, dtype=dtype)

    yield "nat", *arrayed("datetime64[ms]", np.datetime64("NaT"))
    yield "uint64-beyond-int64", *arrayed("uint64", np.uint64(2**63 + 1))
    yield "seconds-overflowing-ms", *arrayed("datetime64[s]", 2**62, ts // 1000)
    yield "int-2**63", *listed(2**63)
    yield "int-2**64", *listed(2**64)
    yield "int-below-int64", *listed(-(2**63) - 1)
    yield "fractional", *listed(int(ts[k]) + 0.5)
    yield "whole-float", *listed(float(ts[k]))
    yield "str", *listed(str(int(ts[k])))
    yield "none", *listed(None)
    yield "nan", *listed(float("nan"))
    yield "inf", *listed(float("inf"))


# ---------------------------------------------------------------------------------------------
# Candles: one bad value at its index.


def candles_cases() -> Iterator[Any]:
    for field in FLOAT_FIELDS:
        for kind, value in ARRAY_BAD.items():
            for k in POSITIONS:
                data = columns()
                data[field][k] = value
                yield pytest.param(data, field, k, id=f"{field}-array-{kind}-{k}")
        for kind, value in LIST_BAD.items():
            for k in POSITIONS:
                data = as_lists(columns())
                data[field][k] = value
                yield pytest.param(data, field, k, id=f"{field}-list-{kind}-{k}")
    for field in RELATION_FIELDS:
        for k in POSITIONS:
            data = columns()
            broken_relation(data, field, k)
            yield pytest.param(data, field, k, id=f"{field}-rule-{k}")
    for k in POSITIONS:
        for kind, bad, _ in bad_stamps(k):
            data = columns()
            data["timestamp"] = bad
            yield pytest.param(data, "timestamp", k, id=f"timestamp-{kind}-{k}")
    for k in (1, 30, N - 1):
        for kind, delta in (("equal", 0), ("earlier", -1)):
            data = columns()
            data["timestamp"][k] = data["timestamp"][k - 1] + delta
            yield pytest.param(data, "timestamp", k, id=f"timestamp-{kind}-{k}")


@pytest.mark.parametrize(("data", "field", "k"), list(candles_cases()))
def test_candles_name_field_and_index(data: Columns, field: str, k: int) -> None:
    refused(lambda: Candles(**data), ValueError, f"`{field}`", f"at index {k}")


def whole_field_cases() -> Iterator[Any]:
    """A field broken as a whole: wrong dtype, dimensions or length. No index to name."""
    for field in FIELDS:
        values = columns()[field]
        kinds: dict[str, Any] = {
            "bool-array": np.ones(N, dtype=bool),
            "str-array": values.astype(str),
            "object-none": np.full(N, None, dtype=object),
            "2-D": np.stack([values, values]),
            "0-D": values[0],
            "empty-list": [],
            "short": values[:-1],
            "long": np.append(values, values[-1:]),
            "ragged-list": [values.tolist(), values.tolist()[:-1]],
        }
        if field == "timestamp":
            kinds["float-array"] = values.astype(np.float64)
        else:
            kinds["complex-array"] = values.astype(complex)
        for kind, bad in kinds.items():
            data = columns()
            data[field] = bad
            yield pytest.param(data, field, id=f"{field}-{kind}")


@pytest.mark.parametrize(("data", "field"), list(whole_field_cases()))
def test_candles_name_the_field_broken_as_a_whole(data: Columns, field: str) -> None:
    refused(lambda: Candles(**data), ValueError, f"`{field}`")


def test_candles_other_arguments() -> None:
    refused(lambda: Candles(**columns(), symbol=5), TypeError, "`symbol` must be a str")
    short = {f: v[:10] for f, v in columns().items()}
    refused(lambda: Candles(**short), ValueError, "has 10 candles; the detection needs")
    refused(lambda: BASE.tail(0), ValueError, "`n` must be at least 1")


# ---------------------------------------------------------------------------------------------
# CandleBatch: row and index.

ROWS = 3
CELLS = ((0, 0), (2, 31))


def batch_columns() -> Columns:
    return {f: np.stack([v] * ROWS) for f, v in columns().items()}


def batch_cases() -> Iterator[Any]:
    for field in FLOAT_FIELDS:
        for r, k in CELLS:
            data = batch_columns()
            data[field][r, k] = np.nan
            yield pytest.param(data, field, r, k, id=f"{field}-nan-{r}-{k}")
            for kind in ("none", "str", "int-2**64", "nested"):
                data = as_lists(batch_columns())
                data[field][r][k] = LIST_BAD[kind]
                yield pytest.param(data, field, r, k, id=f"{field}-list-{kind}-{r}-{k}")
    for field in RELATION_FIELDS:
        for r, k in CELLS:
            data = batch_columns()
            broken_relation({f: v[r] for f, v in data.items()}, field, k)
            yield pytest.param(data, field, r, k, id=f"{field}-rule-{r}-{k}")
    for r, k in CELLS:
        for kind, bad, valid in bad_stamps(k):
            data = batch_columns()
            rows = [bad if i == r else valid for i in range(ROWS)]
            data["timestamp"] = np.stack(rows) if isinstance(bad, np.ndarray) else rows
            yield pytest.param(data, "timestamp", r, k, id=f"timestamp-{kind}-{r}-{k}")
        if k > 0:
            data = batch_columns()
            data["timestamp"][r, k] = data["timestamp"][r, k - 1]
            yield pytest.param(data, "timestamp", r, k, id=f"timestamp-equal-{r}-{k}")


@pytest.mark.parametrize(("data", "field", "r", "k"), list(batch_cases()))
def test_batch_names_field_row_and_index(data: Columns, field: str, r: int, k: int) -> None:
    symbols = [f"S{i}" for i in range(ROWS)]
    refused(lambda: CandleBatch(symbols, **data), ValueError, f"`{field}`", f"row {r}, index {k}")


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("kind", ["ragged", "1-D", "3-D"])
def test_batch_shapes(field: str, kind: str) -> None:
    data = batch_columns()
    if kind == "ragged":
        rows = data[field].tolist()
        data[field] = [rows[0], rows[1][:-1], rows[2]]
        needles = [f"`{field}` is ragged: row 1 has {N - 1} values, row 0 has {N}"]
    else:
        data[field] = data[field][0] if kind == "1-D" else data[field][np.newaxis]
        needles = [f"`{field}` must be a 2-D array"]
    refused(lambda: CandleBatch(["A", "B", "C"], **data), ValueError, *needles)


def test_batch_other_arguments() -> None:
    data = batch_columns()
    refused(lambda: CandleBatch(["A"], **data), ValueError, "`symbols` names 1 symbols")
    refused(lambda: CandleBatch("ABC", **data), TypeError, "`symbols` must be a sequence of str")
    refused(lambda: CandleBatch(["A", 2, "C"], **data), TypeError, "`symbol` must be a str")
    refused(lambda: CandleBatch.from_candles([BASE, "x"]), TypeError, "`candles[1]`")


# ---------------------------------------------------------------------------------------------
# StreamingDetector: the candle's index in its stream, the same message as `Candles`.


def seeded() -> StreamingDetector:
    stream = StreamingDetector(window=N)
    stream.seed(BASE)
    return stream


def next_candle() -> list[Any]:
    """A valid candle after BASE: its last candle's prices, an hour later."""
    last = [float(getattr(BASE, f)[-1]) for f in FLOAT_FIELDS]
    return [int(BASE.timestamp[-1]) + HOUR, *last]


def stream_cases() -> Iterator[Any]:
    for position, field in enumerate(FLOAT_FIELDS, start=1):
        for kind, value in SCALAR_BAD.items():
            candle = next_candle()
            candle[position] = value
            yield pytest.param(candle, field, id=f"{field}-{kind}")
    for field in RELATION_FIELDS:
        data = {f: [v] for f, v in zip(FIELDS, next_candle(), strict=True)}
        broken_relation(data, field, 0)
        yield pytest.param([data[f][0] for f in FIELDS], field, id=f"{field}-rule")
    last = int(BASE.timestamp[-1])
    stamps: dict[str, object] = {
        "fractional": last + 0.5,
        "whole-float": float(last + HOUR),
        "np-float": np.float64(last + HOUR),
        "str": str(last + HOUR),
        "none": None,
        "nan": float("nan"),
        "inf": float("inf"),
        "-inf": float("-inf"),
        "bool": True,
        "int-2**63": 2**63,
        "int-2**64": 2**64,
        "int-10**30": 10**30,
        "below-int64": -(2**63) - 1,
        "uint64-beyond": np.uint64(2**63 + 1),
        "nat": np.datetime64("NaT"),
        "equal": last,
        "earlier": last - 1,
        "far-earlier": -(2**63),
        "datetime-earlier": np.datetime64(last, "ms"),
    }
    for kind, value in stamps.items():
        yield pytest.param([value, *next_candle()[1:]], "timestamp", id=f"timestamp-{kind}")


@pytest.mark.parametrize(("candle", "field"), list(stream_cases()))
def test_stream_update_names_symbol_field_and_index(candle: list[Any], field: str) -> None:
    stream = seeded()
    refused(
        lambda: stream.update("BTCUSDT", tuple(candle)),
        ValueError,
        f"BTCUSDT: `{field}`",
        f"at index {N}",
    )
    assert stream.update("BTCUSDT", tuple(next_candle())) is not None  # still usable


@pytest.mark.parametrize(
    "candle",
    [None, 42, (1, 2.0, 3.0), (*next_candle(), 1.0), [], {"timestamp": 1}],
    ids=["none", "int", "short", "long", "empty", "dict"],
)
def test_stream_candle_of_wrong_shape(candle: Any) -> None:
    refused(lambda: seeded().update("BTCUSDT", candle), TypeError, "a candle must be (timestamp,")


def test_stream_first_candle_and_other_arguments() -> None:
    stream = StreamingDetector(window=N)
    candle = next_candle()
    candle[4] = "x"
    refused(lambda: stream.update("ETHUSDT", tuple(candle)), ValueError, "`close`", "index 0")
    assert len(stream) == 0  # a refused candle leaves no symbol behind
    refused(lambda: stream.update(7, tuple(next_candle())), TypeError, "`symbol` must be a str")
    refused(lambda: StreamingDetector(window=60.5), TypeError, "`window` must be an int")
    refused(lambda: StreamingDetector(window=10), ValueError, "`window` must be at least")


@pytest.mark.parametrize(
    "history", [BASE.timestamp, (1, 2), None, "BTCUSDT"], ids=["array", "tuple", "none", "str"]
)
def test_stream_seed_takes_candles_only(history: Any) -> None:
    refused(lambda: seeded().seed(history), TypeError, "`candles` must be Candles")


def test_stream_seed_overlap_names_the_index() -> None:
    stream = seeded()
    refused(
        lambda: stream.seed(BASE.tail(N)),
        ValueError,
        f"BTCUSDT: `timestamp` is not strictly increasing at index {N}",
    )


# ---------------------------------------------------------------------------------------------
# load_csv: file, line and column.

# A column order that is not the usual one: load_csv must find each column by its name.
CSV_ORDER = ("close", "volume", "timestamp", "low", "open", "high")


def write_csv(path: Path, rows: list[list[str]], order: tuple[str, ...] = CSV_ORDER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(order)
        writer.writerows(rows)
    return path


def csv_rows(order: tuple[str, ...] = CSV_ORDER) -> list[list[str]]:
    """BASE as CSV cells: integer ms and repr floats."""
    return [[repr(getattr(BASE, f)[k].item()) for f in order] for k in range(N)]


CELL_BAD = ("abc", "", "1,5", "0x10", "None", "nan", "inf", "-inf", "1e999")
STAMP_BAD = (
    "abc",
    "",
    "NaT",
    "today",
    "2024-13-01",
    "1.5",
    "99999999999999999999",
    "-99999999999999999999",
    "999999999-01-01",
)


def csv_cases() -> Iterator[Any]:
    for field in FLOAT_FIELDS:
        for text in CELL_BAD:
            for k in (0, N - 1):
                yield pytest.param(field, k, text, id=f"{field}-{text or 'empty'}-{k}")
    for text in STAMP_BAD:
        for k in (0, N - 1):
            yield pytest.param("timestamp", k, text, id=f"timestamp-{text or 'empty'}-{k}")


@pytest.mark.parametrize(("field", "k", "text"), list(csv_cases()))
def test_csv_cell_names_file_line_and_column(tmp_path: Path, field: str, k: int, text: str) -> None:
    rows = csv_rows()
    rows[k][CSV_ORDER.index(field)] = text
    path = write_csv(tmp_path / "bad.csv", rows)
    needles = (str(path), f"line {k + 2}, column {CSV_ORDER.index(field) + 1}", f"`{field}`")
    refused(lambda: load_csv(path), ValueError, *needles, f"at index {k}")


@pytest.mark.parametrize("field", RELATION_FIELDS)
@pytest.mark.parametrize("k", (0, N - 1))
def test_csv_rule_names_file_line_and_column(tmp_path: Path, field: str, k: int) -> None:
    data = columns()
    broken_relation(data, field, k)
    rows = csv_rows()
    rows[k][CSV_ORDER.index(field)] = repr(float(data[field][k]))
    path = write_csv(tmp_path / "bad.csv", rows)
    column = CSV_ORDER.index(field) + 1
    refused(lambda: load_csv(path), ValueError, str(path), f"line {k + 2}, column {column}")


@pytest.mark.parametrize("k", (1, N - 1))
def test_csv_order_names_file_line_and_column(tmp_path: Path, k: int) -> None:
    rows = csv_rows()
    t = CSV_ORDER.index("timestamp")
    rows[k][t] = rows[k - 1][t]
    path = write_csv(tmp_path / "bad.csv", rows)
    refused(
        lambda: load_csv(path),
        ValueError,
        f"line {k + 2}, column {t + 1}: `timestamp` is not strictly increasing at index {k}",
    )


@pytest.mark.parametrize("k", (0, 29, N - 1))
@pytest.mark.parametrize("change", ["short", "long", "empty-cell-dropped"])
def test_csv_row_width_names_file_line_and_column(tmp_path: Path, k: int, change: str) -> None:
    # The timestamp last, as the user's file had it: a short row used to raise IndexError.
    order = (*FLOAT_FIELDS, "timestamp")
    rows = csv_rows(order)
    rows[k] = rows[k][:-1] if change != "long" else [*rows[k], "1.0"]
    if change == "empty-cell-dropped":
        rows[k] = rows[k][:2]
    path = write_csv(tmp_path / "bad.csv", rows, order)
    column = len(rows[k]) + 1 if change != "long" else len(order) + 1
    refused(lambda: load_csv(path), ValueError, str(path), f"line {k + 2}, column {column}")


@pytest.mark.parametrize("missing", FIELDS)
def test_csv_missing_column_is_named(tmp_path: Path, missing: str) -> None:
    order = tuple("other" if f == missing else f for f in CSV_ORDER)
    path = write_csv(tmp_path / "bad.csv", csv_rows(CSV_ORDER), order)
    needle = "no column named timestamp or date" if missing == "timestamp" else f"column {missing}"
    refused(lambda: load_csv(path), ValueError, str(path), needle)


@pytest.mark.parametrize("twice", FIELDS)
def test_csv_duplicate_column_is_named(tmp_path: Path, twice: str) -> None:
    order = (*CSV_ORDER, twice)
    rows = [[*row, row[CSV_ORDER.index(twice)]] for row in csv_rows()]
    path = write_csv(tmp_path / "bad.csv", rows, order)
    refused(lambda: load_csv(path), ValueError, str(path), f"column {twice!r} more than once")


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        pytest.param(b"", "the file is empty", id="empty"),
        pytest.param(b"\xef\xbb\xbf", "the file is empty", id="bom-only"),
        pytest.param(
            b"\n" + ",".join(FIELDS).encode() + b"\n", "in the header []", id="blank-first-line"
        ),
        pytest.param(",".join(CSV_ORDER).encode() + b"\n", "has 0 candles", id="header-only"),
        pytest.param(
            ",".join(CSV_ORDER).encode() + b"\n\xff\xfe,1\n", "line 2: not UTF-8", id="latin-1"
        ),
        pytest.param("timestamp,open\n".encode("utf-16"), "line 1: not UTF-8", id="utf-16"),
        pytest.param(
            b"timestamp,open,high,low,close,volume\n" + b'1,"2\n', "line 2", id="open-quote"
        ),
    ],
)
def test_csv_file_level_errors_name_the_file(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    refused(lambda: load_csv(path), ValueError, str(path), needle)


def test_csv_error_on_a_later_line_after_blank_lines_and_a_bom(tmp_path: Path) -> None:
    rows = csv_rows()
    rows[5][0] = "x"  # close of candle 5
    path = write_csv(tmp_path / "bad.csv", rows)
    lines = path.read_text().splitlines()
    path.write_text("\ufeff" + "\n".join([*lines[:3], "", "", *lines[3:]]) + "\n")
    refused(lambda: load_csv(path), ValueError, "line 9, column 1: `close` is not a number")


def test_the_corpus_is_large() -> None:
    counted = sum(
        len(list(cases()))
        for cases in (candles_cases, whole_field_cases, batch_cases, stream_cases, csv_cases)
    )
    assert counted >= 300, counted


# ---------------------------------------------------------------------------------------------
# Properties over valid candles and single corruptions.

_SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
_PRICE = st.floats(-1e9, 1e9, allow_nan=False, allow_infinity=False)
_WICK = st.floats(0.0, 1e6, allow_nan=False, allow_infinity=False)


@st.composite
def valid_columns(draw: st.DrawFn, min_size: int = 50, max_size: int = 70) -> Columns:
    """Valid OHLCV: any finite body and wicks, volume >= 0, timestamps strictly increasing.

    Timestamps start at 1e11 ms (1973): load_csv reads smaller integers as seconds.
    """
    n = draw(st.integers(min_size, max_size))
    o = np.array(draw(st.lists(_PRICE, min_size=n, max_size=n)))
    c = np.array(draw(st.lists(_PRICE, min_size=n, max_size=n)))
    up, down = (np.array(draw(st.lists(_WICK, min_size=n, max_size=n))) for _ in range(2))
    volume = np.array(draw(st.lists(st.floats(0.0, 1e12), min_size=n, max_size=n)))
    steps = draw(st.lists(st.integers(1, 10**7), min_size=n, max_size=n))
    start = draw(st.integers(10**11, 4 * 10**12))
    timestamp = start + np.cumsum(np.array(steps, dtype=np.int64))
    high, low = np.maximum(o, c) + up, np.minimum(o, c) - down
    return {
        "timestamp": timestamp,
        "open": o,
        "high": high,
        "low": low,
        "close": c,
        "volume": volume,
    }


def assert_same(candles: Candles, data: Columns) -> None:
    for f in FIELDS:
        np.testing.assert_array_equal(getattr(candles, f), data[f], err_msg=f)


@_SETTINGS
@given(data=valid_columns(), order=st.permutations(FIELDS), iso=st.booleans())
def test_valid_candles_round_trip_through_the_csv_module(
    tmp_path_factory: pytest.TempPathFactory, data: Columns, order: list[str], iso: bool
) -> None:
    assert_same(Candles(**data), data)
    stamp = (lambda t: str(np.datetime64(t, "ms"))) if iso else str
    rows = [
        [stamp(int(data[f][k])) if f == "timestamp" else repr(float(data[f][k])) for f in order]
        for k in range(len(data["timestamp"]))
    ]
    path = write_csv(tmp_path_factory.mktemp("csv") / "ok.csv", rows, tuple(order))
    assert_same(load_csv(path), data)


@_SETTINGS
@given(
    data=valid_columns(),
    order=st.permutations(FLOAT_FIELDS),
    index=st.sampled_from(["dates", "utc", "ms"]),
)
def test_valid_candles_round_trip_through_pandas_to_csv(
    tmp_path_factory: pytest.TempPathFactory, data: Columns, order: list[str], index: str
) -> None:
    pd = pytest.importorskip("pandas")
    frame = pd.DataFrame({f: data[f] for f in order})
    dates = pd.to_datetime(data["timestamp"], unit="ms")
    frame.index = {"dates": dates, "utc": dates.tz_localize("UTC"), "ms": data["timestamp"]}[index]
    path = tmp_path_factory.mktemp("pandas") / "ok.csv"
    frame.to_csv(path)  # an unnamed first column: the index
    assert_same(load_csv(path), data)


_CORRUPT: dict[str, object] = {
    "nan": float("nan"),
    "inf": float("inf"),
    "none": None,
    "str": "1.5",
    "int-2**64": 2**64,
}


@_SETTINGS
@given(
    data=valid_columns(min_size=51, max_size=60),
    field=st.sampled_from(FIELDS),
    kind=st.sampled_from([*_CORRUPT, "rule"]),
    where=st.floats(0.0, 1.0, exclude_max=True),
)
def test_one_corrupted_value_is_reported_at_its_index_by_candles_and_streaming(
    data: Columns, field: str, kind: str, where: float
) -> None:
    n = len(data["timestamp"])
    k = max(1, int(where * n))  # the streaming detector is seeded with the candles before k
    lists = as_lists(data)
    if kind != "rule":
        lists[field][k] = _CORRUPT[kind]
    elif field == "timestamp":
        lists[field][k] = lists[field][k - 1]
    elif field in RELATION_FIELDS:
        broken_relation(lists, field, k)
    else:  # open or close beyond the wicks: high or low breaks, at k
        lists[field][k] = lists["high"][k] + 1.0 if field == "open" else lists["low"][k] - 1.0

    message = refused(lambda: Candles(**lists), ValueError, f"at index {k}")
    assert message.startswith(f"`{field}`") or kind == "rule", message

    stream = StreamingDetector(window=60)
    stream.seed(Candles(**{f: v[:k] for f, v in data.items()}, symbol="SYM", min_candles=0))
    candle = tuple(lists[f][k] for f in FIELDS)
    streamed = refused(lambda: stream.update("SYM", candle), ValueError)
    assert streamed == f"SYM: {message}"  # the same rule, the same message


@_SETTINGS
@given(
    data=valid_columns(),
    field=st.sampled_from(FIELDS),
    text=st.sampled_from(["x", "", "nan", "--1"]),
    where=st.floats(0.0, 1.0, exclude_max=True),
    order=st.permutations(FIELDS),
)
def test_one_corrupted_csv_cell_is_reported_at_its_line_and_column(
    tmp_path_factory: pytest.TempPathFactory,
    data: Columns,
    field: str,
    text: str,
    where: float,
    order: list[str],
) -> None:
    n = len(data["timestamp"])
    k = int(where * n)
    rows = [[str(data[f][j].item()) for f in order] for j in range(n)]
    rows[k][order.index(field)] = text
    path = write_csv(tmp_path_factory.mktemp("csv") / "bad.csv", rows, tuple(order))
    needle = f"line {k + 2}, column {order.index(field) + 1}: `{field}`"
    refused(lambda: load_csv(path), ValueError, str(path), needle, f"at index {k}")
