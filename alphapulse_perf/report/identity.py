"""`machine check`'s answer as text."""

from __future__ import annotations

from alphapulse_perf.regression.identity import Identity

__all__ = ["render_identity"]


def render_identity(identity: Identity) -> str:
    name = identity.machine
    if identity.same:
        lines = [f"this host matches machine {name!r}"]
        if identity.unrecorded:
            lines.append(
                f"  (its machine.json records no {', '.join(identity.unrecorded)}: not compared)"
            )
        return "\n".join(lines) + "\n"
    lines = [f"this host is not the machine {name!r} whose results are stored:"]
    lines += [f"  {d.field}: stored {d.stored!r}, here {d.here!r}" for d in identity.differences]
    lines.append(
        "  its timings would join that machine's series as a step no commit made; file them under"
        " a name of their own (scripts/main.sh: ALPHAPULSE_MACHINE=NAME; asv: --machine NAME)"
    )
    return "\n".join(lines) + "\n"
