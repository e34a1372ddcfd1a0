"""Store this host's description under a machine name, as asv's own `asv machine` would.

`asv machine --yes --machine NAME` keeps only the options that differ from this host's defaults,
so for a NAME other than the host name it records no description at all (no cpu, cores, memory
or OS) and every result filed under NAME carries none. This writes asv's defaults for this host
under NAME with asv's own calls, into `~/.asv-machine.json`.

    python -m scripts.asv_machine NAME
"""

from __future__ import annotations

import sys
from pathlib import Path

from asv.machine import MachineCollection

from alphapulse_perf.results.host import this_host


def save(name: str, path: Path | None = None) -> None:
    """This host's description (the one `machine check` compares with) under `name`, in asv's
    machine file (or `path`)."""
    info = {**this_host(), "machine": name}
    MachineCollection.save(name, info, _path=None if path is None else str(path))


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not args[0].strip():
        print("usage: python -m scripts.asv_machine NAME", file=sys.stderr)
        return 2
    save(args[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
