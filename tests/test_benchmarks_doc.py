"""The README quotes the benchmark's headline word for word, so its numbers are the ones BENCHMARKS.md measured.

bench/run.py writes both whenever it writes BENCHMARKS.md; this catches a hand edit of one of them.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_headline_is_the_benchmarks_headline():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    benchmarks = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- bench:headline -->\n(.*?)<!-- /bench:headline -->", readme, re.S)
    assert block, "README.md has no <!-- bench:headline --> ... <!-- /bench:headline --> block"
    headline = next((line for line in benchmarks.splitlines() if line.startswith("**Headline")), "")
    assert block.group(1).strip() == headline
