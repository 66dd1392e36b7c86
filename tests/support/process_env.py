"""The environment for a `shopkeeps` child process: ours, minus any SHOPKEEPS_ setting."""

from __future__ import annotations

import os


def shopkeeps_env(**values: str) -> dict[str, str]:
    """Only the settings a test names reach the process (a developer's own are left out)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPKEEPS_")}
    return env | {f"SHOPKEEPS_{k}": v for k, v in values.items()}
