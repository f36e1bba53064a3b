"""The reading experience, as a reader at a desk (1366 px) and on a phone (390 px) would notice it."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT, settle

from generator.render import shared_accounts
from generator.schema import EVIDENCE_GRADES
from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)
WIDTHS = [1366, 390]
PAGES = {
    "home": "",
    "case": "cases/gesundes-kinzigtal/",
    "case-without-results": "cases/salford-together/",
    "term": "frameworks/payment-instruments/shared-savings/",
    "framework": "frameworks/payment-instruments/",
    "cases": "cases/",
    "compare": "compare/?cases=gesundes-kinzigtal,salford-together",
    "search": "search/?q=frail",
    "data": "data/",
    "about": "about/",
}


@pytest.fixture(scope="module", params=WIDTHS, ids=lambda w: f"{w}px")
def reader(request, browser):
    """A browser tab at one of the two widths, reused by the tests of this module."""
    page = browser.new_page(viewport={"width": request.param, "height": 900})
    page.width = request.param
    yield page
    page.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_no_page_scrolls_sideways(reader, server, name):
    reader.goto(server + PAGES[name])
    settle(reader)
    overflow = reader.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {reader.width}px"


@pytest.mark.parametrize("name", ["compare", "case", "data", "framework", "cases"])
def test_sideways_scrollers_are_labelled_regions(reader, server, name):
    """Where a table is wider than the screen it scrolls in a box a keyboard and a screen reader can find."""
    reader.goto(server + PAGES[name])
    settle(reader)
    for box in reader.locator(".cb-table-wrap").all():
        if box.evaluate("e => e.scrollWidth > e.clientWidth + 1"):
            assert box.get_attribute("role") == "region" and box.get_attribute("aria-label")
            assert box.get_attribute("tabindex") == "0"


@pytest.mark.parametrize("name", ["home", "case", "cases", "data"])
def test_footer_names_licence_and_version(reader, server, name):
    reader.goto(server + PAGES[name])
    footer = reader.locator("footer").inner_text()
    assert "CC BY 4.0" in footer and "Integrated Care Casebook contributors" in footer
    assert re.search(r"version (\d{4}-\d\d-\d\d [0-9a-f]{7,}|unreleased)", footer), footer
    assert reader.locator("footer a[href$='#correcting-a-case']").count() == 1


@pytest.mark.parametrize("name", list(PAGES))
def test_titles_do_not_repeat_themselves(reader, server, name):
    reader.goto(server + PAGES[name])
    parts = [p.strip() for p in reader.title().split(" - ")]
    assert len(parts) == len(set(parts)), reader.title()


def test_case_page_answers_did_it_work_before_the_frameworks(reader, server):
    reader.goto(server + PAGES["case"])
    top = reader.evaluate("id => document.getElementById(id).getBoundingClientRect().top + scrollY", "results")
    tags = reader.eval_on_selector_all(".cb-tag", "tags => tags.map(e => e.getBoundingClientRect().top + scrollY)")
    assert tags and top < min(tags)
    assert "Grades describe what the sources show" in reader.locator(".cb-evidence__caveat").first.inner_text()


def test_case_page_shows_a_repeated_account_once():
    """A sentence given for several terms appears under the first; the others point to it."""
    case = next(c for c in CATALOGUE.cases if sum(map(len, c.tags.values())) >= 3)
    tags = [tag for tags in case.tags.values() for tag in tags][:3]
    first, second, third = tags
    saved = second.how
    try:
        second.how = " " + first.how.upper() + " "  # same words, other spacing and case
        accounts = shared_accounts(tags)
    finally:
        second.how = saved
    assert accounts[id(first)] == (first, [second])
    assert accounts[id(second)][0] is first and accounts[id(third)] == (third, [])


def test_phone_readers_get_a_section_menu(reader, server):
    reader.goto(server + PAGES["case"])
    menu = reader.locator("details.cb-onpage")
    if reader.width > 1220:
        assert menu.is_hidden()  # the theme's table of contents sits beside the text
        return
    reader.mouse.wheel(0, 3000)
    reader.wait_for_timeout(200)
    box = menu.bounding_box()
    assert box and 0 <= box["y"] < 120, "the menu stays at the top while reading"
    menu.locator("summary").click()
    menu.locator("a[href='#paid']").click()
    assert not menu.evaluate("e => e.open")
    assert reader.evaluate("location.hash") == "#paid"


def test_case_names_are_readable_in_the_case_list(reader, server):
    reader.goto(server + PAGES["cases"])
    widths = reader.eval_on_selector_all(
        "table.cb-caselist tbody th", "cells => cells.map(c => c.getBoundingClientRect().width)"
    )
    assert len(widths) == len(CATALOGUE.cases)
    if reader.width == 1366:
        assert min(widths) >= 160
    # No name breaks inside a word: every line break falls between words.
    broken = reader.eval_on_selector_all(
        "table.cb-caselist tbody th a",
        """links => links.filter(a => {
            const range = document.createRange();
            const text = a.firstChild;
            let lastTop = null;
            for (let i = 0; i < text.length; i++) {
                range.setStart(text, i); range.setEnd(text, i + 1);
                const top = range.getBoundingClientRect().top;
                const before = text.data[i - 1];
                if (lastTop !== null && top > lastTop + 2 && !/[\\s\\-/]/.test(before)) return true;
                lastTop = top;
            }
            return false;
        }).map(a => a.textContent)""",
    )
    assert broken == []


def test_case_filter_matches_every_word_in_any_order(reader, server):
    reader.goto(server + PAGES["cases"])
    dutch_frail = {
        c.name for c in CATALOGUE.cases if "NL" in c.countries and "frail-elderly" in (c.target_groups or [])
    }
    assert dutch_frail
    reader.fill("#cb-case-filter", "Netherlands, frail")
    shown = set(reader.locator("table.cb-caselist tbody tr:visible th").all_inner_texts())
    assert dutch_frail <= shown
    assert all("NL" in c.countries for c in CATALOGUE.cases if c.name in shown)
    reader.fill("#cb-case-filter", "frail  NETHERLANDS")
    assert set(reader.locator("table.cb-caselist tbody tr:visible th").all_inner_texts()) == shown
    assert reader.locator("#cb-case-filter-empty").is_hidden()


def test_case_filter_says_when_nothing_matches(reader, server):
    reader.goto(server + PAGES["cases"])
    reader.fill("#cb-case-filter", "zzzz")
    assert reader.locator("table.cb-caselist tbody tr:visible").count() == 0
    empty = reader.locator("#cb-case-filter-empty")
    assert empty.is_visible() and "No case matches" in empty.inner_text()
    empty.get_by_role("button", name="Clear the filter").click()
    assert reader.locator("table.cb-caselist tbody tr:visible").count() == len(CATALOGUE.cases)
    assert empty.is_hidden()


def test_blank_start_years_sort_last_both_ways(browser, server):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(server + PAGES["cases"])
    button = page.locator("th:has-text('Start') button")
    blanks = sum(not c.start_year for c in CATALOGUE.cases)
    assert blanks, "the catalogue has cases without a start year"
    for direction in (1, -1):
        button.click()
        years = page.locator("table.cb-caselist tbody tr td:nth-child(3)").all_inner_texts()
        filled = [int(y) for y in years if y]
        assert years[len(filled) :] == [""] * blanks
        assert filled == sorted(filled, reverse=direction < 0)
    page.close()


def test_compare_keeps_case_names_in_view(reader, server):
    reader.goto(server + PAGES["compare"])
    settle(reader)
    header = reader.locator("#cb-compare-table thead th").nth(1)
    assert header.inner_text().startswith("Gesundes Kinzigtal")
    scroller = reader.locator(".cb-compare__scroller")
    if scroller.evaluate("e => e.scrollHeight > e.clientHeight + 1"):  # a phone: the table scrolls in its box
        scroller.evaluate("e => e.scrollTop = 1200")
        frame = scroller.bounding_box()
    else:
        reader.evaluate("window.scrollTo(0, 1800)")
        frame = {"y": 0, "height": 900}
    reader.wait_for_timeout(100)
    box = header.bounding_box()
    assert frame["y"] <= box["y"] and box["y"] + box["height"] <= frame["y"] + frame["height"]


def test_compare_leads_with_results_in_plain_words_and_can_show_differences_only(reader, server):
    reader.goto(server + PAGES["compare"])
    settle(reader)
    groups = reader.locator("#cb-compare-table th[scope=rowgroup]").all_inner_texts()
    assert groups[0] == "Did it work?" and groups[1] == "What, where and for whom"
    assert groups[2] == "How it was paid for"
    table = reader.locator("#cb-compare-table").inner_text()
    compared = [CATALOGUE.case_by_slug[s] for s in PAGES["compare"].split("cases=")[1].split(",")]
    for case in compared:  # grades in plain words, never their codes
        assert EVIDENCE_GRADES[case.evidence["grade"]]["label"] in table
        assert f"{case.evidence['grade']}:" not in table
    alike = [c for c in CATALOGUE.cases if c.countries == ["NL"] and c.evidence["grade"] == "qualitative"][:2]
    reader.goto(server + "compare/?cases=" + ",".join(c.slug for c in alike))
    settle(reader)
    rows = reader.locator("#cb-compare-table tbody tr:visible").count()
    reader.check("#cb-compare-diff")
    assert 0 < reader.locator("#cb-compare-table tbody tr:visible").count() < rows
    assert reader.locator("#cb-compare-table tr.cb-compare__same:visible").count() == 0


def test_home_starts_from_questions_and_states_its_scope(reader, server):
    reader.goto(server)
    questions = reader.locator(".cb-questions a").all()
    texts = [q.inner_text() for q in questions]
    assert any("pay for integrated care" in t for t in texts) and any("What went wrong" in t for t in texts)
    countries = {code for c in CATALOGUE.cases for code in c.countries}
    scope = reader.locator(".cb-scope").inner_text()
    assert f"{len(CATALOGUE.cases)} cases from {len(countries)} countries" in scope
    mix = reader.locator(".cb-mix").inner_text()
    assert sum(int(n) for n in re.findall(r"(\d+)\s*$", mix, flags=re.M)) == len(CATALOGUE.cases)
    heading = reader.locator("h2").nth(0).inner_text()
    assert heading == "Start with a question"


def test_frail_dutch_programmes_and_their_results_in_three_steps(browser, server):
    """Home -> the case list, filtered -> a case whose first answer is whether it worked."""
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(server)
    page.get_by_role("link", name=re.compile("Which programmes are in my country")).click()
    page.fill("#cb-case-filter", "Netherlands, frail")
    page.locator("table.cb-caselist tbody tr:visible th a").first.click()
    assert page.locator("h2").nth(1).inner_text() == "Did it work?"
    page.close()


def test_compare_two_programmes_on_payment_in_three_steps(browser, server):
    """Home -> compare -> a suggested pair, whose comparison shows how each was paid for."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(server)
    page.get_by_role("link", name=re.compile("Compare two programmes")).click()
    page.locator(".cb-compare__pairs a").first.click()
    page.wait_for_url("**/compare/?cases=*")
    page.wait_for_function("() => /Comparing 2 cases/.test(document.getElementById('cb-compare-status').textContent)")
    assert page.locator("#cb-compare-table th[scope=rowgroup]", has_text="How it was paid for").is_visible()
    headers = page.eval_on_selector_all(
        "#cb-compare-table th[scope=row], #cb-compare-table th[scope=rowgroup]",
        "els => els.map(e => e.textContent.trim())",
    )
    assert headers[headers.index("How it was paid for") + 1] == "Financing"
    page.close()


def test_a_payment_instrument_and_what_happened_in_three_steps(browser, server):
    """Home -> a payment instrument -> a case using it, which opens on whether it worked."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.goto(server)
    instrument = page.locator(".cb-paylist a").first
    label = instrument.inner_text()
    instrument.click()
    assert page.locator("h1").inner_text() == label
    page.locator(".cb-uses__case").first.click()
    assert page.locator("#did-it-work").inner_text() == "Did it work?"
    page.close()


def test_case_page_marks_corrected_fields_and_dates_its_status():
    """Fields from the evidence issue, when a case has them: status "as of", last reviewed, corrections."""
    from generator.render import Renderer

    case = next(c for c in CATALOGUE.cases if c.start_year)
    extra = {
        "status_as_of": 2019,
        "last_reviewed": "2026-11-01",
        "corrections": [{"field": "start_year", "said": "1999", "correction": "The sources say otherwise."}],
    }
    saved = dict(case.data)
    case.data.update(extra)
    try:
        html = Renderer(CATALOGUE, {}).case_page(case)
    finally:
        case.data.clear()
        case.data.update(saved)
    since = re.search(r"<dt>Since</dt><dd>(.*?)</dd>", html).group(1)
    assert '<a class="cb-corrected" href="#corrections">corrected</a>' in since
    assert html.count('class="cb-corrected"') == 1
    assert f"{case.status.capitalize()} as of 2019" in html
    assert "Last reviewed against its sources 2026-11-01" in html


def test_folded_frameworks_name_each_term_once(site):
    """A term tagged at two levels (SELFIE's financing at meso and macro) is named once in the summary line."""
    for case in CATALOGUE.cases:
        html = (site / case.url / "index.html").read_text(encoding="utf-8")
        for line in re.findall(r'class="cb-fw__terms">([^<]*)<', html):
            terms = line.split(", ")
            assert len(terms) == len(set(terms)), f"{case.slug}: {line}"
