"""The site in a real browser (headless Debian Chromium via Playwright).

Search, filters, URL state, no outside requests.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

from conftest import ROOT

from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)


#: The cases tagged with the building block the search tests filter by.
WORKFORCE = {
    c.name for c in CATALOGUE.cases if any(t.term.id == "competent-workforce" for t in c.tags["building-blocks"])
}


def result_titles(page) -> list[str]:
    return page.locator("#cb-results .cb-result__title").all_inner_texts()


def wait_for_results(page) -> None:
    page.wait_for_function("() => /\\d+ (result|case)/.test(document.getElementById('cb-search-status').textContent)")


def test_header_search_finds_gesundes_kinzigtal_and_a_filter_narrows_it(page, server):
    page.goto(server + "cases/nuka-system-of-care/")
    page.fill("#cb-header-q", "shared savings")
    page.press("#cb-header-q", "Enter")
    page.wait_for_url("**/search/?q=shared+savings")
    wait_for_results(page)
    before = result_titles(page)
    assert "Gesundes Kinzigtal" in before
    assert len(before) > 1

    page.click("summary:has-text('Building blocks')")
    page.check("label:has-text('Competent workforce')")
    assert set(before) - WORKFORCE, "the query must also find cases the filter removes"
    page.wait_for_function(
        "names => { const shown = [...document.querySelectorAll('#cb-results .cb-result__title')]"
        ".map(t => t.textContent.trim()); return shown.length > 0 && !shown.some(n => names.includes(n)); }",
        arg=sorted(set(before) - WORKFORCE),
    )
    after = result_titles(page)
    assert "Gesundes Kinzigtal" in after and set(after) <= WORKFORCE
    query = parse_qs(urlparse(page.url).query)
    assert query == {"q": ["shared savings"], "building-blocks": ["Competent workforce"]}


def test_a_shared_search_url_restores_query_and_filters(page, server):
    page.goto(server + "search/?q=shared+savings&building-blocks=Competent+workforce")
    wait_for_results(page)
    assert page.input_value("#cb-search-q") == "shared savings"
    assert page.locator("input[name='building-blocks'][value='Competent workforce']").is_checked()
    titles = result_titles(page)
    assert "Gesundes Kinzigtal" in titles and set(titles) <= WORKFORCE


def test_filter_by_country_without_words(page, server):
    page.goto(server + "search/")
    page.wait_for_function("() => document.querySelector('#cb-facets details')")
    page.click("summary:has-text('Country')")
    page.check("label:has-text('United States')")
    wait_for_results(page)
    expected = [c.name for c in CATALOGUE.cases if "US" in c.countries]
    assert len(expected) >= 2
    assert result_titles(page) == expected
    assert parse_qs(urlparse(page.url).query) == {"country": ["United States"]}


def test_citation_marker_links_to_its_source(page, server):
    page.goto(server + "cases/gesundes-kinzigtal/")
    marker = page.locator(".cb-summary .cb-cite a").first
    assert marker.get_attribute("title").startswith("Stein 2016")
    marker.click()
    assert urlparse(page.url).fragment == "src-stein2016"
    assert page.locator("#src-stein2016").is_visible()


def test_filter_only_browsing_does_not_load_the_search_index(page, server):
    page.goto(server + "search/?building-blocks=Competent+workforce")
    wait_for_results(page)
    expected = [
        c.name for c in CATALOGUE.cases if any(t.term.id == "competent-workforce" for t in c.tags["building-blocks"])
    ]
    assert page.inner_text("#cb-search-status").startswith(f"{len(expected)} case")
    assert result_titles(page) == expected[:10]  # the first ten, in the catalogue's order
    # Pagefind's code loads when the page opens, ready for typing; its index must not.
    assert not [url for url in page.requests if re.search(r"/pagefind/(index|filter|fragment)/", url)]


def test_compare_shows_the_chosen_cases_side_by_side(page, server):
    page.goto(server + "compare/?cases=gesundes-kinzigtal,salford-together")
    page.wait_for_function("() => /Comparing 2 cases/.test(document.getElementById('cb-compare-status').textContent)")
    headers = page.locator("#cb-compare-table tr").first.locator("th a").all_inner_texts()
    assert headers == ["Gesundes Kinzigtal", "Salford Together"]
    assert page.locator("#cb-compare-table th[scope=rowgroup]", has_text="Building blocks").count() == 1
    page.select_option("#cb-compare-3", "nuka-system-of-care")
    page.click("#cb-compare button[type=submit]")
    page.wait_for_function("() => /Comparing 3 cases/.test(document.getElementById('cb-compare-status').textContent)")
    assert parse_qs(urlparse(page.url).query) == {"cases": ["gesundes-kinzigtal,salford-together,nuka-system-of-care"]}


def test_case_page_offers_compare_with(page, server):
    page.goto(server + "cases/salford-together/")
    page.click("text=Compare with other cases")
    page.wait_for_url("**/compare/?cases=salford-together")
    page.wait_for_function(
        "() => /Choose at least one more case/.test(document.getElementById('cb-compare-status').textContent)"
    )
    assert page.input_value("#cb-compare-1") == "salford-together"


def test_evidence_map_cell_lands_on_the_case_paragraph(page, server):
    page.goto(server + "evidence-map/#map-payment-instruments")
    assert page.locator("#map-building-blocks").is_hidden()
    cell = page.locator("#map-payment-instruments a[aria-label='Gesundes Kinzigtal: Shared savings']")
    cell.click()
    page.wait_for_url("**/cases/gesundes-kinzigtal/#payment-instruments-shared-savings")
    target = page.locator("#payment-instruments-shared-savings")
    assert target.is_visible() and "Shared savings" in target.inner_text()


def test_case_list_sorts_and_filters(page, server):
    page.goto(server + "cases/")
    page.click("th:has-text('Start') button")
    years = [t for t in page.locator("table.cb-caselist tbody tr td:nth-child(3)").all_inner_texts() if t]
    assert years == sorted(years, key=int)
    page.fill("#cb-case-filter", "Netherlands")
    visible = page.locator("table.cb-caselist tbody tr:visible")
    assert visible.count() == sum("NL" in c.countries for c in CATALOGUE.cases)


def test_map_links_each_country_to_its_cases(page, server):
    page.goto(server + "map/")
    page.click("svg.cb-worldmap a[aria-label^='Germany']")
    assert urlparse(page.url).fragment == "country-de"
    listed = page.locator("#country-de + ul li").all_inner_texts()
    assert sorted(listed) == sorted(c.name for c in CATALOGUE.cases if "DE" in c.countries)
