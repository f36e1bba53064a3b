"""The Pagefind search index, built over the finished HTML site."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

BUNDLE = "pagefind"


class IndexFailed(RuntimeError):
    pass


_one_at_a_time = threading.Lock()
_queue = threading.Lock()
_waiting: list[Path] = []  # a background run waiting for its turn (at most one)
_running: list[threading.Thread] = []


def build_index(site_dir: Path, low_priority: bool = False) -> None:
    """Index `site_dir` into `site_dir/pagefind`.

    Pagefind adds files to its output folder but never removes any, so the old
    bundle is deleted first: otherwise fragments of removed pages would stay
    searchable. The binary comes from the `pagefind[bin]` package. `low_priority`:
    run it with `nice`, so the work a reader waits for goes first.
    """
    shutil.rmtree(site_dir / BUNDLE, ignore_errors=True)
    nice = ["nice", "-n", "10"] if low_priority and shutil.which("nice") else []
    run = subprocess.run(
        [
            *nice,
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(site_dir),
            "--output-subdir",
            BUNDLE,
            "--force-language",
            "en",
            "--quiet",
        ],
        capture_output=True,
        text=True,
    )
    if run.returncode != 0:
        raise IndexFailed(f"Pagefind could not index {site_dir}:\n{run.stdout}{run.stderr}")


def build_index_in_background(site_dir: Path) -> None:
    """Index `site_dir` in a thread, at low priority (under `mkdocs serve`: the edited page shows at once,
    search catches up). Runs take turns, so two never write the same bundle, and a run still waiting
    for its turn stands for any later request: it indexes the newest pages when it starts. A failure is
    printed, as serve prints any problem."""
    with _queue:
        if _waiting:
            return
        _waiting.append(site_dir)

    def run() -> None:
        with _one_at_a_time:
            with _queue:
                _waiting.clear()
            try:
                build_index(site_dir, low_priority=True)
            except IndexFailed as failed:
                print(failed, file=sys.stderr)

    _running[:] = [t for t in _running if t.is_alive()]
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    _running.append(thread)


def wait() -> None:
    """Wait for background indexing to finish."""
    for thread in _running:
        thread.join()
