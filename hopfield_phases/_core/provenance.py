"""Provenance of every output: version, git commit, seed, date, command.

``git_commit()`` is the commit of the source checkout the package runs from (``+dirty`` when
tracked files are modified); for an installed package without a checkout it is
``"installed-<version>"``.
"""

from __future__ import annotations

import datetime as _dt
import platform
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

__all__ = ["version", "git_commit", "provenance", "utc_now"]

# the repository root when running from a checkout (the folder holding pyproject.toml)
_PKG = Path(__file__).resolve().parent.parent
_CHECKOUT = _PKG.parent if (_PKG.parent / "pyproject.toml").is_file() else None


def version() -> str:
    from hopfield_phases import __version__

    return __version__


@lru_cache(maxsize=1)
def git_commit() -> str:
    """Commit of the checkout (``+dirty`` if modified), or ``installed-<version>``."""
    if _CHECKOUT is None or not (_CHECKOUT / ".git").exists():
        return f"installed-{version()}"
    try:
        commit = subprocess.run(["git", "-C", str(_CHECKOUT), "rev-parse", "HEAD"],
                                capture_output=True, text=True, timeout=5).stdout.strip()
        if not commit:
            return f"installed-{version()}"
        dirty = subprocess.run(["git", "-C", str(_CHECKOUT), "status", "--porcelain",
                                "--untracked-files=no"], capture_output=True, text=True,
                               timeout=5).stdout.strip()
        return commit + ("+dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        return f"installed-{version()}"


def utc_now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


def provenance(command: str | None = None, seed: int | None = None, **extra) -> dict:
    """The provenance record written next to every dataset, sweep and figure."""
    import numpy as np

    record = {
        "command": command if command is not None else " ".join(["hopfield-phases", *sys.argv[1:]]),
        "version": version(),
        "git_commit": git_commit(),
        "seed": seed,
        "date": utc_now(),
        "python": platform.python_version(),
        "numpy": np.__version__,
    }
    record.update(extra)
    return record
