"""The explore pages in a real browser at a laptop's and a phone's width: charts, evidence map, map,
the payment axis and "What did not work" fit their width, stay legible and explain their marks."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import urljoin, urlsplit

import pytest
from conftest import ROOT, settle

from generator import schema
from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)
PAYMENT = CATALOGUE.framework_with_role("payment")
PAGES = {
    "overview": "overview/",
    "evidence-map": "evidence-map/",
    "map": "map/",
    "payment-instruments": PAYMENT.url,
    "failures": "failures/",
}
WIDTHS = [1366, 390]

# Everything that draws data: it must be fully on screen, or inside a labelled region that scrolls to it.
CUT_OFF = """() => {
  const scroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const style = getComputedStyle(p);
      if (['auto', 'scroll'].includes(style.overflowX) && p.getAttribute('role') === 'region'
          && (p.getAttribute('aria-labelledby') || p.getAttribute('aria-label'))) return p;
    }
    return null;
  };
  const width = document.documentElement.clientWidth;
  const problems = [];
  for (const el of document.querySelectorAll('table, svg, .cb-bars, .cb-axis, .cb-legend, .cb-mapview')) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;  // in a closed <details> or a hidden tab
    if (el.closest('.md-header, .md-footer, .md-sidebar')) continue;
    const region = scroller(el);
    if (region) {
      const outer = region.getBoundingClientRect();
      if (outer.left < -1 || outer.right > width + 1) problems.push(`the scroll region of ${region.id} is cut off`);
      const reach = region.scrollWidth - region.clientWidth + outer.width;
      if (reach < box.width - 1) problems.push('a scroll region cannot reach the end of its table');
    } else if (box.left < -1 || box.right > width + 1) {
      const span = `${Math.round(box.left)}-${Math.round(box.right)}`;
      problems.push(`${el.tagName}.${el.getAttribute('class')} spans ${span} of ${width}`);
    }
  }
  return problems;
}"""

SMALLEST_TEXT = """(selector) => {
  let smallest = Infinity, where = '';
  for (const root of document.querySelectorAll(selector)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const node = walker.currentNode, el = node.parentElement;
      if (!node.textContent.trim() || el.closest('.cb-sr-only, [hidden]')) continue;
      const box = el.getBoundingClientRect();
      if (!box.width) continue;
      let size = parseFloat(getComputedStyle(el).fontSize);
      const svg = el.ownerSVGElement;
      const view = svg && svg.viewBox.baseVal;
      if (view && view.width) size *= svg.getBoundingClientRect().width / view.width;
      if (size < smallest) { smallest = size; where = node.textContent.trim().slice(0, 40); }
    }
  }
  return [smallest, where];
}"""


@pytest.fixture
def open_page(browser, server):
    contexts = []

    def go(name: str, width: int, scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        contexts.append(context)
        tab = context.new_page()
        tab.goto(server + PAGES[name])
        settle(tab)
        return tab

    yield go
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_explore_pages_fit_their_width(open_page, name, width):
    tab = open_page(name, width)
    overflow = tab.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
    assert tab.evaluate(CUT_OFF) == []


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", list(PAGES))
def test_explore_text_is_at_least_12px(open_page, name, width):
    tab = open_page(name, width)
    tab.evaluate("() => document.querySelectorAll('details').forEach((d) => (d.open = true))")
    size, text = tab.evaluate(SMALLEST_TEXT, "article")
    assert size >= 12 - 0.01, f"'{text}' is {size:.1f}px on {name} at {width}px"


def test_evidence_map_tables_cut_nothing_off_in_any_tab(open_page):
    tab = open_page("evidence-map", 390)
    for fw in CATALOGUE.frameworks:
        tab.click(f"#tab-{fw.id}")
        assert tab.evaluate(CUT_OFF) == [], fw.id
        region = tab.locator(f"#map-{fw.id} [role=region]")
        assert region.get_attribute("tabindex") == "0"  # keyboard users can scroll it too
        last = tab.locator(f"#map-{fw.id} thead th").last
        region.evaluate("(el) => (el.scrollLeft = el.scrollWidth)")
        box, outer = last.bounding_box(), region.bounding_box()
        assert box["x"] + box["width"] <= outer["x"] + outer["width"] + 1, f"last column of {fw.id} unreachable"


def test_overview_charts_have_data_source_and_download(open_page, server):
    import urllib.request

    tab = open_page("overview", 1366)
    sections = tab.locator("section.cb-chart")
    assert sections.count() >= 3
    for i in range(sections.count()):
        section = sections.nth(i)
        assert section.locator(".cb-admonition, .admonition").count() == 0
        assert section.locator("details > summary").inner_text() == "Show the data"
        assert section.locator(".cb-chart__source").inner_text().startswith("Source: the casebook's case files")
        bars = section.locator(".cb-bars li").count()
        assert bars == section.locator("details tbody tr").count()
        box = section.locator(".cb-bars").bounding_box()
        assert box["width"] >= 600, "the chart does not fill the column"
        href = section.locator("a[download]").get_attribute("href")
        rows = list(csv.reader(io.StringIO(urllib.request.urlopen(urljoin(tab.url, href)).read().decode())))
        assert len(rows) == bars + 1
    by_country = tab.locator("#by-country ~ .cb-bars li").all_inner_texts()
    assert len(by_country) == len({c for case in CATALOGUE.cases for c in case.countries})


def test_evidence_map_explains_every_mark(open_page):
    tab = open_page("evidence-map", 1366)
    legend = tab.locator(".cb-legend").inner_text()
    for choice in schema.EVIDENCE_GRADES.values():
        assert choice["label"] in legend
    for words in ("Hatched column", "mi", "Numbers"):
        assert words in legend
    # Each case sits in the group of its evidence grade, and its marks have that grade's shape.
    panel = tab.locator("#map-building-blocks")
    for rank, grade in enumerate(schema.EVIDENCE_GRADES, 1):
        names = [c.name for c in CATALOGUE.cases if c.evidence["grade"] == grade and c.tags["building-blocks"]]
        for name in names[:2]:
            row = panel.locator("tbody tr", has=tab.locator(f"th[scope=row] a:text-is('{name}')"))
            marks = row.locator("td .cb-ev")
            assert marks.count() >= 1 and marks.count() == row.locator(f"td .cb-ev--{rank}").count()
    underlined = tab.evaluate(
        "() => [...document.querySelectorAll('table.cb-map thead a')].filter("
        "(a) => getComputedStyle(a).textDecorationLine.includes('underline')).length"
    )
    assert underlined == 0, "rotated headings show their link underline as a stray bar"


def test_map_shows_europe_large_with_a_legend_and_country_list(open_page):
    tab = open_page("map", 1366)
    netherlands = tab.locator("svg.cb-worldmap a[aria-label^='Netherlands'] path").bounding_box()
    assert netherlands["width"] >= 15, "Europe is still a speck"
    countries = {c for case in CATALOGUE.cases for c in case.countries}
    legend_counts = [
        int(re.search(r"(\d+) countr", t).group(1)) for t in tab.locator(".cb-maplegend li .cb-count").all_inner_texts()
    ]
    assert sum(legend_counts) == len(countries)
    listed = tab.locator(".cb-countrylist a")
    assert listed.count() == len(countries)
    for i in range(listed.count()):
        target = listed.nth(i).get_attribute("href")
        assert tab.locator(target).count() == 1
    assert tab.locator(".cb-worldmap-inset").is_visible()


@pytest.mark.parametrize("width", WIDTHS)
def test_payment_axis_shows_every_stage_without_scrolling(open_page, width):
    tab = open_page("payment-instruments", width)
    stages = tab.locator("ol.cb-axis > li")
    assert stages.count() == len(PAYMENT.axes)
    for i in range(stages.count()):
        box = stages.nth(i).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width
    for i, (_, terms) in enumerate(PAYMENT.axes):
        if not terms:
            assert "No instrument placed here by the sources" in stages.nth(i).inner_text()
            assert stages.nth(i).bounding_box()["height"] < 80, "an empty stage is not compact"


def test_failures_page_lists_every_ended_case_and_links_resolve(open_page, site):
    tab = open_page("failures", 1366)
    ended = [c for c in CATALOGUE.cases if c.ended]
    assert ended, "the catalogue has ended cases, the page must show them"
    headings = tab.locator("#ended ~ .cb-failcase h3").all_inner_texts()
    assert sorted(headings) == sorted(c.name for c in ended)
    links = tab.eval_on_selector_all("article a[href*='cases/'][href*='#']", "(as) => as.map((a) => a.href)")
    assert len(links) > 20
    ids: dict[str, set[str]] = {}
    for link in links:
        path, fragment = urlsplit(link).path, urlsplit(link).fragment
        if path not in ids:
            html = (site / path.strip("/") / "index.html").read_text(encoding="utf-8")
            ids[path] = set(re.findall(r'\bid="([^"]+)"', html))
        assert fragment in ids[path], f"{link} has no target"
    for case in CATALOGUE.cases:
        for field in ("weaknesses", "barriers"):
            for anchor, _ in case.points(field):
                assert any(link.endswith(f"/{case.url}#{anchor}") for link in links), f"{case.slug}#{anchor} missing"
