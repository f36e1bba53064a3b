"""The Pagefind search index, built over the finished HTML site."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

BUNDLE = "pagefind"


class IndexFailed(RuntimeError):
    pass


def build_index(site_dir: Path) -> None:
    """Index `site_dir` into `site_dir/pagefind`.

    Pagefind adds files to its output folder but never removes any, so the old
    bundle is deleted first: otherwise fragments of removed pages would stay
    searchable. The binary comes from the `pagefind[bin]` package.
    """
    shutil.rmtree(site_dir / BUNDLE, ignore_errors=True)
    run = subprocess.run(
        [
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
