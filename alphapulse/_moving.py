"""Running sums, first-order recurrences and window extremes along the candle axis, numpy only.

Arrays are 2-D `(rows, width)`, one row a symbol, candles along the last axis, C-contiguous, and
results are FULL width: column t holds the value for candle t once t is past the lookback, and
garbage before (callers overwrite the warm-up with NaN). That convention is what makes the code
fast, because of how numpy spends its time here:

* A shift along the candle axis is done on the FLAT row-major view, `flat[s:] op flat[:-s]`: one
  contiguous loop, about 4x faster than the same op on 2-D column slices (`x[:, s:]`), which numpy
  cannot coalesce. Windows that cross from one row into the next only land in warm-up columns.
* `np.cumsum` is latency-bound (~4 ns an element on any axis or layout) while an elementwise ufunc
  costs 0.3-0.8 ns. A complex128 cumsum costs the same per element but adds two independent lanes,
  so `Scan` keeps its series in pairs (real and imaginary parts) and prefix-sums them all in one
  call: half the price, and the very same additions as two real cumsums.
* A first-order recurrence `y[t] = a*y[t-1] + g*x[t]` with a constant `0 < a < 1` is a cumsum in
  disguise: `y[t] = a**t * cumsum(g * x * a**-t)[t]`. The terms grow like `a**-t` and each partial
  sum is dominated by its newest terms, so the rounding error stays a fixed multiple of
  `eps / (1 - a)` relative to y: no log-step scan is needed. To keep `a**-t` finite the candle axis
  is cut into chunks with `a**-chunk <= e**EXP_MAX`, each chunk continuing from the end of the
  previous one (the carry `a**(r+1) * y_end`), exact to `a**chunk <= e**-EXP_CARRY` because by then
  the chunk before is forgotten.
* Window sums are differences of chunk-local prefix sums, so their rounding error grows with the
  chunk, not the series; a window straddling two chunks adds the previous chunk's total.
* A variance from sums of x and x**2 cancels catastrophically (both are ~ mean**2: the one-pass
  formula loses 1e-9 at 50,000-dollar prices). TA-Lib 0.8 anchors its running sums near
  the window and reseeds them; `anchored_moments` anchors each short block at its first value and
  restarts the prefix sums there (see its docstring).
* Window extremes: log-step `np.maximum` passes up to 32 values, van Herk/Gil-Werman beyond.
* Boolean-mask writes (`np.where`, `np.putmask`, `copyto(where=)`) cost ten elementwise ops; the
  code uses arithmetic instead (`maximum(total, tiny)`, multiplying by 0 or 1).
* No op reads memory it did not write: `np.empty` hands back old bits, and arithmetic on a
  denormal costs ~100 times a normal one.
* Fresh memory costs a page fault per 4 KiB on first touch (~4 us here, in a VM): the ~30 MB of
  scratch of a 100-symbol call, trimmed back to the OS after each call, cost more than the
  computation. `Workspace` keeps scratch arrays per thread between calls instead.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

Float = NDArray[np.float64]
Index = NDArray[np.intp]

# Largest exponent a chunk may span: a**-r <= e**300 ~ 2e130 keeps inputs up to ~1e170 finite.
EXP_MAX = 300.0
# Smallest exponent a chunk must span when there are several: a**chunk <= e**-40 ~ 4e-18.
EXP_CARRY = 40.0
# Chunk of a scan with no recurrence: one chunk at the usual lengths, bounded prefix sums beyond.
PREFIX_CHUNK = 4096
# Block of `anchored_moments`: deviations are taken from the first value of each block of candles
# (at least the window): short, so the anchor is never far from the window it serves.
MOMENT_BLOCK = 50


@dataclass(frozen=True)
class Recurrence:
    """`y[start] = mean(x[seed_from : start + 1])`, then `y[t] = a * y[t-1] + gain * x[t]`.

    This is TA-Lib's seeding: EMA (`a = (p-1)/(p+1)`, seed = average of the first `p` values) and
    Wilder's smoothing (`a = (p-1)/p`, seed = average of the first `p` gains or true ranges).
    Columns are those of the scan; `start` must lie in its first chunk.
    """

    a: float
    gain: float
    seed_from: int
    start: int

    @property
    def decay(self) -> float:
        """ln(1/a): how fast old values fade, which bounds the chunk length."""
        return -math.log(self.a)


def ema_recurrence(period: int, seed_from: int = 0) -> Recurrence:
    """TA-Lib's EMA: `k = 1 - beta` with `beta = (p-1)/(p+1)`, seeded by the average of p values."""
    beta = (period - 1) / (period + 1)
    k = 1.0 - beta
    return Recurrence(a=1.0 - k, gain=k, seed_from=seed_from, start=seed_from + period - 1)


def wilder_recurrence(period: int) -> Recurrence:
    """TA-Lib's Wilder smoothing of values 1..n (beta = (p-1)/p): seed = average of 1..p, at p."""
    beta = (period - 1) / period
    return Recurrence(a=beta, gain=1.0 - beta, seed_from=1, start=period)


def chunk_length(
    n: int, recurrences: Sequence[Recurrence], longest_window: int, multiple: int = 1
) -> int:
    """Chunk length for a scan of `n` columns (a multiple of `multiple`), or 0 if none suits.

    One chunk when `n` fits (nothing to carry). Otherwise the chunks must be short enough for the
    fastest decay (no overflow) and long enough for the slowest (negligible carry), the longest
    window and the latest seed.
    """
    need = max([longest_window, *(r.start + 1 for r in recurrences)])
    if recurrences:
        longest = int(EXP_MAX / max(r.decay for r in recurrences))
    else:
        longest = max(PREFIX_CHUNK, need)
    single = -(-max(n, 1) // multiple) * multiple
    if single <= longest:
        return single
    count = -(-n // longest)
    chunk = max(-(-n // count), need)
    chunk = -(-chunk // multiple) * multiple
    if chunk > longest:
        chunk = longest // multiple * multiple
    if chunk < need or (recurrences and chunk * min(r.decay for r in recurrences) < EXP_CARRY):
        return 0
    return chunk


@lru_cache(maxsize=256)
def _weights(rec: Recurrence, chunk: int, count: int) -> tuple[Float, Float, Float]:
    """(input weight of every column, output weight a**r, carry weight a**(r+1)), read-only.

    The seed window gets `a**-start / length`, so that after the cumsum and `a**start` the seed is
    the plain average of the window, as TA-Lib computes it.
    """
    r = np.arange(chunk, dtype=np.float64)
    w_out = np.power(rec.a, r)
    w_carry = w_out * rec.a
    w_in = np.tile(rec.gain * np.power(rec.a, -r), count)
    w_in[: rec.start + 1] = 0.0
    seed_weight = rec.a ** -float(rec.start) / (rec.start + 1 - rec.seed_from)
    w_in[rec.seed_from : rec.start + 1] = seed_weight
    for w in (w_in, w_out, w_carry):
        w.flags.writeable = False
    return w_in, w_out, w_carry


@lru_cache(maxsize=64)
def newest_weights(rec: Recurrence, n: int) -> Float:
    """Weights `w` (n values, read-only) such that `x @ w` is the recurrence `rec` of `x` (n
    columns, from column 0) at its last column, n - 1: the recurrence unrolled.

    Each value of the seed window weighs `a**(n-1-start) / (window length)`, each later value
    `gain * a**(its age)`, nothing before the window. For the newest value only, one weighted sum
    replaces the scan. A weight under 1e-300 is set to 0: the value is forgotten either way, and a
    denormal weight would make every product with it some 100 times slower.
    """
    w = np.zeros(n)
    if n > rec.start:
        ages = np.arange(n - 2 - rec.start, -1, -1, dtype=np.float64)  # of columns start+1..n-1
        w[rec.start + 1 :] = rec.gain * np.power(rec.a, ages)
        w[rec.seed_from : rec.start + 1] = rec.a ** float(n - 1 - rec.start) / (
            rec.start + 1 - rec.seed_from
        )
        w[w < 1e-300] = 0.0
    w.flags.writeable = False
    return w


@lru_cache(maxsize=64)
def _doubled_weights(rec: Recurrence, chunk: int, count: int) -> Float:
    """Input weights of `rec` each repeated twice, for the two lanes of a pair, read-only."""
    w = np.repeat(_weights(rec, chunk, count)[0], 2)
    w.flags.writeable = False
    return w


@lru_cache(maxsize=64)
def _straddle_index(width: int, chunk: int, period: int) -> tuple[Index, Index]:
    """Columns whose window of `period` straddles two chunks, and the previous chunk's number."""
    starts = np.arange(chunk, width, chunk)
    cols = (starts[:, None] + np.arange(period)).ravel()
    prev = np.repeat(np.arange(len(starts)), period)
    for a in (cols, prev):
        a.flags.writeable = False
    return cols, prev


class Workspace:
    """Scratch arrays reused between calls, one set per thread (see the module docstring).

    `get(name, shape)` returns a view of a buffer kept under `name`, grown when a call needs more
    and otherwise reused, so calls of alternating sizes do not reallocate. The contents are
    garbage: callers write before they read. Buffers over `limit` bytes are not kept.
    """

    def __init__(self, limit: int = 1 << 27) -> None:
        self.limit = limit
        self._buffers: dict[str, Float] = {}

    def get(self, name: str, shape: tuple[int, ...]) -> Float:
        """A `shape` view of the buffer kept under `name`, grown first if it is too small."""
        size = math.prod(shape)
        buf = self._buffers.get(name)
        if buf is None or buf.size < size:
            buf = np.empty(size)
            if buf.nbytes <= self.limit:
                self._buffers[name] = buf
        return buf[:size].reshape(shape)


_local = threading.local()


def workspace() -> Workspace:
    """This thread's workspace."""
    ws: Workspace | None = getattr(_local, "workspace", None)
    if ws is None:
        ws = _local.workspace = Workspace()
    return ws


class Scan:
    """Several series of one shape, prefix-summed together along the candle axis in one cumsum.

    Lanes are `(rows, width)` views, `width` = a whole number of chunks >= n (callers pad their
    inputs to it). Fill them (`lane`, `flat`, `load`, `weigh`), call `run()`, then read window sums
    (`window_sum`) and recurrences (`solve`), all full width. After `run()` a lane holds the
    chunk-local prefix sums of what was written.
    """

    def __init__(
        self,
        rows: int,
        n: int,
        lanes: int,
        chunk: int,
        workspace: Workspace | None = None,
        name: str = "scan",
    ) -> None:
        self.rows = rows
        self.chunk = chunk
        self.count = max(-(-n // chunk), 1)
        self.width = self.count * chunk
        pairs = (lanes + 1) // 2
        shape = (pairs, rows, self.width, 2)
        # Lane k is [k // 2, :, :, k % 2]; reshapes of the contiguous buffer are always views.
        # From a workspace the lanes hold old values: the caller must write every one in full.
        self._buf = np.zeros(shape) if workspace is None else workspace.get(name, shape)
        self._grid = self._buf.reshape(pairs, rows, self.count, chunk, 2)
        self._pairs = self._buf.reshape(pairs * rows, self.count, chunk * 2).view(np.complex128)
        self._flat = self._buf.reshape(pairs, rows * self.width, 2)

    def lane(self, k: int) -> Float:
        """Lane `k` as a writable `(rows, width)` view (zero until written)."""
        return self._buf[k // 2, :, :, k % 2]

    def flat(self, k: int) -> Float:
        """Lane `k` as a writable 1-D view, rows end to end (for shifts along the candle axis)."""
        return self._flat[k // 2, :, k % 2]

    def load(self, k: int, x: Float, rec: Recurrence) -> None:
        """Write `x` (rows, width) into lane `k`, weighted for the recurrence `rec`."""
        np.multiply(x, _weights(rec, self.chunk, self.count)[0], out=self.lane(k))

    def weigh(self, k: int, rec: Recurrence) -> None:
        """Weight lane `k`, already holding the inputs, for the recurrence `rec`."""
        lane = self.lane(k)
        lane *= _weights(rec, self.chunk, self.count)[0]

    def weigh_pair(self, k: int, rec: Recurrence) -> None:
        """Weight lanes `k` and `k + 1` (k even) for one recurrence, in one contiguous op.

        (A `(width, 1)` weight broadcast over the pair axis would make numpy loop two values at a
        time; the weights repeated in pairs keep one long inner loop.)
        """
        pair = self._buf[k // 2].reshape(self.rows, 2 * self.width)
        pair *= _doubled_weights(rec, self.chunk, self.count)

    def run(self) -> None:
        """Prefix-sum every lane within each chunk, two lanes per complex cumsum."""
        np.add.accumulate(self._pairs, axis=-1, out=self._pairs)  # np.cumsum without its wrappers

    def window_sum(self, k: int, period: int, out: Float) -> Float:
        """Sum of lane `k` over the `period` values ending at each column `t >= period - 1`."""
        of = out.reshape(-1)
        lf = self._flat[k // 2, :, k % 2]
        np.subtract(lf[period:], lf[:-period], out=of[period:])
        of[:period] = lf[:period]  # never leave memory unwritten: old bits may be slow denormals
        lane = self.lane(k)
        if self.rows > 1:  # column period - 1 of the other rows: the flat difference crossed rows
            out[:, period - 1] = lane[:, period - 1]
        if self.count > 1:
            cols, prev = _straddle_index(self.width, self.chunk, period)
            out[:, cols] += lane[:, self.chunk - 1 :: self.chunk][:, prev]
        return out

    def solve(self, k: int, rec: Recurrence, out: Float) -> Float:
        """The recurrence `rec` of lane `k` into `out` (rows, width), valid from `rec.start`."""
        _, w_out, w_carry = _weights(rec, self.chunk, self.count)
        grid = out.reshape(self.rows, self.count, self.chunk)
        np.multiply(self._grid[k // 2, :, :, :, k % 2], w_out, out=grid)
        if self.count > 1:
            grid[:, 1:, :] += w_carry * grid[:, :-1, -1:]
        return out


def pad(x: Float, width: int) -> Float:
    """`x` (rows, n) widened to `width` columns by repeating each row's last value."""
    if x.shape[1] == width:
        return x
    out = np.empty((x.shape[0], width))
    out[:, : x.shape[1]] = x
    out[:, x.shape[1] :] = x[:, -1:]
    return out


@lru_cache(maxsize=64)
def fading(a: float, start: int, width: int) -> Float:
    """0 before column `start`, then a**0, a**1, ...: how a seed correction fades, read-only."""
    out = np.zeros(width)
    out[start:] = np.power(a, np.arange(width - start, dtype=np.float64))
    out.flags.writeable = False
    return out


def shift_sum3(x: Float, out: Float) -> Float:
    """x[t-2] + x[t-1] + x[t] into `out` (full width, valid from column 2): TA-Lib's SMA-3 sum.

    The first window comes out bit for bit as TA-Lib's running total ((x0 + x1) + x2).
    """
    xf, of = x.reshape(-1), out.reshape(-1)
    np.add(xf[1:-1], xf[:-2], out=of[2:])
    of[2:] += xf[2:]
    of[:2] = 0.0
    return out


# Windows up to this length use log-step passes of np.maximum; longer ones van Herk/Gil-Werman.
# numpy's ufunc.accumulate is not vectorised (~4-6 ns an element against ~0.4 for an elementwise
# maximum), so up to 5 passes are cheaper than the 4 accumulations of the O(N) algorithm.
_DOUBLING_MAX_WINDOW = 32


def window_max(x: Float, window: int, out: Float, scratch: Float, *, lowest: bool = False) -> Float:
    """Maximum (with `lowest`, minimum) of the `window` values ending at each column, into `out`.

    Full width, valid from column `window - 1`. Short windows: ceil(log2(window)) passes of
    `np.maximum` on shifted flat views (a sparse table: after the pass of span s each value covers
    2s candles). Long windows: van Herk/Gil-Werman, prefix and suffix maxima within blocks of
    `window` values, O(N) whatever the window. An extreme never rounds, so both are exact.
    `scratch` is shaped like `x` (the passes alternate between it and `out`).
    """
    op = np.minimum if lowest else np.maximum
    rows, width = x.shape
    if window <= _DOUBLING_MAX_WINDOW:
        shifts: list[int] = []
        span = 1
        while 2 * span <= window:
            shifts.append(span)
            span *= 2
        if span < window:
            shifts.append(window - span)
        src = x.reshape(-1)
        # Alternate so that the last pass lands in `out`.
        targets = [out.reshape(-1), scratch.reshape(-1)]
        if len(shifts) % 2 == 0:
            targets.reverse()
        for i, shift in enumerate(shifts):
            dst = targets[i % 2]
            dst[:shift] = src[:shift]
            op(src[shift:], src[:-shift], out=dst[shift:])
            src = dst
        if not shifts:
            np.copyto(out, x)
        return out
    blocks = -(-width // window)
    padded = np.full((rows, blocks * window), np.inf if lowest else -np.inf)
    padded[:, :width] = x
    grid = padded.reshape(rows, blocks, window)
    prefix = op.accumulate(grid, axis=2).reshape(rows, -1)[:, :width]
    suffix = op.accumulate(grid[:, :, ::-1], axis=2)[:, :, ::-1].reshape(rows, -1)
    out[:, : window - 1] = prefix[:, : window - 1]
    op(suffix[:, : width - window + 1], prefix[:, window - 1 :], out=out[:, window - 1 :])
    return out


def moment_block(period: int) -> int:
    """Anchor block for windows of `period`: every window then spans at most two blocks."""
    return max(period, MOMENT_BLOCK)


def anchors(x: Float, block: int, out: Float) -> Float:
    """Each column's anchor into `out`: x at the first column of its block (width a multiple)."""
    rows, width = x.shape
    grid = out.reshape(rows, width // block, block)
    grid[...] = x.reshape(rows, width // block, block)[:, :, :1]
    return out


@lru_cache(maxsize=64)
def _tail_counts(width: int, block: int, period: int) -> Float:
    """How many values of the window ending at each column lie in the previous block, read-only."""
    out = np.maximum(period - 1 - np.arange(width) % block, 0).astype(np.float64)
    out.flags.writeable = False
    return out


def block_window_sum(scan: Scan, k: int, period: int, out: Float) -> Float:
    """Window sums of lane `k` for a scan whose chunks are short blocks (prefix sums restart).

    A window that starts in the previous block (the first `period` columns of each block) adds
    that block's total: one broadcast add on a (rows, blocks, period) view, no fancy indexing.
    """
    rows, width = out.shape
    block = scan.chunk
    prefix, pf, of = scan.lane(k), scan.flat(k), out.reshape(-1)
    np.subtract(pf[period:], pf[:-period], out=of[period:])
    of[:period] = pf[:period]
    out[:, period - 1] = prefix[:, period - 1]
    grid = out.reshape(rows, width // block, block)
    grid[:, 1:, :period] += prefix.reshape(rows, width // block, block)[:, :-1, -1:]
    return out


def anchored_moments(
    scan: Scan,
    dev: int,
    anchor: Float,
    period: int,
    out1: Float,
    out2: Float | None,
    scratch: Float,
) -> None:
    """Window sums of `x - anchor(t)` (and of its square into `out2`), for SMA and variance.

    Lane `dev` of `scan` holds `d = x - anchor` and lane `dev + 1` holds `d**2` (`anchors`), and
    the scan's chunks ARE the anchor blocks, so its prefix sums restart at every block. `d` lives
    at the scale of the moves within a block or two, not of the price, and no sum carries the
    rounding of older blocks: `s2/p - (s1/p)**2` keeps its digits even for a quiet window after a
    volatile stretch (TA-Lib 0.8 anchors and reseeds its running sums for the same reason).

    A window that starts in the previous block holds `count` values anchored there, summing to
    `tail`. Moving them by `delta` = previous anchor - anchor gives `s1 + count*delta` and
    `s2 + delta*(2*tail + count*delta)`; `delta` is 0 wherever the window lies in one block, and
    so is the correction. All in flat, full-width ops. `scratch`: (3, rows, width).
    """
    counts = _tail_counts(anchor.shape[1], scan.chunk, period)
    delta, moved, tail = scratch
    af, df = anchor.reshape(-1), delta.reshape(-1)
    np.subtract(af[:-period], af[period:], out=df[period:])  # previous anchor - anchor
    delta[:, :period] = 0.0  # a row's first window: one block (and the shift crossed rows)
    np.multiply(delta, counts, out=moved)
    block_window_sum(scan, dev, period, out1)
    if out2 is not None:
        np.subtract(out1, scan.lane(dev), out=tail)  # the window's sum in the previous block
    out1 += moved
    if out2 is None:
        return
    block_window_sum(scan, dev + 1, period, out2)
    tail *= 2.0
    tail += moved
    tail *= delta
    out2 += tail
