"""Dates derived from git history, so nobody types them by hand."""
from __future__ import annotations

import subprocess
from pathlib import Path


def last_changed(root: Path, folder: str) -> dict[str, str]:
    """Date (YYYY-MM-DD) of the latest commit touching each file under `folder`, by path.

    One `git log` for the whole folder, newest first, so the first date seen
    for a file is its latest. Files never committed are absent; outside a git
    checkout the result is empty.
    """
    try:
        out = subprocess.run(
            ["git", "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", folder],
            cwd=root, capture_output=True, text=True, check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    dates: dict[str, str] = {}
    for entry in out.split("\x00")[1:]:
        date, *names = entry.strip().splitlines()
        for name in names:
            dates.setdefault(name, date)
    return dates
