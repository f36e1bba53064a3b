"""The contributor's path: scaffold, validate command, GitHub annotations, workflow files."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"


def run_generator(root: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "generator", "--root", str(root), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def project(tmp_path) -> Path:
    shutil.copytree(ROOT / "frameworks", tmp_path / "frameworks")
    shutil.copytree(ROOT / "tests" / "fixtures", tmp_path / "cases")
    return tmp_path


def test_scaffold_creates_a_commented_case_that_only_lacks_real_content(project):
    created = run_generator(project, "new", "my-programme", "--name", "My programme")
    assert created.returncode == 0, created.stderr
    text = (project / "cases" / "my-programme.yaml").read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schema/case.schema.json")
    assert "slug: my-programme" in text and "name: My programme" in text
    checked = run_generator(project, "validate")
    assert checked.returncode == 1
    lines = checked.stdout.splitlines()
    assert "cases/my-programme.yaml:23:13: countries[0]: 'XX' is not an ISO 3166-1 country code" in lines
    assert (
        "cases/my-programme.yaml:104:10: sources[0].key: 'key' is the template's placeholder: "
        "replace this with the real one (short name used in citation markers, like 'stein2016')" in lines
    )
    assert (
        "cases/my-programme.yaml:74:13: evaluation_search.searched: 'YYYY-MM-DD' is not valid: "
        "write the date as YYYY-MM-DD, like '2025-03-12'" in lines
    )
    placeholders = [line for line in lines if "is the template's placeholder" in line]
    assert {line.split(": ")[1] for line in placeholders} == {
        "summary",
        "building_blocks[0].how",
        "evaluation_search.note",
        "evidence.why",
        "stage.why",
        "sources[0].key",
        "sources[0].authors[0]",
        "sources[0].title",
    }
    assert "the site was not built" not in checked.stderr


def test_scaffold_placeholder_locator_is_refused_once_the_text_is_written(project):
    run_generator(project, "new", "my-programme", "--name", "My programme")
    path = project / "cases" / "my-programme.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("One line on why [@key, section].", "Runs in one district [@key, section].", 1),
        encoding="utf-8",
    )
    lines = run_generator(project, "validate").stdout.splitlines()
    assert (
        "cases/my-programme.yaml:86:8: evidence.why: 'section' in [@key, section] is the template's placeholder: "
        "replace it with where in the source the fact is, like 'section 4.1' or 'p. 12'" in lines
    )


def test_new_without_a_slug_says_how_to_call_it(project):
    result = run_generator(project, "new")
    assert result.returncode == 2
    assert "make new SLUG=my-programme" in result.stderr


def test_new_refuses_a_slug_the_site_uses(project):
    result = run_generator(project, "new", "index")
    assert result.returncode == 2
    assert "'index' is taken by the list of all cases" in result.stderr
    assert not (project / "cases" / "index.yaml").exists()


def test_scaffold_refuses_an_unsafe_or_existing_slug(project):
    assert run_generator(project, "new", "My Programme").returncode == 2
    assert run_generator(project, "new", "gesundes-kinzigtal").returncode == 1


def test_validate_prints_every_problem_and_github_annotations(project):
    for name in ("duplicate-key", "unknown-term-id"):
        shutil.copy(ROOT / "tests" / "bad" / f"{name}.yaml", project / "cases")
    result = run_generator(project, "validate", env={"GITHUB_ACTIONS": "true"})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert (
        "cases/duplicate-key.yaml:6:1: status: duplicate field 'status' (first given on line 5): keep one of the two"
        in lines
    )
    assert any(
        line.startswith("::error file=cases/unknown-term-id.yaml,line=7,col=11::building_blocks[0].term:")
        for line in lines
    )
    assert "2 problems found" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("github", ["true", ""])
def test_a_value_cannot_print_a_line_of_its_own(project, github):
    """A value holding a line break and '::error' stays inside its problem's line, escaped."""
    payload = r"Run\n::error file=x,line=1::forged%0A::warning::forged\r\n::error::again"  # YAML escapes
    text = (ROOT / "tests" / "bad" / "unknown-term-id.yaml").read_text(encoding="utf-8")
    (project / "cases" / "unknown-term-id.yaml").write_text(
        text.replace("term: financing", f'term: "{payload}"'), encoding="utf-8"
    )
    result = run_generator(project, "validate", env={"GITHUB_ACTIONS": github})
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == (2 if github else 1)
    assert not any(line.startswith("::warning") or line.startswith("::error::") for line in lines)
    assert lines[0].startswith("cases/unknown-term-id.yaml:7:11: building_blocks[0].term: 'Run\\n::error file=x")
    if github:
        assert lines[1].startswith("::error file=cases/unknown-term-id.yaml,line=7,col=11::building_blocks[0].term:")
        assert "forged%250A" in lines[1]  # the value's own %0A stays text, not a line break


def test_validate_passes_on_good_files(project):
    result = run_generator(project, "validate")
    assert result.returncode == 0 and result.stdout.startswith("All good: 1 cases")


@pytest.mark.parametrize(
    "schema, files",
    [
        ("vendor.github-workflows", sorted((ROOT / ".github" / "workflows").glob("*.yml"))),
        ("vendor.github-issue-forms", sorted((ROOT / ".github" / "ISSUE_TEMPLATE").glob("*.yml"))),
    ],
    ids=["workflows", "issue-forms"],
)
def test_github_files_are_valid(schema, files):
    assert files
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", schema, *map(str, files)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_workflow_checker_catches_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps: nope\n", encoding="utf-8")
    result = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--builtin-schema", "vendor.github-workflows", str(broken)],
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0


def test_every_case_file_carries_the_schema_modeline():
    for path in sorted((ROOT / "cases").glob("*.yaml")):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first == "# yaml-language-server: $schema=../schema/case.schema.json", path.name


@pytest.mark.parametrize(
    "remote, expected",
    [
        ("https://github.com/casebook-org/casebook.git", "https://github.com/casebook-org/casebook/edit/main/"),
        ("git@github.com:casebook-org/casebook.git", "https://github.com/casebook-org/casebook/edit/main/"),
        ("https://gitlab.example.org/x/y.git", None),
    ],
)
def test_edit_link_comes_from_the_checkouts_github_remote(tmp_path, remote, expected):
    from generator import repository

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "remote", "add", "origin", remote], check=True)
    assert repository.edit_url(tmp_path) == expected


def test_case_page_has_edit_link_and_git_date(tmp_path):
    from generator import history, render
    from generator.validate import load_catalogue

    catalogue = load_catalogue(ROOT)
    case = catalogue.case_by_slug["salford-together"]
    case.history = history.case_histories(ROOT, "cases")[case.file]
    case.last_changed = case.history[0]["date"]
    assert case.last_changed, "case files are committed, so git knows their date"
    page = render.Renderer(catalogue, {"edit_url": "https://github.com/o/r/edit/main/"}).case_page(case)
    assert (
        '<a href="https://github.com/o/r/edit/main/cases/salford-together.yaml" rel="noopener">Edit this case</a>'
        in page
    )
    assert f"Last changed {case.last_changed}." in page
