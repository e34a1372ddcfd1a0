"""`machine check`: whether this host is the one whose results a machine name holds."""

from __future__ import annotations

from alphapulse_perf.cli.common import EXIT_OK, Scope, UsageError
from alphapulse_perf.cli.options import MachineOptions
from alphapulse_perf.regression.identity import compare_hosts
from alphapulse_perf.report.identity import render_identity
from alphapulse_perf.results import machine_info
from alphapulse_perf.results.host import this_host

__all__ = ["cmd_machine"]


def cmd_machine(args: MachineOptions) -> int:
    where = Scope.of(args)
    results, name = where.results, where.machine
    if not name:
        raise UsageError("machine check: pass --machine NAME (or set machine in the settings)")
    described = results / name / "machine.json"
    if not described.exists() and not described.is_symlink():
        print(f"no results under machine {name!r} in {results} yet: this host will be its first")
        return EXIT_OK
    identity = compare_hosts(name, machine_info(described), this_host())
    text = render_identity(identity)
    if not identity.same:
        raise UsageError(text.rstrip())
    print(text, end="")
    return EXIT_OK
