"""Facts derived from the git checkout, so nobody types them by hand."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

#: Release tags are calendar versions: '2026.12', '2027.3.1'.
RELEASE_TAGS = "20[0-9][0-9].*"


def _git(root: Path, *args: str, stdin: str | None = None) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None


@dataclass(frozen=True)
class Version:
    """One committed version of a file."""

    commit: str  # full hash
    date: str  # commit date, YYYY-MM-DD
    time: str  # commit time, strict ISO 8601 with its offset (for feeds)
    blob: str  # the file's blob hash at that commit (the cache key of its parsed content)


def file_versions(root: Path, folder: str) -> dict[str, list[Version]]:
    """Every committed version of each file under `folder`, oldest first, by path.

    One `git log --raw` for the whole folder: each commit with the new blob hash of each file it touched,
    so the content of a version is read by its blob hash and a file's cost grows only with its own
    commits. A commit deleting a file ends nothing here: a re-added file continues its list. Files never
    committed are absent; outside a git checkout the result is empty.
    """
    out = _git(root, "log", "--format=%x00%H %cs %cI", "--raw", "--no-abbrev", "--no-renames", "--", folder) or ""
    found: dict[str, list[Version]] = {}
    for entry in out.split("\x00")[1:]:
        head, *lines = entry.strip().splitlines()
        commit, date, time = head.split(" ")
        for line in lines:
            if not line.startswith(":"):
                continue
            meta, _, path = line.partition("\t")
            blob = meta.split(" ")[3]
            if set(blob) != {"0"}:  # all zeros: the commit deleted the file
                found.setdefault(path, []).append(Version(commit, date, time, blob))
    for versions in found.values():
        versions.reverse()
    return found


def read_blobs(root: Path, blobs: list[str]) -> dict[str, str]:
    """The text of each blob, by hash, read by one `git cat-file --batch` for all of them."""
    if not blobs:
        return {}
    try:
        request = ("\n".join(blobs) + "\n").encode()
        run = subprocess.run(["git", "cat-file", "--batch"], cwd=root, input=request, capture_output=True, check=True)
        out = run.stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    texts: dict[str, str] = {}
    position = 0
    while position < len(out):
        end = out.index(b"\n", position)
        blob, kind, *size = out[position:end].decode().split(" ")
        position = end + 1
        if kind == "missing":
            continue
        length = int(size[0])
        texts[blob] = out[position : position + length].decode("utf-8", errors="replace")
        position += length + 1
    return texts


def github_repository(root: Path) -> str | None:
    """'https://github.com/owner/repo' from the checkout's `origin`, when it is on GitHub."""
    remote = (_git(root, "remote", "get-url", "origin") or "").strip()
    match = re.fullmatch(
        r"(?:https://github\.com/|git@github\.com:|ssh://git@github\.com/)([\w.-]+/[\w.-]+?)(?:\.git)?/?", remote
    )
    return f"https://github.com/{match.group(1)}" if match else None


def edit_url(root: Path, branch: str = "main") -> str | None:
    """'https://github.com/owner/repo/edit/main/' from the checkout's `origin`, when it is on GitHub."""
    repository = github_repository(root)
    return f"{repository}/edit/{branch}/" if repository else None


def head_commit(root: Path) -> str | None:
    """The full hash of the checked-out commit; None outside a git checkout."""
    return (_git(root, "rev-parse", "HEAD") or "").strip() or None


def version(root: Path) -> str:
    """The catalogue's version as readers see it.

    At a release, its calendar-version tag ('2026.12'); between releases, the date and short hash of
    the checked-out commit ('2026-11-30 42ba899'); 'unreleased' outside a git checkout.
    """
    tag = (_git(root, "describe", "--tags", "--exact-match", "--match", RELEASE_TAGS, "HEAD") or "").strip()
    return tag or (_git(root, "log", "-1", "--format=%cs %h") or "").strip() or "unreleased"
