"""This host, described the way asv describes it in a machine.json."""

from __future__ import annotations

from alphapulse_perf._asv import from_asv

__all__ = ["this_host"]


def this_host() -> dict[str, str]:
    """asv's description of this host: machine (host name), os, arch, cpu, num_cpu, ram."""
    machine = from_asv("asv.machine", "Machine")
    return {key: str(value) for key, value in machine.get_defaults().items()}
