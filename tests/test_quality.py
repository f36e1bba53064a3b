"""Quality gates: accessibility (axe-core), keyboard focus, CSP, injection, links, print, reproducible builds."""

from __future__ import annotations

import filecmp
import re
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import ROOT, copy_project, mkdocs_build, settle

from generator import localserver
from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PAGES = {
    "home": "",
    "case": "cases/gesundes-kinzigtal/",
    "term": "frameworks/payment-instruments/shared-savings/",
    "framework": "frameworks/selfie/",
    "search-with-results": "search/?q=shared+savings&building-blocks=Competent+workforce",
    "evidence-map": "evidence-map/",
    "compare": "compare/?cases=gesundes-kinzigtal,salford-together",
    "data": "data/",
    "case-list": "cases/",
    "map": "map/",
    "overview": "overview/",
    "payment-instruments": "frameworks/payment-instruments/",
    "failures": "failures/",
    "fit": "fit/?system=regulated-competition&group=named-condition&cannot=pooled-budgets",
    "payment-guide": "payment-guide/?aim=reward-coordination",
}


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run the tests with `make test`, which runs npm ci")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(browser, server, axe_source, name):
    """Each page in its light scheme, then in its dark one, switched as a reader does with the header's toggle."""
    context = browser.new_context(color_scheme="light", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + PAGES[name])
    settle(page)
    page.add_script_tag(content=axe_source)
    serious = []
    for scheme in ("default", "slate"):
        if scheme == "slate":
            # clicked from script: a pointer left on the toggle would show its tooltip, fading in, over the page
            page.evaluate("() => document.querySelector(\"label[title='Switch to dark mode']\").click()")
            page.wait_for_function("() => document.body.dataset.mdColorScheme === 'slate'")
            page.wait_for_function("() => !('mdColorSwitching' in document.body.dataset)")  # colours settled
        # resultTypes: only violations carry every node; passes and the rest stop at one (axe's speed option)
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},"
            " resultTypes: ['violations']})"
        )
        serious += [
            f"{scheme}: {v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]
    context.close()
    assert serious == [], "\n".join(serious)


@pytest.mark.parametrize("name", ["home", "case", "search-with-results", "compare", "fit", "payment-guide"])
def test_keyboard_focus_is_always_visible(browser, server, name):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(server + PAGES[name])
    settle(page)
    seen = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focus = page.evaluate("""() => {
            let el = document.activeElement;
            if (!el || el === document.body) return null;
            const box = el.getBoundingClientRect();
            if ((box.width < 2 || getComputedStyle(el).opacity === '0') && el.id) {
                el = document.querySelector(`label[for="${el.id}"]:not([hidden])`) || el;  // the visible stand-in
            }
            const style = getComputedStyle(el);
            const visible = (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                || style.boxShadow !== 'none';
            const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').slice(0, 40);
            return {tag: el.tagName, text, visible};
        }""")
        if focus:
            seen.append(focus)
    page.close()
    assert len(seen) >= 10
    hidden = [f for f in seen if not f["visible"]]
    assert hidden == [], hidden


@pytest.fixture(scope="module")
def visit(browser, server):
    """Opens a page of PAGES once for the CSP and the own-host tests, recording the CSP violations the page
    reported and every request it sent (the page's and its Web Workers'). Listening costs far less than
    intercepting each request, and finds the same requests to other hosts."""
    seen: dict[str, dict] = {}

    def open_once(name: str) -> dict:
        if name in seen:
            return seen[name]
        context = browser.new_context()
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.add_init_script(
            "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', "
            "e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
        )
        page.goto(server + PAGES[name])
        settle(page)
        seen[name] = {
            "csp_violations": page.evaluate("() => window.__cspViolations"),
            "policy": page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content"),
            "elsewhere": [url for url in requests if not url.startswith((server, "data:", "blob:"))],
        }
        context.close()
        return seen[name]

    return open_once


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_satisfy_their_content_security_policy(visit, name):
    assert "default-src 'self'" in visit(name)["policy"]
    assert visit(name)["csp_violations"] == []


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_load_with_only_the_sites_own_host(visit, name):
    assert visit(name)["elsewhere"] == []


def test_external_links_are_well_formed_and_open_safely(site):
    pattern = re.compile(r'<a\s[^>]*href="(https?://[^"]*)"[^>]*>')
    for html in site.rglob("*.html"):
        for tag in pattern.finditer(html.read_text(encoding="utf-8")):
            url = tag.group(1)
            parts = urlsplit(url)
            assert parts.scheme in ("http", "https") and "." in parts.netloc and " " not in url, f"{html}: {url}"
            if "github.com/squidfunk" in url or "mkdocs.org" in url or "squidfunk.github.io" in url:
                continue  # the theme's own footer credit
            assert 'rel="noopener"' in tag.group(0), f"{html.relative_to(site)}: {tag.group(0)}"


def _payloads() -> list[str]:
    """The injection corpus: payloads separated by lines holding only '%%', after a description."""
    text = (ROOT / "tests" / "xss-payloads.txt").read_text(encoding="utf-8")
    return [part.strip("\n") for part in text.split("\n%%\n")[1:] if part.strip()]


PAYLOADS = _payloads()
PROBES = ["probe", "probe-two", "probe-three"]


def _poisoned_case(slug: str) -> dict:
    """A case whose every text field, nested ones included, carries a payload; prose fields keep a citation.

    Each probe case starts the corpus at a different payload, so each payload lands in several kinds of field."""
    n = iter(range(7 * PROBES.index(slug), 10_000))

    def text(prose: bool = True) -> str:
        payload = PAYLOADS[next(n) % len(PAYLOADS)]
        if not prose:
            return payload
        parts = re.split(r"(\n\s*\n)", payload)  # every paragraph of prose cites its source
        return "".join(part if index % 2 else f"{part} [@src]" for index, part in enumerate(parts))

    return {
        "slug": slug,
        "name": text(False),
        "also_known_as": [{"name": text(False)}, {"name": text(False), "lang": "de"}],
        "summary": text(),
        "countries": ["DE"],
        "region": text(False),
        "setting": text(False),
        "health_system": {"type": "mixed", "why": text()},
        "start_year": 2001,
        "start_year_note": text(),
        "status": "active",
        "population_served": text(),
        "target_population": text(),
        "context": text(),
        "financing": text(),
        "building_blocks": [
            {"term": "financing-and-incentives", "how": text(), "detail": text()},
            {"term": "competent-workforce", "how": text()},
        ],
        "payment_instruments": [{"term": "shared-savings", "how": text(), "detail": text()}],
        "timeline": [{"year": 2001, "kind": "start", "event": text()}, {"year": 2005, "kind": "law", "event": text()}],
        "results": [
            {
                "metric": text(False),
                "value": text(False),
                "unit": text(False),
                "baseline": text(False),
                "period": text(False),
                "direction": "improved",
                "cite": "[@src]",
                "note": text(False),
                "design": "routine-monitoring",
                "certainty": "low",
                "certainty_why": text(),
            }
        ],
        "evaluation_search": {"searched": "2026-11-30", "outcome": "found", "note": text()},
        "corrections": [{"field": "start_year", "said": text(), "correction": text()}],
        "evidence": {"grade": "none", "why": text()},
        "stage": {"grade": "pilot", "why": text()},
        "strengths": [text(), text()],
        "weaknesses": [text()],
        "barriers": [text()],
        "facilitators": [text()],
        "lessons": [text()],
        "related": [{"slug": "gesundes-kinzigtal", "why": text(False)}],
        "sources": [
            {
                "key": "src",
                "type": "report",
                "authors": [text(False), text(False)],
                "year": 2020,
                "title": text(False),
                "container": text(False),
                "publisher": text(False),
                "place": text(False),
                "note": text(False),
                "url": "https://example.org/report",
            }
        ],
    }


@pytest.fixture(scope="module")
def poisoned_project(tmp_path_factory):
    """A scratch project with the probe cases, built once (strictly: no field may cause a MkDocs warning)."""
    project = copy_project(tmp_path_factory.mktemp("poisoned") / "project")
    for slug in PROBES:
        (project / "cases" / f"{slug}.yaml").write_text(
            yaml.safe_dump(_poisoned_case(slug), allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
    out = project.parent / "site"
    result = mkdocs_build(out, project)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    return project, out


@pytest.fixture(scope="module")
def poisoned_site(poisoned_project):
    return poisoned_project[1]


@pytest.fixture(scope="module")
def poisoned_url(poisoned_site):
    with localserver.serve(poisoned_site) as url:
        yield url


SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<!\s)\s+(?=[.,;:])")


def _normalised(text: str) -> str:
    """Whitespace-normalised and case-folded (the theme may change case); no space before punctuation,
    which plain-text fields drop."""
    return " ".join(SPACE_BEFORE_PUNCTUATION.sub("", text).split()).casefold()


def _shown_texts(case: dict) -> list[tuple[tuple, str]]:
    """(path, text) of every field a case page shows as text, citation markers removed."""
    from generator import citations, schema

    case_schema = schema.case_schema([fw.data for fw in CATALOGUE.frameworks])
    return [
        (path, citations.MARKER.sub("", text).rstrip().rstrip("."))
        for path, text, sub in schema.strings(case, case_schema)
        if "pattern" not in sub and "enum" not in sub
    ]


@pytest.mark.parametrize(
    "path",
    [
        *[f"cases/{slug}/" for slug in PROBES],
        "cases/gesundes-kinzigtal/",
        "frameworks/payment-instruments/shared-savings/",
        "frameworks/building-blocks/",
        "cases/",
        "evidence-map/",
        "timeline/",
        "map/",
    ],
)
def test_injected_markup_is_shown_as_text_and_never_runs(browser, poisoned_url, path):
    """The probe cases carry the payloads of tests/xss-payloads.txt in every text field, nested ones included."""
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(poisoned_url + path)
    settle(page)
    injected = page.evaluate("""() => {
        const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
        const found = {
            scripts: [...document.scripts]
                .filter(s => (!s.type || /javascript|module/.test(s.type)) && /xss/.test(s.textContent)).length,
            rawDataBlocks: [...document.scripts]
                .filter(s => /json/.test(s.type) && /<|>/.test(s.textContent) && /xss/.test(s.textContent)).length,
            handlers: [...document.querySelectorAll('*')]
                .filter(el => [...el.attributes].some(a => /^on/i.test(a.name))).length,
            iframes: document.querySelectorAll('iframe').length,
            jsLinks: [...document.querySelectorAll('a[href]')]
                .filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).length,
            outsideImages: [...document.querySelectorAll('img, image, source, picture')]
                .filter(el => /evil\\.example/.test(el.outerHTML)).length,
            injectedHeadings: headings.filter(h => h.tagName !== 'H1' && /INJECTED/.test(h.textContent)).length,
            pageHeadings: document.querySelectorAll('article h1').length,
            injectedTocEntries: [...document.querySelectorAll('.md-nav--secondary a')]
                .filter(a => /INJECTED|xss|evil/i.test(a.textContent)).length,
        };
        document.querySelectorAll('sup.cb-cite').forEach(sup => sup.remove());
        return {...found, text: document.body.innerText};
    }""")
    page.close()
    assert dialogs == []
    assert {k: v for k, v in injected.items() if k != "text"} == {
        "scripts": 0,
        "rawDataBlocks": 0,
        "handlers": 0,
        "iframes": 0,
        "jsLinks": 0,
        "outsideImages": 0,
        "injectedHeadings": 0,
        "pageHeadings": 1,
        "injectedTocEntries": 0,
    }
    slug = path.removeprefix("cases/").rstrip("/")
    if slug in PROBES:
        shown = _normalised(injected["text"])
        missing = [(p, t) for p, t in _shown_texts(_poisoned_case(slug)) if _normalised(t) not in shown]
        assert missing == [], "shown differently from the case file"


def test_markdown_in_a_field_builds_and_shows_literally(poisoned_site):
    """A field with a blank line and a Markdown link to a missing page used to abort the strict build
    after the output folder had changed; now it is text like any other."""
    probes = [(poisoned_site / "cases" / slug / "index.html").read_text(encoding="utf-8") for slug in PROBES]
    assert any("[broken](missing-page.md)" in html for html in probes)
    for html in probes:
        assert 'href="missing-page' not in html and 'src="https://evil.example' not in html


def test_a_build_that_fails_late_leaves_the_previous_site_untouched(poisoned_project):
    """A strict-mode warning from a hand-written page stops the build after every page was rendered:
    the site from the previous build stays byte for byte, and no staging folder is left behind."""
    project, out = poisoned_project
    before = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    page = project / "docs" / "late-failure.md"
    page.write_text("# Late failure\n\n[a link to nowhere](no-such-page.md)\n", encoding="utf-8")
    try:
        result = mkdocs_build(out, project)
    finally:
        page.unlink()
    assert result.returncode != 0 and "no-such-page.md" in result.stderr
    after = {path: path.read_bytes() for path in out.rglob("*") if path.is_file()}
    assert after.keys() == before.keys()
    assert [path for path in before if before[path] != after[path]] == []
    assert sorted(p.name for p in out.parent.iterdir() if p.name.startswith(".")) == []


def test_two_builds_of_one_commit_are_identical(site, tmp_path):
    """Byte for byte, except the allow-list: the Pagefind bundle, whose index files are written in a
    varying order by parallel workers and named by their content's hash. The first build is the session's."""
    first, second = site, tmp_path / "b"
    result = mkdocs_build(second)
    assert result.returncode == 0, result.stderr
    allowed_prefixes = ("pagefind/",)
    comparison = filecmp.dircmp(first, second)
    differences = []

    def walk(cmp, prefix=""):
        differences.extend(prefix + name for name in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(comparison)
    # dircmp compares shallowly (size and mtime); confirm byte equality of every file
    for path in first.rglob("*"):
        if path.is_file() and (second / path.relative_to(first)).is_file():
            if path.read_bytes() != (second / path.relative_to(first)).read_bytes():
                differences.append(str(path.relative_to(first)))
    assert sorted(d for d in set(differences) if not d.startswith(allowed_prefixes)) == []
    assert (first / "pagefind" / "pagefind-entry.json").exists() and (
        second / "pagefind" / "pagefind-entry.json"
    ).exists()


@pytest.fixture(scope="module")
def print_tab(browser):
    """One tab in print mode for every case: opening a tab per case would cost more than the check."""
    page = browser.new_page()
    page.emulate_media(media="print")
    yield page
    page.close()


@pytest.mark.parametrize("slug", [c.slug for c in CATALOGUE.cases])
def test_case_prints_on_at_most_two_a4_pages(print_tab, server, slug):
    page = print_tab
    page.goto(server + f"cases/{slug}/")
    visible_chrome = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-footer', '.cb-header-search']
        .filter(sel => {
            const el = document.querySelector(sel);
            return el && getComputedStyle(el).display !== 'none';
        })""")
    sources_shown = page.locator("#sources").is_visible()
    pdf = page.pdf(format="A4", print_background=False)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert visible_chrome == [] and sources_shown
    assert 1 <= pages <= 2, f"{slug} prints on {pages} pages"
