"""The parts of asv the checker reuses, imported on first use.

asv is the `perf` extra: `report` and the profile commands work without it, so it is imported
only when a statistic or a fit is needed, and its absence is a clear error, not a traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__all__ = ["AsvMissing", "environment_spec", "from_asv"]


class AsvMissing(RuntimeError):
    """asv (or the part of it the helper reuses) cannot be imported."""


def from_asv(module: str, name: str) -> Any:
    """`module.name` of asv (pinned: asv==0.6.6), e.g. `from_asv("asv.step_detect", ...)`."""
    try:
        found = getattr(importlib.import_module(module), name)
    except ImportError as err:
        raise AsvMissing(
            f"{module}.{name} cannot be imported ({err}): the check and trend reuse asv's"
            " statistics; install them with `pip install 'alphapulse[perf]'`"
        ) from None
    except AttributeError:
        raise AsvMissing(
            f"this asv has no {module}.{name}: install the pinned one (`pip install asv==0.6.6`)"
        ) from None
    return found


def environment_spec(environment_type: str) -> str:
    """asv's `-E` for the running interpreter (`virtualenv:3.12`): asv.conf.json's `pythons`
    names one version, and on a machine with another one asv would select no environment."""
    return f"{environment_type}:{sys.version_info.major}.{sys.version_info.minor}"
