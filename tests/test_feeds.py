"""Following and citing the casebook over time: Atom feeds, each case's History, the catalogue's version
and how it is cited (issue 16).

One scratch repository is built once for the module: the real catalogue in a first commit, then a probe
case added, its results changed, its status changed (three commits with fixed dates), a release tag and
a GitHub `origin`, as a deploy sees them.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import bibtexparser
import feedparser
import jsonschema_rs
import pytest
import yaml
from conftest import PUBLIC_URL, ROOT, copy_project, mkdocs_build

from generator import history, localserver, repository
from generator.render import Renderer
from generator.validate import load_catalogue

ATOM = "{http://www.w3.org/2005/Atom}"
ORIGIN = "https://github.com/casebook-org/casebook"
SLUG = "feed-probe"
NAME = 'Feed probe <b>&amp; "quoted"</b>'  # markup in contributor text, to be escaped everywhere
RELEASE = "2026.12"

VERSION_1 = f"""\
slug: {SLUG}
name: '{NAME}'
summary: A programme used by the feed tests [@src].
countries: [IS]
status: active
last_reviewed: "2026-01-05"
building_blocks:
  - term: financing-and-incentives
    how: Paid through a shared savings contract [@src, section 1].
  - term: competent-workforce
    how: Staff were trained together [@src].
payment_instruments:
  - term: fee-for-service
    how: Doctors are paid per visit [@src].
evidence:
  grade: none
  why: No figures are reported [@src].
stage:
  grade: pilot
  why: Runs in one region [@src].
evaluation_search:
  searched: "2026-01-05"
  outcome: none-found
  note: No published evaluation was found [@src].
sources:
  - key: src
    type: report
    authors: [Doe J]
    year: 2020
    title: A test source
"""

RESULTS = """\
results:
  - metric: Hospital days per 1,000 patients
    value: -12
    unit: percent
    cite: "[@src, table 2]"
    design: programme-self-report
    certainty: very-low
    certainty_why: The programme reports its own figures [@src].
  - metric: Patients satisfied with their care
    value: 81
    unit: percent
    cite: "[@src, table 3]"
    design: programme-self-report
    certainty: very-low
    certainty_why: The programme reports its own figures [@src].
"""

SECOND_SOURCE = """\
  - key: later
    type: report
    authors: [Roe R]
    year: 2025
    title: A later test source
"""

COMMITS = [  # (date, message, file text)
    ("2026-02-10", "Add the probe case", VERSION_1),
    ("2026-03-15", "Probe: results", VERSION_1 + RESULTS),
    (
        "2026-04-20",
        "Probe: ended",
        (VERSION_1 + SECOND_SOURCE + RESULTS)
        .replace("status: active", "status: ended\nend_year: 2025")
        .replace("why: Runs in one region [@src].", "why: Runs in one region [@src] and ended in 2025 [@later].")
        .replace('last_reviewed: "2026-01-05"', 'last_reviewed: "2026-04-18"'),
    ),
]


def git(project: Path, *args: str, date: str = "2026-01-01") -> str:
    stamp = f"{date}T12:00:00+00:00"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    command = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org", "-c", "commit.gpgsign=false"]
    return subprocess.run([*command, *args], cwd=project, env=env, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def scratch_repo(tmp_path_factory) -> SimpleNamespace:
    project = copy_project(tmp_path_factory.mktemp("feeds") / "project")
    git(project, "init", "-q", "-b", "main")
    git(project, "remote", "add", "origin", ORIGIN + ".git")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "The catalogue", date="2026-01-10")
    commits = []
    for date, message, text in COMMITS:
        (project / "cases" / f"{SLUG}.yaml").write_text(text, encoding="utf-8")
        git(project, "add", "-A")
        git(project, "commit", "-q", "-m", message, date=date)
        commits.append(git(project, "rev-parse", "HEAD").strip())
    git(project, "tag", RELEASE)
    site = project.parent / "site"
    result = mkdocs_build(site, project, env={"CASEBOOK_SITE_URL": PUBLIC_URL})
    assert result.returncode == 0, result.stderr
    return SimpleNamespace(project=project, site=site, commits=commits)


def read(scratch_repo, path: str) -> str:
    return (scratch_repo.site / path).read_text(encoding="utf-8")


def case_page(scratch_repo) -> str:
    return read(scratch_repo, f"cases/{SLUG}/index.html")


def section(html: str, anchor: str) -> str:
    """From the heading with id `anchor` to the next heading of its level or the end of its <section>."""
    start = html.index(f'id="{anchor}"')
    ends = [html.find(mark, start) for mark in ("</section>", "<h2")]
    return html[start : min([end for end in ends if end > 0] or [len(html)])]


def plain(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# --- feeds ------------------------------------------------------------------------------------


def feed_files(scratch_repo) -> dict[str, Path]:
    return {path.relative_to(scratch_repo.site).as_posix(): path for path in scratch_repo.site.glob("feeds/**/*.atom")}


def probe_entries(scratch_repo, path: str = "feeds/all.atom") -> list:
    parsed = feedparser.parse(read(scratch_repo, path))
    return [e for e in parsed.entries if e.link == f"{PUBLIC_URL}cases/{SLUG}/"]


def test_every_feed_parses_and_holds_what_rfc_4287_requires(scratch_repo):
    files = feed_files(scratch_repo)
    assert "feeds/all.atom" in files
    for path, file in files.items():
        text = file.read_text(encoding="utf-8")
        parsed = feedparser.parse(text)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.version == "atom10", path
        feed = ET.fromstring(text)
        assert feed.tag == f"{ATOM}feed", path
        for name in ("id", "title", "updated"):  # atom:feed MUST contain exactly one of each
            assert len(feed.findall(f"{ATOM}{name}")) == 1, (path, name)
        assert feed.find(f"{ATOM}author/{ATOM}name").text, path  # so no entry needs its own author
        links = {link.get("rel"): link.get("href") for link in feed.findall(f"{ATOM}link")}
        assert links["self"] == PUBLIC_URL + path
        assert links["alternate"].startswith(PUBLIC_URL)
        ids = []
        for entry in feed.findall(f"{ATOM}entry"):
            for name in ("id", "title", "updated"):
                assert len(entry.findall(f"{ATOM}{name}")) == 1, (path, name)
            ids.append(entry.find(f"{ATOM}id").text)
            # no atom:content, so an entry MUST have a rel=alternate link
            alternate = [link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
            assert len(alternate) == 1 and alternate[0].get("href").startswith(PUBLIC_URL + "cases/"), path
            for stamp in (entry.find(f"{ATOM}updated").text, feed.find(f"{ATOM}updated").text):
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)", stamp), stamp  # RFC 3339
        assert all(i.startswith("urn:uuid:") for i in ids) and len(set(ids)) == len(ids), path


def test_feed_entries_say_what_changed_in_words_dated_from_git(scratch_repo):
    entries = probe_entries(scratch_repo)
    assert [e.updated[:10] for e in entries] == ["2026-04-20", "2026-03-15", "2026-02-10"]  # newest first
    ended, results, added = entries
    assert ended.title.startswith(NAME + ": ")  # the name as the contributor wrote it, markup as text
    assert "status changed from active to ended" in ended.title
    assert "sources: 1 added" in ended.title
    assert "end year set to 2025" in ended.title
    assert "last reviewed changed from 2026-01-05 to 2026-04-18" in ended.title
    assert "results" not in ended.title
    assert results.title == f"{NAME}: results: 2 added"
    assert added.title == f"{NAME}: case added"
    assert "Last reviewed against its sources: 2026-04-18." in ended.summary
    assert "Last reviewed against its sources: 2026-01-05." in added.summary
    assert f"{ORIGIN}/commit/{scratch_repo.commits[2]}" in ended.summary
    text = read(scratch_repo, "feeds/all.atom")
    assert "<b>" not in text and "&lt;b&gt;&amp;amp;" in text  # escaped once, as XML


def test_each_facet_feed_follows_exactly_the_cases_of_its_term_or_country(scratch_repo):
    cases = json.loads(read(scratch_repo, "api/cases.json"))["cases"]
    frameworks = json.loads(read(scratch_repo, "api/frameworks.json"))["frameworks"]
    expected = {"feeds/all.atom": {c["slug"] for c in cases}}
    for fw in frameworks:
        if fw["data"].get("feeds"):
            for term, slugs in fw["cases_by_term"].items():
                expected[f"feeds/{fw['data']['id']}/{term}.atom"] = set(slugs)
    for code in {code for c in cases for code in c["data"]["countries"]}:
        expected[f"feeds/country/{code.lower()}.atom"] = {c["slug"] for c in cases if code in c["data"]["countries"]}
    assert {fw["data"]["id"] for fw in frameworks if fw["data"].get("feeds")} >= {"payment-instruments"}
    assert set(feed_files(scratch_repo)) == set(expected)
    for path, slugs in expected.items():
        links = {e.link for e in feedparser.parse(read(scratch_repo, path)).entries}
        assert links == {f"{PUBLIC_URL}cases/{slug}/" for slug in slugs}, path
    assert expected["feeds/country/is.atom"] == {SLUG}
    assert len(probe_entries(scratch_repo, "feeds/payment-instruments/fee-for-service.atom")) == 3


def test_pages_link_their_feeds_in_the_head_and_visibly(scratch_repo):
    page = case_page(scratch_repo)
    head = page[: page.index("</head>")]
    feeds = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">', head)
    hrefs = [href for _, href in feeds]
    for path in ("feeds/all.atom", "feeds/country/is.atom", "feeds/payment-instruments/fee-for-service.atom"):
        assert f"../../{path}" in hrefs
        assert f'href="../../{path}" type="application/atom+xml"' in section(page, "history")  # Follow line
    assert "Follow" in plain(section(page, "history"))
    term = read(scratch_repo, "frameworks/payment-instruments/fee-for-service/index.html")
    assert 'href="../../../feeds/payment-instruments/fee-for-service.atom"' in term[: term.index("</head>")]
    assert "Follow" in plain(term) and "../../../feeds/payment-instruments/fee-for-service.atom" in term.split("<h1")[1]
    data = read(scratch_repo, "data/index.html")
    words = plain(section(data, "feeds"))
    assert "e-mail" in words and "feed reader" in words
    assert 'href="../feeds/country/is.atom"' in data
    country = section(read(scratch_repo, "map/index.html"), "country-is")
    assert 'href="../feeds/country/is.atom"' in country and "Follow" in plain(country)


def test_a_page_with_feeds_makes_no_failing_request(scratch_repo, browser):
    """Material fetches sitemap.xml next to every rel=alternate link; each feed folder has an empty one."""
    with localserver.serve(scratch_repo.site) as url:
        page = browser.new_page()
        failed = []
        page.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
        page.goto(f"{url}cases/{SLUG}/")
        page.wait_for_load_state("networkidle")
        page.close()
    assert failed == []


# --- history ----------------------------------------------------------------------------------


def test_history_section_lists_each_dated_change_with_its_commit(scratch_repo):
    page = case_page(scratch_repo)
    sections = re.findall(r'<h2 id="([\w-]+)"', page)
    assert sections[sections.index("cite") + 1] == "history"
    history = section(page, "history")
    items = re.findall(r"<li>(.*?)</li>", history, re.S)
    assert [plain(item)[:10] for item in items] == ["2026-04-20", "2026-03-15", "2026-02-10"]
    assert "status changed from active to ended" in plain(items[0])
    assert "results: 2 added" in plain(items[1])
    assert "case added" in plain(items[2])
    for item, commit in zip(items, reversed(scratch_repo.commits), strict=True):
        assert f'href="{ORIGIN}/commit/{commit}"' in item
    assert "last reviewed against its sources 2026-04-18" in plain(history)
    assert '<a href="#history">History</a>' in page  # in "On this page"


def test_history_is_part_of_the_case_json(scratch_repo):
    single = json.loads(read(scratch_repo, f"api/cases/{SLUG}.json"))
    whole = json.loads(read(scratch_repo, "api/cases.json"))
    record = next(c for c in whole["cases"] if c["slug"] == SLUG)
    assert record["history"] == single["history"]
    assert [h["commit"] for h in single["history"]] == scratch_repo.commits[::-1]
    assert single["history"][1]["changes"] == ["results: 2 added"]
    assert single["history"][0]["last_reviewed"] == "2026-04-18"
    assert single["last_changed"] == "2026-04-20"


# --- versions and citations ------------------------------------------------------------------


def test_the_release_version_is_in_the_footer_json_and_every_citation(scratch_repo):
    page = case_page(scratch_repo)
    assert f"Catalogue version {RELEASE}." in plain(page[page.index("cb-footer") :])
    catalogue = json.loads(read(scratch_repo, "api/cases.json"))
    assert catalogue["catalogue_version"] == RELEASE and catalogue["version"] == 1
    cite = section(page, "cite")
    boxes = dict(re.findall(r'<pre id="cite-(\w+)" class="cb-citebox__text">(.*?)</pre>', cite, re.S))
    assert set(boxes) == {"apa", "vancouver", "bibtex"}
    assert f"(Version {RELEASE}) [Data set]" in plain(boxes["apa"])
    assert f"Version {RELEASE}." in plain(boxes["vancouver"])
    entry = bibtexparser.loads(html.unescape(plain(boxes["bibtex"]))).entries[0]
    permalink = f"{ORIGIN}/blob/{scratch_repo.commits[-1]}/cases/{SLUG}.yaml"
    assert entry["version"] == RELEASE
    assert permalink in entry["note"].replace("\\_", "_")
    assert f'<a href="{permalink}"' in cite  # the permanent link to this version of the case file
    assert f"Catalogue version: <strong>{RELEASE}</strong>." in cite


def test_version_is_the_release_tag_else_commit_date_and_hash(tmp_path):
    git(tmp_path, "init", "-q")
    assert repository.version(tmp_path) == "unreleased"
    (tmp_path / "a").write_text("a")
    git(tmp_path, "add", "a")
    git(tmp_path, "commit", "-q", "-m", "a", date="2026-05-01")
    git(tmp_path, "tag", "2026.5")
    git(tmp_path, "tag", "not-a-release")
    assert repository.version(tmp_path) == "2026.5"
    (tmp_path / "a").write_text("b")
    git(tmp_path, "commit", "-q", "-am", "b", date="2026-05-09")
    short = git(tmp_path, "rev-parse", "--short", "HEAD").strip()
    assert repository.version(tmp_path) == f"2026-05-09 {short}"


def test_without_a_known_origin_the_cite_box_says_no_permanent_link():
    catalogue = load_catalogue(ROOT)
    page = Renderer(catalogue, {"version": "2026-05-09 abc1234"}).case_page(catalogue.cases[0])
    cite = page[page.index("{#cite}") : page.index("{#history}")]
    assert "not available in this deploy" in cite and "/blob/" not in cite
    assert "2026-05-09 abc1234" in cite


# --- citation metadata files -----------------------------------------------------------------


def test_citation_cff_validates_against_the_cff_1_2_schema():
    """The schema is the Citation File Format 1.2.0 JSON Schema as shipped in the cffconvert 2.0.0 wheel
    (cffconvert/schemas/1.2.0/schema.json, unchanged). cffconvert itself needs jsonschema<4, which
    check-jsonschema's jsonschema 4 excludes, so the schema is checked with jsonschema-rs."""
    schema = json.loads((ROOT / "tests" / "data" / "citation-cff-1.2.0.schema.json").read_text(encoding="utf-8"))
    assert schema["$id"] == "https://citation-file-format.github.io/1.2.0/schema.json"
    validator = jsonschema_rs.validator_for(schema)
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert [e.message for e in validator.iter_errors(cff)] == []
    assert cff["type"] == "dataset" and cff["license"] == "CC-BY-4.0"
    assert cff["authors"] == [{"name": "Integrated Care Casebook contributors"}]
    assert "doi" not in cff and "identifiers" not in cff  # none is invented before a release gets one
    assert list(validator.iter_errors({**cff, "license": "CC-BY"}))  # the validator does refuse a bad file


def test_zenodo_metadata_describes_a_dataset():
    zenodo = json.loads((ROOT / ".zenodo.json").read_text(encoding="utf-8"))
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert zenodo["upload_type"] == "dataset" and zenodo["license"] == "cc-by-4.0"
    assert zenodo["title"] == cff["title"] and zenodo["keywords"] == cff["keywords"]
    assert zenodo["creators"] == [{"name": "Integrated Care Casebook contributors"}]
    assert " ".join(zenodo["description"].split()) == " ".join(cff["abstract"].split())


def test_history_reads_each_version_once_and_dates_parse(scratch_repo):
    """One git log for all files, one cat-file for all blobs; each change dated with an offset."""
    versions = repository.file_versions(scratch_repo.project, "cases")
    assert [v.commit for v in versions[f"cases/{SLUG}.yaml"]] == scratch_repo.commits
    for v in versions[f"cases/{SLUG}.yaml"]:
        assert datetime.fromisoformat(v.time).utcoffset() is not None


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ({"status": "active"}, {"status": "ended"}, ["status changed from active to ended"]),
        ({"sources": [{"key": "a"}]}, {"sources": [{"key": "a"}, {"key": "b"}]}, ["sources: 1 added"]),
        (
            {"results": [{"metric": "m", "value": 1}, {"metric": "n", "value": 2}]},
            {"results": [{"metric": "m", "value": 3}]},
            ["results: 1 removed, 1 changed"],
        ),
        ({}, {"results": [{"metric": "m"}, {"metric": "n"}]}, ["results: 2 added"]),
        (
            {"evidence": {"grade": "none", "why": "x"}},
            {"evidence": {"grade": "qualitative", "why": "x"}},
            ["evidence grade changed from none to qualitative"],
        ),
        ({"summary": "A" * 50}, {"summary": "B" * 50}, ["summary changed"]),  # long text is named, not quoted
        ({"end_year": 2020}, {}, ["end year removed"]),
        ({"lessons": ["a", "b"]}, {"lessons": ["b", "a"]}, ["lessons: reordered"]),
        ({"status": "active"}, {"status": "active"}, []),
    ],
)
def test_changes_are_put_in_words_field_by_field(old, new, expected):
    assert history.changes(old, new) == expected
