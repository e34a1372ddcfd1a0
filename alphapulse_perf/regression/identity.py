"""Whether this host is the one a machine name's results were measured on.

asv files timings under any machine name it is given, so two hosts' timings become one series with
a step that no commit made. A name's `machine.json` (asv writes it from the host's description)
is compared with this host's: the CPU model, the number of CPUs, the architecture and the
operating system must be the same, the memory within a tenth. The kernel's release may move (an
update does not make another machine); the host name is not compared (containers rename it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["COMPARED", "Difference", "Identity", "compare_hosts"]

COMPARED = ("cpu", "num_cpu", "arch", "os", "ram")
RAM_TOLERANCE = 0.10


@dataclass(frozen=True)
class Difference:
    field: str
    stored: str
    here: str


@dataclass(frozen=True)
class Identity:
    """The comparison of a stored machine description with this host's."""

    machine: str
    differences: tuple[Difference, ...]
    unrecorded: tuple[str, ...]  # fields the stored description lacks: nothing to compare

    @property
    def same(self) -> bool:
        return not self.differences


def _system(os_name: str) -> str:
    """`Linux 6.1.0-18-amd64` -> `Linux`: the release changes with every kernel update."""
    return os_name.split(" ", 1)[0]


def _ram_close(stored: str, here: str) -> bool:
    try:
        a, b = float(stored), float(here)
    except ValueError:
        return stored == here  # not asv's number of bytes: only equal text is the same
    return abs(a - b) <= RAM_TOLERANCE * max(a, b)


def compare_hosts(machine: str, stored: Mapping[str, str], here: Mapping[str, str]) -> Identity:
    """`stored` (a machine.json) against `here` (this host, as asv describes it)."""
    differences = []
    unrecorded = []
    for name in COMPARED:
        if name not in stored:
            unrecorded.append(name)
            continue
        old, new = stored[name], here.get(name, "")
        if name == "os":
            same = _system(old) == _system(new)
        elif name == "ram":
            same = _ram_close(old, new)
        else:
            same = old == new
        if not same:
            differences.append(Difference(name, old, new))
    return Identity(machine, tuple(differences), tuple(unrecorded))
