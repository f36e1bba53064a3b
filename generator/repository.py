"""Facts derived from the git checkout, so nobody types them by hand."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path


def _git(root: Path, *args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


def last_changed(root: Path, folder: str) -> dict[str, str]:
    """Date (YYYY-MM-DD) of the latest commit touching each file under `folder`, by path.

    One `git log` for the whole folder, newest first, so the first date seen
    for a file is its latest. Files never committed are absent; outside a git
    checkout the result is empty.
    """
    out = _git(root, "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", folder) or ""
    dates: dict[str, str] = {}
    for entry in out.split("\x00")[1:]:
        date, *names = entry.strip().splitlines()
        for name in names:
            dates.setdefault(name, date)
    return dates


def edit_url(root: Path, branch: str = "main") -> str | None:
    """'https://github.com/owner/repo/edit/main/' from the checkout's `origin`, when it is on GitHub."""
    remote = (_git(root, "remote", "get-url", "origin") or "").strip()
    match = re.fullmatch(
        r"(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([\w.-]+/[\w.-]+?)(?:\.git)?/?", remote
    )
    return f"https://github.com/{match.group(1)}/edit/{branch}/" if match else None


def version(root: Path) -> str:
    """The catalogue's version as readers see it: the date and short hash of the checked-out commit,
    e.g. '2026-11-30 42ba899'; 'unreleased' outside a git checkout. (Release tags may extend this.)"""
    return (_git(root, "log", "-1", "--format=%cs %h") or "").strip() or "unreleased"
