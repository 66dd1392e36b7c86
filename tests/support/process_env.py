"""The environment for a `shopkeeps` child process: ours, minus any SHOPKEEPS_ setting."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def shopkeeps_env(**values: str) -> dict[str, str]:
    """Only the settings a test names reach the process (a developer's own are left out)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPKEEPS_")}
    return env | {f"SHOPKEEPS_{k}": v for k, v in values.items()}


def shopkeeps_command(*args: str) -> list[str]:
    """`shopkeeps ARGS` as the installed console script, which systemd and the container run
    (`python -m bot` where the package is not installed)."""
    script = Path(sys.executable).with_name("shopkeeps")
    if script.exists():
        return [str(script), *args]
    return [sys.executable, "-m", "bot", *args]
