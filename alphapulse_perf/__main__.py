"""`python -m alphapulse_perf` is `alphapulse-perf`."""

from __future__ import annotations

import sys

from alphapulse_perf.cli import main

sys.exit(main())
