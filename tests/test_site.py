"""The built site: strict build, pages per case and term, links both ways, search index, escaping."""

from __future__ import annotations

import functools
import hashlib
import json
import re
import shutil
from html import unescape
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import ROOT, copy_project, mkdocs_build
from probes import PROBE

from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)
SLUGS = [c.slug for c in CATALOGUE.cases]


class Links(HTMLParser):
    """Collects hrefs and ids of one HTML page."""

    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.hrefs.append(attrs["href"])


@functools.cache
def parsed(file: Path) -> Links:
    """Each page of a built site is parsed once per test run (sites are never changed after their build)."""
    parser = Links()
    parser.feed(file.read_text(encoding="utf-8"))
    return parser


def page(site: Path, url: str) -> Links:
    return parsed(site / url.strip("/") / "index.html")


def targets(site: Path, url: str) -> set[str]:
    """Site-relative URLs (with #fragment) that the page at `url` links to."""
    return _targets(site / url.strip("/") / "index.html", url)


def _targets(file: Path, url: str) -> set[str]:
    base = f"http://site/{url.strip('/')}/" if url.strip("/") else "http://site/"
    out = set()
    for href in parsed(file).hrefs:
        parts = urlsplit(urljoin(base, href))
        if parts.netloc == "site":
            out.add(parts.path.removeprefix("/") + (f"#{parts.fragment}" if parts.fragment else ""))
    return out


def test_strict_build_has_no_warnings(built):
    assert "WARNING" not in built.stderr, built.stderr


@pytest.mark.parametrize("slug", SLUGS)
def test_every_case_has_a_page_with_its_name(site, slug):
    html = (site / "cases" / slug / "index.html").read_text(encoding="utf-8")
    case = CATALOGUE.case_by_slug[slug]
    assert f">{case.name}</h1>" in unescape(html)
    assert 'id="sources"' in html


def test_case_list_links_every_case(site):
    assert {f"cases/{slug}/" for slug in SLUGS} <= targets(site, "cases")


@pytest.mark.parametrize("slug", SLUGS)
def test_case_and_term_pages_link_both_ways(site, slug):
    """Each term a case shows links to the term page, and the term page links back to the case's paragraph."""
    case = CATALOGUE.case_by_slug[slug]
    case_links = targets(site, case.url.rstrip("/"))
    for tags in case.tags.values():
        for tag in tags:
            assert tag.term.url in case_links, f"{slug} does not link {tag.term.url}"
            assert f"{case.url}#{tag.anchor}" in targets(site, tag.term.url.rstrip("/")), (
                f"{tag.term.url} does not list {slug}"
            )
            assert tag.anchor in page(site, case.url.rstrip("/")).ids


def test_term_pages_list_only_cases_that_use_them(site):
    for fw in CATALOGUE.frameworks:
        for term in fw.terms:
            listed = {
                t.split("#")[0] for t in targets(site, term.url.rstrip("/")) if t.startswith("cases/") and "#" in t
            }
            assert listed == {tag.case.url for tag in term.uses}, term.url


def test_related_cases_link_each_other(site):
    pairs = 0
    for case in CATALOGUE.cases:
        for rel in case.related:
            pairs += 1
            assert rel.case.url in targets(site, case.url.rstrip("/")), f"{case.slug} -> {rel.case.slug}"
            assert case.url in targets(site, rel.case.url.rstrip("/")), f"{rel.case.slug} -> {case.slug}"
    assert pairs > 0


def test_internal_links_resolve(site):
    pages = [html for html in site.rglob("*.html") if "pagefind" not in html.relative_to(site).parts]
    assert len(pages) > 100
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    missing = []
    for html in pages:
        url = html.parent.relative_to(site).as_posix()
        for target in _targets(html, "" if url == "." else url):
            path, _, fragment = target.partition("#")
            is_folder = path.endswith("/") or not PurePosixPath(path).suffix
            file = f"{path.rstrip('/')}/index.html".lstrip("/") if is_folder else path
            if file not in files:
                missing.append(f"{html.relative_to(site)} links missing {target}")
            elif fragment and file.endswith(".html") and fragment not in parsed(site / file).ids:
                missing.append(f"{html.relative_to(site)} links missing anchor {target}")
    assert missing == [], "\n".join(missing)


def test_search_index_covers_every_case_page(site):
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text())
    pages = sum(language["page_count"] for language in entry["languages"].values())
    terms = sum(len(fw.terms) for fw in CATALOGUE.frameworks)
    assert pages == len(SLUGS) + terms + len(CATALOGUE.frameworks)
    for slug in SLUGS:
        assert "data-pagefind-body" in (site / "cases" / slug / "index.html").read_text()
    assert "data-pagefind-body" not in (site / "index.html").read_text()


def test_no_theme_search_and_no_outside_assets(site):
    assert not (site / "search" / "search_index.json").exists()
    for html in site.rglob("*.html"):
        text = html.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, html
        for src in re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?:[^"]+)"', text):
            pytest.fail(f"{html} loads {src}")


def test_every_page_has_the_header_search(site):
    for html in site.rglob("*.html"):
        if "pagefind" not in html.parts:
            assert 'class="cb-header-search"' in html.read_text(encoding="utf-8"), html


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ("status: active", "status: active\nstatus: ended", r"cases/probe\.yaml:6:1: status: duplicate field 'status'"),
        (
            "term: financing-and-incentives",
            "term: financing",
            r"cases/probe\.yaml:7:11: building_blocks\[0\]\.term: 'financing' is not a term id",
        ),
        ("name: Probe case\n", "", r"cases/probe\.yaml:1:1: name: required field is missing"),
        ("summary: A probe", "summary: Aim: a probe", r"cases/probe\.yaml:3:\d+: summary: YAML syntax error"),
    ],
    ids=["duplicate-key", "unknown-term", "missing-field", "syntax-error"],
)
def test_broken_case_stops_the_build_and_keeps_the_old_site(scratch, tmp_path, old, new, expected):
    """The old site is the scratch build (which holds the valid probe); the probe is then broken."""
    project = copy_project(tmp_path / "project", scratch.project)
    out = tmp_path / "site"
    shutil.copytree(scratch.site, out)
    before = _tree_digest(out)
    (project / "cases" / "probe.yaml").write_text(PROBE.replace(old, new, 1), encoding="utf-8")
    second = mkdocs_build(out, project)
    assert second.returncode != 0
    assert re.search(expected, second.stderr), second.stderr
    assert "Traceback" not in second.stderr
    assert _tree_digest(out) == before


def test_contributor_text_is_shown_as_text(scratch):
    html = (scratch.site / "cases" / "injected" / "index.html").read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(" in html
    assert "{{ 7*7 }}" in html and "{% if true %}jinja{% endif %}" in html and "**bold**" in html
    assert "<title>Probe &lt;script&gt;" in html
