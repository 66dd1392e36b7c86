"""How many Bot API calls the double checked in this test run (summed across xdist workers)."""

from __future__ import annotations

CHECKED = {"calls": 0, "invalid": 0, "tests": 0}
