"""Cold start: a fresh interpreter imports alphapulse and detects once (what a new worker pays)."""

from __future__ import annotations

from benchmarks.common import api, candles, on_cpu

# Untimed setup of the fresh interpreter: 1,000 hourly candles as plain lists, built without
# numpy or alphapulse so that their imports stay inside the timed statement.
_LISTS = """
import random
rng = random.Random(0)
ts, o, h, l, c, v = [], [], [], [], [], []
price = 50_000.0
for k in range(1000):
    close = price * (1.0 + rng.gauss(0.0, 0.004))
    ts.append(1_704_067_200_000 + k * 3_600_000)
    o.append(price)
    h.append(max(price, close) * (1.0 + abs(rng.gauss(0.0, 0.002))))
    l.append(min(price, close) * (1.0 - abs(rng.gauss(0.0, 0.002))))
    c.append(close)
    v.append(1_000.0 * (1.0 + abs(rng.gauss(0.0, 0.5))))
    price = close
"""


class ColdStart:
    """Each sample is a new process; `import alphapulse` is inside the timed statement."""

    version = "1"
    repeat = (5, 10, 10.0)
    number = 1

    def setup(self) -> None:
        # Checked in this process, so that a commit without these APIs skips instead of failing
        # inside the timed interpreter.
        api("alphapulse", "detect")
        api("alphapulse", "Candles")

    def timeraw_import(self) -> str:
        return "import alphapulse"

    def timeraw_import_and_first_detect(self) -> tuple[str, str]:
        return (
            "import alphapulse as ap; ap.detect(ap.Candles(ts, o, h, l, c, v, 'BTCUSDT'))",
            _LISTS,
        )


class WarmStart:
    """The same detection in a warm process, to read beside the cold figure."""

    version = "1"
    rounds = 2
    repeat = (3, 10, 1.0)

    def setup(self) -> None:
        self.detect = api("alphapulse", "detect")
        self.candles = candles("BTCUSDT", 1_000)

    @on_cpu(version="2")
    def time_detect(self) -> None:
        self.detect(self.candles)
