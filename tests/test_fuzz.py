"""Inputs beyond the corpus: every run mutates a real case file in new ways.

The seed changes each day (or is set with CASEBOOK_FUZZ_SEED to replay a failure), so each release
is tried on inputs nobody wrote down. Whatever the mutation, the validator either accepts the file or
reports problems with a line and column; it never crashes or hangs. A file it accepts renders and
exports without error, and its CSV, BibTeX and RIS keep their structure.
"""

from __future__ import annotations

import csv
import datetime
import io
import os
import random
import shutil
import time
from pathlib import Path

import pytest

from generator import exports, model
from generator.render import Renderer
from generator.validate import check_cases, check_frameworks

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "gesundes-kinzigtal.yaml"
SEED = int(os.environ.get("CASEBOOK_FUZZ_SEED", datetime.date.today().strftime("%Y%m%d")))
RUNS = 120

#: Pieces a hostile or careless contributor might type: YAML syntax, markup, control and invisible characters.
PIECES = [
    "\x00",
    "\x07",
    "\x1b[31m",
    "\x7f",
    "\x85",
    "\u202e",
    "\u2066",
    "\u200d",
    "\ufeff",
    "\u2028",
    "\t",
    ": ",
    " #",
    "- ",
    "[",
    "]",
    "{",
    "}",
    "&a",
    "*a",
    "!!binary ",
    "!!set ",
    "? ",
    "|",
    ">-",
    "'",
    '"',
    "\\",
    "[@",
    "[@stein2016, section 1]",
    "[@key]",
    "{{ x }}",
    "{% if %}",
    "<script>alert(1)</script>",
    "[x](javascript:alert(1))",
    "{: onclick=x }",
    "\n\n",
    "\n  ",
    "=cmd|' /C calc'!A0",
    "ER  - ",
    "},title={x",
    "::error::x",
    "0x7DA",
    "33:30",
    "2010.0",
    ".nan",
    "~",
    "null",
    "2021-02-30",
    " " * 3000,
    "[" * 200,
]


def _mutate(text: str, rng: random.Random) -> str:
    lines = text.split("\n")
    for _ in range(rng.randint(1, 4)):
        kind = rng.randrange(6)
        index = rng.randrange(len(lines))
        if kind == 0:  # insert a piece inside a line
            line = lines[index]
            at = rng.randint(0, len(line))
            lines[index] = line[:at] + rng.choice(PIECES) + line[at:]
        elif kind == 1:  # replace the value after a key
            key, sep, _ = lines[index].partition(": ")
            if sep:
                lines[index] = key + sep + rng.choice(PIECES) * rng.randint(1, 3)
        elif kind == 2:
            lines.insert(index, lines[index])
        elif kind == 3 and len(lines) > 1:
            del lines[index]
        elif kind == 4:  # wrong indentation
            lines[index] = " " * rng.choice([1, 2, 3, 4]) + lines[index]
        else:
            return "\n".join(lines)[: rng.randrange(len(text) + 1)]
    return "\n".join(lines)


def _project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "frameworks", tmp_path / "frameworks")
    (tmp_path / "cases").mkdir()
    return tmp_path


@pytest.fixture(scope="module")
def frameworks(tmp_path_factory):
    data, problems = check_frameworks(_project(tmp_path_factory.mktemp("fw")))
    assert problems == []
    return data


def test_mutated_case_files_are_accepted_or_reported_precisely(frameworks, tmp_path):
    root = _project(tmp_path)
    target = root / "cases" / FIXTURE.name
    rng = random.Random(SEED)
    original = FIXTURE.read_text(encoding="utf-8")
    accepted = 0
    for run in range(RUNS):
        text = _mutate(original, rng)
        target.write_text(text, encoding="utf-8")
        replay = f"CASEBOOK_FUZZ_SEED={SEED}, run {run}; input starts {text[:200]!r}"
        started = time.perf_counter()
        try:
            cases, problems = check_cases(root, frameworks)
        except Exception as error:  # noqa: BLE001 - any crash is the failure this test looks for
            pytest.fail(f"validator crashed with {error!r} ({replay})")
        assert time.perf_counter() - started < 5, f"validation took too long ({replay})"
        for problem in problems:
            assert problem.path == f"cases/{FIXTURE.name}" and problem.line >= 1 and problem.column >= 1, replay
            assert "\n" not in str(problem) and "\r" not in str(problem), f"a message spans lines: {problem} ({replay})"
        if problems:
            continue
        accepted += 1
        catalogue = model.build(cases, frameworks)
        try:
            Renderer(catalogue, {}).case_page(catalogue.cases[0])
            files = exports.files(catalogue)
        except Exception as error:  # noqa: BLE001
            pytest.fail(f"an accepted file failed to render or export: {error!r} ({replay})")
        rows = list(csv.reader(io.StringIO(files["cases.csv"].lstrip("\ufeff"))))
        assert len(rows) == 2, f"cases.csv has {len(rows) - 1} records for one case ({replay})"
        sources = len(cases[0][1]["sources"])
        bib = files[f"api/cases/{FIXTURE.stem}.sources.bib"]
        assert sum(line.startswith("@") for line in bib.splitlines()) == sources, f"BibTeX records ({replay})"
        ris = files[f"api/cases/{FIXTURE.stem}.sources.ris"]
        assert sum(line.rstrip() == "ER  -" for line in ris.splitlines()) == sources, f"RIS records ({replay})"
    assert accepted < RUNS, "no mutation was rejected: the mutations are too weak to test anything"
