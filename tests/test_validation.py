"""Contributor mistakes: each bad file under tests/bad/ must produce exactly the messages in its .expected file."""

from __future__ import annotations

import os
import re
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


def _messages(problems) -> list[str]:
    return [str(p) for p in sorted(problems)]


def test_every_entry_of_cases_that_is_not_built_is_reported(tmp_path):
    """Symbolic links and odd files cannot be committed to the corpus: they are made here."""
    root = project_with(tmp_path)
    cases = root / "cases"
    good = (ROOT / "tests" / "fixtures" / "gesundes-kinzigtal.yaml").read_text(encoding="utf-8")
    outside = tmp_path / "outside.yaml"
    outside.write_text(good.replace("gesundes-kinzigtal", "outside").replace("Gesundes Kinzigtal", "Outside"))
    (cases / "zero.yaml").symlink_to("/dev/zero")
    (cases / "passwd.yaml").symlink_to("/etc/passwd")
    (cases / "outside.yaml").symlink_to(outside)
    os.mkfifo(cases / "pipe.yaml")
    (cases / "nested").mkdir()
    (cases / "nested" / "deep.yaml").write_text(good)
    (cases / "Upper.YAML").write_text(good)
    (cases / "_draft.yaml").write_text(good)
    (cases / "README.md").write_text("notes\n")
    (cases / ".DS_Store").write_bytes(b"\0")  # hidden litter is ignored
    frameworks, problems = check_frameworks(root)
    _, problems = check_cases(root, frameworks)
    assert _messages(problems) == [
        "cases/README.md:1:1: (file): 'README.md' is not read: cases/ holds only case files named <id>.yaml; "
        "move it elsewhere",
        "cases/Upper.YAML:1:1: (file): 'Upper.YAML' is not read: rename it to end in '.yaml' (lowercase)",
        "cases/_draft.yaml:1:1: (file): '_draft.yaml' is not read, as its name starts with '_': "
        "rename it to <id>.yaml, or keep the draft outside cases/",
        "cases/nested:1:1: (file): folders inside cases/ are not read: put case files directly in cases/",
        "cases/outside.yaml:1:1: (file): is a symbolic link, which is never followed: put the file itself here",
        "cases/passwd.yaml:1:1: (file): is a symbolic link, which is never followed: put the file itself here",
        "cases/pipe.yaml:1:1: (file): is not a regular file (a device, pipe or socket), so it is not read: "
        "put a text file here",
        "cases/zero.yaml:1:1: (file): is a symbolic link, which is never followed: put the file itself here",
    ]


def test_a_symlinked_framework_is_refused(tmp_path):
    shutil.copytree(ROOT / "frameworks", tmp_path / "frameworks")
    (tmp_path / "frameworks" / "extra.yaml").symlink_to(ROOT / "frameworks" / "cfir.yaml")
    _, problems = check_frameworks(tmp_path)
    assert _messages(problems) == [
        "frameworks/extra.yaml:1:1: (file): is a symbolic link, which is never followed: put the file itself here"
    ]


def test_reading_never_follows_a_link_or_opens_a_device(tmp_path):
    """read_yaml on its own (as the hook may call it) refuses too, without reading a byte."""
    (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    assert _messages(yamlfile.read_yaml(tmp_path / "zero.yaml", "cases/zero.yaml").problems) == [
        "cases/zero.yaml:1:1: (file): is a symbolic link, which is never followed: put the file itself here"
    ]
    assert _messages(yamlfile.read_yaml(Path("/dev/null"), "cases/null.yaml").problems) == [
        "cases/null.yaml:1:1: (file): is not a regular file (a device, pipe or socket), so it is not read: "
        "put a text file here"
    ]


def test_a_syntax_error_does_not_hide_other_files(tmp_path):
    names = ("yaml-syntax-error", "indentation-error", "tag-binary", "nested-brackets-unclosed", "misspelt-field")
    root = project_with(tmp_path, *[ROOT / "tests" / "bad" / f"{name}.yaml" for name in names])
    with pytest.raises(ValidationFailed) as failed:
        load_catalogue(root)
    assert {p.path for p in failed.value.problems} == {f"cases/{name}.yaml" for name in names}


def test_a_level_the_framework_does_not_declare_is_refused(tmp_path):
    root = project_with(tmp_path)
    selfie = root / "frameworks" / "selfie.yaml"
    selfie.write_text(
        selfie.read_text(encoding="utf-8").replace("levels: [micro, meso, macro]", "levels: [micro, macro]")
    )
    case = root / "cases" / "gesundes-kinzigtal.yaml"
    case.write_text(
        case.read_text(encoding="utf-8").replace(
            "evidence:\n",
            "selfie_components:\n  - term: service-delivery\n    level: meso\n"
            "    how: Shared care plans [@src].\nevidence:\n",
            1,
        )
    )
    frameworks, problems = check_frameworks(root)
    assert problems == []
    _, problems = check_cases(root, frameworks)
    assert _messages(problems) == [
        "cases/gesundes-kinzigtal.yaml:13:12: selfie_components[0].level: 'meso' is not a level of "
        "SELFIE framework for integrated care: write one of micro, macro"
    ]


ADVERSARIAL = {
    "spaces in a summary": "summary: 'x" + " " * 100_000 + ".'\n",
    "unclosed citations": "summary: '" + "[@a " * 25_000 + "'\n",
    "nested citations": "summary: '" + "[@a, [" * 16_000 + "'\n",
    "brackets": "summary: '" + "[" * 100_000 + "'\n",
    "a long term id": "building_blocks:\n  - term: " + "a-" * 50_000 + "\n    how: x\n",
    "control characters": "summary: '" + "\x1b" * 100_000 + "'\n",
    "nan-like text": "results:\n  - value: '" + "." * 100_000 + "nan'\n",
    "a long key": "k" * 100_000 + ": x\n",
}


@pytest.mark.parametrize("text", ADVERSARIAL.values(), ids=ADVERSARIAL)
def test_checks_take_linear_time_on_100_kb_inputs(tmp_path, text):
    """Every pattern that sees contributor text is linear: a 100 KB hostile value is checked in well under a second."""
    import time

    root = project_with(tmp_path)
    good = (root / "cases" / "gesundes-kinzigtal.yaml").read_text(encoding="utf-8")
    head = good.replace("gesundes-kinzigtal", "hostile").replace("Gesundes Kinzigtal", "Hostile")
    (root / "cases" / "hostile.yaml").write_text(
        "\n".join(line for line in head.splitlines() if not line.startswith(text.split(":")[0] + ":")) + "\n" + text,
        encoding="utf-8",
    )
    frameworks, _ = check_frameworks(root)
    started = time.perf_counter()
    _, problems = check_cases(root, frameworks)
    assert time.perf_counter() - started < 1.0
    assert any(p.path == "cases/hostile.yaml" for p in problems)


def test_reserved_slugs_cover_every_other_page_the_generator_writes_under_cases():
    """A case page cases/<slug>.md must never replace a page the generator writes there itself."""
    from generator.render import Renderer
    from generator.validate import reserved_slugs

    catalogue = load_catalogue(ROOT)
    pages = Renderer(catalogue, {}).pages()
    others = {
        path.removeprefix("cases/").removesuffix(".md")
        for path in pages
        if path.startswith("cases/") and path.removeprefix("cases/").removesuffix(".md") not in catalogue.case_by_slug
    }
    assert others and others <= set(reserved_slugs(ROOT))


def test_a_broken_framework_does_not_hide_the_cases_problems(tmp_path):
    root = project_with(tmp_path, ROOT / "tests" / "bad" / "misspelt-field.yaml")
    path = root / "frameworks" / "mechanisms.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("\nterms:\n", "\nterms:\n   - broken\n  -", 1))
    with pytest.raises(ValidationFailed) as failed:
        load_catalogue(root)
    assert {p.path for p in failed.value.problems} == {"frameworks/mechanisms.yaml", "cases/misspelt-field.yaml"}


def test_a_problem_is_always_one_line_and_annotations_are_escaped():
    from generator.problems import Problem

    problem = Problem("cases/a,b:c\n.yaml", 3, 7, "name", "'x\r\n::error::y \u202e\x1b' is 100% wrong")
    assert str(problem) == "cases/a,b:c\\n.yaml:3:7: name: 'x\\r\\n::error::y \\u202e\\x1b' is 100% wrong"
    assert problem.github_annotation() == (
        "::error file=cases/a%2Cb%3Ac\\n.yaml,line=3,col=7::name: 'x\\r\\n::error::y \\u202e\\x1b' is 100%25 wrong"
    )


def test_a_glossary_group_that_only_filters_must_name_its_filter(tmp_path):
    root = project_with(tmp_path)
    glossary = "groups:\n  - words: [failed, stopped]\n    filter_only: true\n"
    (root / "glossary.yaml").write_text(glossary, encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        load_catalogue(root)
    assert [str(p) for p in failed.value.problems] == [
        "glossary.yaml:2:5: groups[0].filter: required field is missing: add 'filter:' "
        "(The search filter a query of these words stands for)"
    ]


def test_the_glossary_names_each_problem(tmp_path):
    root = project_with(tmp_path)
    (root / "glossary.yaml").write_text(
        "groups:\n"
        "  - words: [older people, elderly]\n"
        "  - words: [Elderly, seniors]\n"
        "    filter: {facet: stage, value: Finished}\n"
        "  - words: [GP, family doctor]\n"
        "    filter: {facet: countri, value: Germany}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as failed:
        load_catalogue(root)
    assert [str(p) for p in failed.value.problems] == [
        "glossary.yaml:3:13: groups[1].words[0]: 'Elderly' is already in group 1: a word belongs to one group",
        "glossary.yaml:4:35: groups[1].filter.value: 'Finished' is not a value of the filter 'stage'",
        "glossary.yaml:6:21: groups[2].filter.facet: no filter has the id 'countri'; did you mean 'country'?",
    ]


def test_a_term_synonym_may_not_name_another_term(tmp_path):
    root = project_with(tmp_path)
    path = root / "frameworks" / "payment-instruments.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("synonyms: [gain sharing]", "synonyms: [gain sharing, capitation]", 1)
    path.write_text(text, encoding="utf-8")
    _, problems = check_frameworks(root)
    assert len(problems) == 1
    assert re.fullmatch(
        r"'capitation' already names term \d+ of this framework: a synonym belongs to one term", problems[0].message
    )
