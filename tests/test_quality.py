"""Quality gates: accessibility (axe-core), keyboard focus, CSP, injection, links, print, reproducible builds."""

from __future__ import annotations

import filecmp
import re
from urllib.parse import urlsplit

import pytest
import yaml
from conftest import ROOT, copy_project, mkdocs_build

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
}


def settle(page) -> None:
    """Wait until the page's own scripts have filled it in."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !/Loading|Searching/.test(document.body.innerText)")


@pytest.fixture(scope="module")
def axe_source() -> str:
    if not AXE.exists():
        pytest.fail("axe-core is missing: run the tests with `make test`, which runs npm ci")
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", list(PAGES))
def test_no_serious_accessibility_violations(browser, server, axe_source, name, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(server + PAGES[name])
    settle(page)
    page.add_script_tag(content=axe_source)
    result = page.evaluate(
        "() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
    )
    context.close()
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == [], "\n".join(serious)


@pytest.mark.parametrize("name", ["home", "case", "search-with-results", "compare"])
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


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_satisfy_their_content_security_policy(browser, server, name):
    page = browser.new_page()
    page.add_init_script(
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', "
        "e => window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    page.goto(server + PAGES[name])
    settle(page)
    violations = page.evaluate("() => window.__cspViolations")
    policy = page.locator("meta[http-equiv='Content-Security-Policy']").get_attribute("content")
    page.close()
    assert "default-src 'self'" in policy
    assert violations == []


@pytest.mark.parametrize("name", list(PAGES))
def test_pages_load_with_only_the_sites_own_host(browser, server, name):
    context = browser.new_context()
    blocked = []

    def only_local(route):
        if route.request.url.startswith(server) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.goto(server + PAGES[name])
    settle(page)
    context.close()
    assert blocked == []


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


PAYLOADS = [
    line for line in (ROOT / "tests" / "xss-payloads.txt").read_text(encoding="utf-8").splitlines() if line.strip()
]


def _poisoned_case() -> dict:
    """A case whose every text field carries a payload; prose fields keep their citation."""
    n = iter(range(10_000))

    def text(prose: bool = True) -> str:
        payload = PAYLOADS[next(n) % len(PAYLOADS)]
        return f"{payload} [@src]" if prose else payload

    return {
        "slug": "probe",
        "name": text(False),
        "also_known_as": [text(False)],
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
        "building_blocks": [{"term": "financing-and-incentives", "how": text(), "detail": text()}],
        "payment_instruments": [{"term": "shared-savings", "how": text()}],
        "timeline": [{"year": 2001, "kind": "start", "event": text()}],
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
            }
        ],
        "evidence": {"grade": "none", "why": text()},
        "stage": {"grade": "pilot", "why": text()},
        "strengths": [text()],
        "weaknesses": [text()],
        "barriers": [text()],
        "facilitators": [text()],
        "lessons": [text()],
        "related": [{"slug": "gesundes-kinzigtal", "why": text(False)}],
        "sources": [
            {
                "key": "src",
                "type": "report",
                "authors": [text(False)],
                "year": 2020,
                "title": text(False),
                "container": text(False),
                "publisher": text(False),
                "note": text(False),
                "url": "https://example.org/report",
            }
        ],
    }


@pytest.fixture(scope="module")
def poisoned_site(tmp_path_factory):
    project = copy_project(tmp_path_factory.mktemp("poisoned") / "project")
    (project / "cases" / "probe.yaml").write_text(
        yaml.safe_dump(_poisoned_case(), allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    out = project.parent / "site"
    result = mkdocs_build(out, project)
    assert result.returncode == 0, result.stderr
    return out


@pytest.mark.parametrize(
    "path",
    [
        "cases/probe/",
        "cases/gesundes-kinzigtal/",
        "frameworks/payment-instruments/shared-savings/",
        "cases/",
        "evidence-map/",
        "timeline/",
    ],
)
def test_injected_markup_is_shown_as_text_and_never_runs(browser, poisoned_site, path):
    import functools
    import http.server
    import threading

    from conftest import QuietHandler

    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(QuietHandler, directory=str(poisoned_site))
    )
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"http://127.0.0.1:{httpd.server_address[1]}/{path}")
    page.wait_for_load_state("networkidle")
    injected = page.evaluate("""() => ({
        scripts: [...document.scripts]
            .filter(s => (!s.type || /javascript|module/.test(s.type)) && /xss/.test(s.textContent)).length,
        rawDataBlocks: [...document.scripts]
            .filter(s => /json/.test(s.type) && /<|>/.test(s.textContent) && /xss/.test(s.textContent)).length,
        handlers: [...document.querySelectorAll('*')]
            .filter(el => [...el.attributes].some(a => /^on/i.test(a.name))).length,
        iframes: document.querySelectorAll('iframe').length,
        jsLinks: [...document.querySelectorAll('a[href]')]
            .filter(a => /^javascript:/i.test(a.getAttribute('href'))).length,
        text: document.body.innerText,
    })""")
    page.close()
    httpd.shutdown()
    assert dialogs == []
    assert {k: v for k, v in injected.items() if k != "text"} == {
        "scripts": 0,
        "rawDataBlocks": 0,
        "handlers": 0,
        "iframes": 0,
        "jsLinks": 0,
    }
    if path == "cases/probe/":
        assert "<script>alert('xss-script')</script>" in injected["text"]
        assert "{{ 7*7 }}" in injected["text"]


def test_two_builds_of_one_commit_are_identical(tmp_path):
    """Byte for byte, except the allow-list: the Pagefind bundle, whose index files are written in a
    varying order by parallel workers and named by their content's hash."""
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        result = mkdocs_build(out)
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


@pytest.mark.parametrize("slug", [c.slug for c in CATALOGUE.cases])
def test_case_prints_on_at_most_two_a4_pages(browser, server, tmp_path, slug):
    page = browser.new_page()
    page.goto(server + f"cases/{slug}/")
    page.emulate_media(media="print")
    visible_chrome = page.evaluate("""() => ['.md-header', '.md-sidebar--primary', '.md-footer', '.cb-header-search']
        .filter(sel => {
            const el = document.querySelector(sel);
            return el && getComputedStyle(el).display !== 'none';
        })""")
    sources_shown = page.locator("#sources").is_visible()
    pdf = page.pdf(format="A4", print_background=False)
    page.close()
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert visible_chrome == [] and sources_shown
    assert 1 <= pages <= 2, f"{slug} prints on {pages} pages"
