"""Search in a real browser: aliases, synonyms, typos, original-language names, queries that are filters,
the right page first, facets in their natural order, and results that load as the reader scrolls.

Queries come from the data (aliases, glossary groups, term labels) wherever the behaviour is about data.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from conftest import ROOT

from generator import facets, schema
from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)


def search(page, server, query: str) -> None:
    page.goto(server + "search/?q=" + query.replace(" ", "+"))
    page.wait_for_function("() => /\\d+ (result|case)/.test(document.getElementById('cb-search-status').textContent)")


def result_count(page) -> int:
    return int(re.match(r"(\d+)", page.inner_text("#cb-search-status")).group(1))


def best_match(page) -> str:
    return page.inner_text("#cb-best .cb-result__title") if page.is_visible("#cb-best") else ""


def aliases(with_language: bool) -> list[tuple[str, str]]:
    return [
        (alias["name"], case.name)
        for case in CATALOGUE.cases
        for alias in case.also_known_as or []
        if bool(alias.get("lang")) == with_language
    ]


def test_an_alias_shows_its_case_as_best_match(page, server):
    alias, name = next((a, n) for a, n in aliases(False) if len(a) <= 5)  # an abbreviation
    search(page, server, alias)
    assert best_match(page) == name


def test_an_original_language_name_finds_its_case_and_is_marked_with_its_language(page, server):
    found = aliases(True)
    assert found, "some case gives its name in its own language"
    alias, name = found[0]
    search(page, server, alias)
    assert best_match(page) == name
    page.click("#cb-best a")
    page.wait_for_selector("h1:not(:has-text('Search'))")
    assert page.inner_text("h1") == name
    assert page.locator(f".cb-aka [lang]:has-text('{alias}')").count() == 1


@pytest.mark.parametrize("first, second", [("elderly", "older people"), ("EHR", "electronic health record")])
def test_glossary_synonyms_find_the_same_pages(page, server, first, second):
    search(page, server, first)
    first_results = (result_count(page), page.locator("#cb-results .cb-result__title").all_inner_texts()[:3])
    search(page, server, second)
    second_results = (result_count(page), page.locator("#cb-results .cb-result__title").all_inner_texts()[:3])
    assert first_results == second_results
    assert first_results[0] > 0


def test_a_typo_two_edits_away_suggests_the_term_and_the_suggestion_searches_it(page, server):
    search(page, server, "capitaton")  # one letter left out
    assert "Capitation" in page.inner_text("#cb-suggest")
    page.click("#cb-suggest a:has-text('Capitation')")
    page.wait_for_function("() => document.getElementById('cb-search-q').value === 'Capitation'")
    page.wait_for_selector("#cb-best:not([hidden])")
    assert best_match(page) == "Capitation"
    search(page, server, "capitatoin")  # two letters swapped, one more left out
    assert "Capitation" in page.inner_text("#cb-suggest")


def test_a_strong_query_gets_no_suggestion(page, server):
    search(page, server, "shared savings")
    assert not page.is_visible("#cb-suggest")


def test_a_term_name_ranks_first_as_best_match(page, server):
    term = next(t for fw in CATALOGUE.frameworks for t in fw.terms if t.label == "Capitation")
    search(page, server, "capitation")
    assert best_match(page) == "Capitation"
    assert page.get_attribute("#cb-best a", "href").endswith(term.url)
    assert page.locator("#cb-best").bounding_box()["y"] < page.locator("#cb-results").bounding_box()["y"]


def test_a_case_name_ranks_first_even_when_its_words_are_common(page, server):
    case = next(c for c in CATALOGUE.cases if len(c.name.split()) >= 4)
    search(page, server, case.name.lower())
    assert best_match(page) == case.name


@pytest.mark.parametrize(
    "query, facet_id, value",
    [
        ("Netherlands", "country", "Netherlands"),
        ("pooled budgets", "payment-instruments", "Pooled budgets"),
        ("no evaluation", "evidence", "None reported"),
        ("randomised", "design", "Randomised trial"),
        ("ended", "stage", "Ended or stalled"),
        ("failed", "stage", "Ended or stalled"),  # a glossary word standing for a filter value
        ("no formal evaluation", "evidence", "None reported"),
    ],
)
def test_a_query_naming_a_filter_offers_it_and_one_click_applies_it(page, server, query, facet_id, value):
    search(page, server, query)
    chip = page.locator(f"#cb-chips button[data-facet='{facet_id}'][data-value='{value}']")
    assert chip.is_visible()
    chip.click()
    page.wait_for_function("() => /\\d+ case/.test(document.getElementById('cb-search-status').textContent)")
    assert parse_qs(urlparse(page.url).query) == {facet_id: [value]}
    expected = sum(value in facets.case_facets(c).get(facet_id, []) for c in CATALOGUE.cases)
    assert page.inner_text("#cb-search-status").startswith(f"{expected} case")
    assert page.is_checked(f"#cb-facets input[name='{facet_id}'][value='{value}']")


def test_facets_run_strongest_first_and_keep_options_with_no_cases(page, server):
    # the country with the fewest cases leaves some evidence grade and stage with no case
    counts: dict[str, int] = {}
    for case in CATALOGUE.cases:
        for name in case.country_names:
            counts[name] = counts.get(name, 0) + 1
    country = min(counts, key=lambda name: (counts[name], name))
    page.goto(server + "search/?country=" + country.replace(" ", "+"))
    page.wait_for_function("() => /\\d+ case/.test(document.getElementById('cb-search-status').textContent)")
    for facet_id, choices in (("evidence", schema.EVIDENCE_GRADES), ("stage", schema.STAGES)):
        page.click(f"details[data-facet='{facet_id}'] > summary")
        options = page.locator(f"details[data-facet='{facet_id}'] .cb-facet__option")
        labels = [re.sub(r"\s*\(\d+\)$", "", text).strip() for text in options.all_inner_texts()]
        assert labels == [choice["label"] for choice in choices.values()]
        empty = page.locator(f"details[data-facet='{facet_id}'] .cb-facet__option:has-text('(0)')")
        assert empty.count() >= 1
        assert empty.first.locator("input").is_disabled()


def test_first_results_fetch_few_fragments_and_the_rest_load_on_scroll(page, server):
    """A query with over a hundred results: the first three load with the list, then only those in or near
    the window (two more here, once the browser has laid the list out), and the rest as the reader scrolls."""
    search(page, server, "care")
    page.wait_for_timeout(500)  # the items in view report themselves a frame or two after the list shows
    fragments = [u for u in page.requests if "/pagefind/fragment/" in u]
    assert 0 < len(fragments) <= 6
    assert page.locator("#cb-results .cb-result--pending").count() > 0
    for _ in range(10):
        page.mouse.wheel(0, 2000)
        page.wait_for_timeout(150)
    page.wait_for_function("() => !document.querySelector('#cb-results .cb-result--pending')")
    assert len([u for u in page.requests if "/pagefind/fragment/" in u]) > len(fragments)


@pytest.mark.parametrize("query", ["best-evidenced results", "programme nobody evaluated", "printed summary"])
def test_the_casebook_own_explanations_do_not_make_every_case_a_result(page, server, query):
    """The notes every case page repeats (how grades are read, how results are ordered, the printed
    summary's line) are left out of the index: their words find only the cases whose own text uses them."""
    search(page, server, query)
    assert result_count(page) < len(CATALOGUE.cases) / 4
