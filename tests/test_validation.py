"""Contributor mistakes: each bad file under tests/bad/ must produce exactly the messages in its .expected file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator import yamlfile
from generator.problems import ValidationFailed
from generator.validate import check_cases, check_frameworks, load_catalogue

ROOT = Path(__file__).resolve().parent.parent
BAD = sorted((ROOT / "tests" / "bad").glob("*.yaml"))
BAD_FRAMEWORKS = sorted((ROOT / "tests" / "bad-frameworks").glob("*.yaml"))


def project_with(tmp_path: Path, *case_files: Path) -> Path:
    """A scratch project: the real frameworks, one neighbouring case (tests/fixtures), and the given case files."""
    shutil.copytree(ROOT / "frameworks", tmp_path / "frameworks")
    shutil.copytree(ROOT / "tests" / "fixtures", tmp_path / "cases")
    for path in case_files:
        shutil.copy(path, tmp_path / "cases" / path.name)
    return tmp_path


def test_corpus_is_substantial():
    assert len(BAD) >= 60


@pytest.mark.parametrize("bad_file", BAD, ids=[p.stem for p in BAD])
def test_bad_file_gives_its_exact_messages(bad_file, tmp_path):
    root = project_with(tmp_path, bad_file)
    frameworks, problems = check_frameworks(root)
    assert problems == []
    _, problems = check_cases(root, frameworks)
    expected = bad_file.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in sorted(problems)] == expected


def test_framework_corpus_is_substantial():
    assert len(BAD_FRAMEWORKS) >= 20


@pytest.mark.parametrize("bad_file", BAD_FRAMEWORKS, ids=[p.stem for p in BAD_FRAMEWORKS])
def test_bad_framework_file_gives_its_exact_messages(bad_file, tmp_path):
    """Framework files are checked together: each bad one joins a copy of the real frameworks."""
    shutil.copytree(ROOT / "frameworks", tmp_path / "frameworks")
    shutil.copy(bad_file, tmp_path / "frameworks" / bad_file.name)
    _, problems = check_frameworks(tmp_path)
    expected = bad_file.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert [str(p) for p in sorted(problems)] == expected


def test_all_problems_are_reported_at_once(tmp_path):
    root = project_with(tmp_path, *[p for p in BAD if p.stem in ("unknown-term-id", "duplicate-key", "misspelt-field")])
    with pytest.raises(ValidationFailed) as failed:
        load_catalogue(root)
    files = {p.path for p in failed.value.problems}
    assert files == {"cases/unknown-term-id.yaml", "cases/duplicate-key.yaml", "cases/misspelt-field.yaml"}


def test_norway_stays_a_country_code(tmp_path):
    """YAML 1.1 reads NO as false; case files read it as Norway."""
    path = tmp_path / "x.yaml"
    path.write_text("countries: [NO, DE]\nflag: no\ndate: 2025-03-12\nok: true\n", encoding="utf-8")
    doc = yamlfile.read_yaml(path)
    assert doc.data == {"countries": ["NO", "DE"], "flag": "no", "date": "2025-03-12", "ok": True}


def test_real_catalogue_is_valid():
    catalogue = load_catalogue(ROOT)
    assert {c.slug for c in catalogue.cases} >= {"gesundes-kinzigtal", "north-west-london-wsic", "nuka-system-of-care"}


def test_published_schema_matches_the_data_model():
    """schema/*.json are written by `make schema`; a stale copy would mislead editors."""
    from generator.site import schema_files

    for path, text in schema_files(load_catalogue(ROOT)).items():
        assert (ROOT / path).read_text(encoding="utf-8") == text, f"{path} is stale: run `make schema`"


def test_oversized_file_is_refused(tmp_path):
    path = tmp_path / "huge.yaml"
    path.write_text("summary: |\n" + ("  " + "word " * 40 + "\n") * 1200, encoding="utf-8")
    doc = yamlfile.read_yaml(path, "cases/huge.yaml")
    assert [str(p) for p in doc.problems] == [
        f"cases/huge.yaml:1:1: (file): file is {path.stat().st_size:,} bytes, over the limit of 200,000: "
        "split long text or drop what is not about this case"
    ]
