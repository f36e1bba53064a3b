"""The README quotes the benchmark's headline word for word, so its numbers are the ones BENCHMARKS.md measured.

bench/run.py writes both whenever it writes BENCHMARKS.md; this catches a hand edit of one of them. And the
benchmark reports what it measured: every edit under serve, their median, and a failure as a failure.
"""

from __future__ import annotations

import re

from conftest import ROOT, module_from_file


def test_readme_headline_is_the_benchmarks_headline():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    benchmarks = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- bench:headline -->\n(.*?)<!-- /bench:headline -->", readme, re.S)
    assert block, "README.md has no <!-- bench:headline --> ... <!-- /bench:headline --> block"
    headline = next((line for line in benchmarks.splitlines() if line.startswith("**Headline")), "")
    assert block.group(1).strip() == headline


def test_serve_is_reported_as_the_median_of_its_edits_and_each_edit_is_shown():
    bench = module_from_file(ROOT / "bench" / "run.py")
    serve = {"edits": [2.6, 3.4, 2.8], "lists": [12.0, 11.0, 13.5], "at": "2026-11-30T21:50"}
    table = "\n".join(bench.serve_table({5000: {"serve": serve}}, {"failed": "TimeoutError: no page"}))
    assert "| 5,000 synthetic cases | 2.8 | 2.6, 3.4, 2.8 | 12.0, 11.0, 13.5 | 2026-11-30T21:50 |" in table
    assert "| failed (TimeoutError: no page) | failed (TimeoutError: no page) |" in table
    assert bench.median_edit(serve) == 2.8 and bench.median_edit(None) is None
