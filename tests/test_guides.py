""" "Cases like my system" and "Which payment instrument fits my aims" in a real browser: ranking and reasons,
links to the paragraphs they cite, state kept in the address, the same lists without script, and a phone's width."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from conftest import ROOT

from generator import fit
from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)
PAYMENT = CATALOGUE.framework_with_role("payment")
WORDS = fit.labels(CATALOGUE)
# A Dutch reader with insurers in competition, serving people with one condition, able to pay by bundle.
CONTEXT = fit.Context(
    system="regulated-competition",
    groups=frozenset({"named-condition"}),
    can=frozenset({"bundled-payment-per-condition"}),
)
QUERY = "fit/?system=regulated-competition&group=named-condition&can=bundled-payment-per-condition"


def ranked_slugs(page) -> list[str]:
    return page.eval_on_selector_all("#cb-fit-results > li", "items => items.map(li => li.dataset.slug)")


def why(page, slug: str) -> str:
    return page.locator(f"#fit-{slug} .cb-fitcase__why").inner_text()


def test_a_context_ranks_the_expected_cases_first_with_reasons_in_words(page, server):
    page.goto(server + QUERY)
    page.wait_for_function("() => /closest first/.test(document.getElementById('cb-fit-status').textContent)")
    slugs = ranked_slugs(page)
    expected = fit.rank(CATALOGUE, CONTEXT)
    assert slugs == [case.slug for case, _, _ in expected]  # the page applies the rules it states
    # The Dutch bundled payment scheme matches on all three; the BeterKeten projects on system and population.
    assert slugs[0] == "netherlands-diabetes-bundled-payment"
    assert {s for s in slugs[1:5]} == {c.slug for c in CATALOGUE.cases if c.slug.startswith("beterketen-")}
    assert why(page, slugs[0]) == (
        "Why here: same system type (regulated competition between insurers); also serves people with one named "
        "condition; used bundled payment per condition, which you can use."
    )
    assert page.locator(f"#fit-{slugs[0]} .cb-fitcase__score").inner_text() == "6 points"
    assert why(page, slugs[-1]) == "Nothing in common with what you chose."


def test_an_instrument_marked_not_possible_is_named_as_such(page, server):
    page.goto(server + "fit/?cannot=pooled-budgets")
    page.wait_for_function("() => /closest first/.test(document.getElementById('cb-fit-status').textContent)")
    users = {tag.case.slug for tag in PAYMENT.term_by_id["pooled-budgets"].uses}
    slugs = ranked_slugs(page)
    assert set(slugs[-len(users) :]) == users
    for slug in users:
        assert "relied on pooled budgets, which you marked as not possible" in why(page, slug)


def test_each_enabling_condition_links_to_the_paragraph_that_says_so(page, server):
    page.goto(server + QUERY)
    first = page.locator("#cb-fit-results > li").first
    links = first.locator(".cb-fitcase__check a")
    hrefs = links.evaluate_all("links => links.map(a => a.href)")
    assert hrefs, "the top case lists no condition to check"
    case = CATALOGUE.case_by_slug[first.get_attribute("data-slug")]
    kinds = first.locator(".cb-fitcase__kind").all_inner_texts()
    assert {k.rstrip(":").lower() for k in kinds} <= {kind for kind, _ in fit.enabling_conditions(case, CATALOGUE)}
    for href in hrefs:
        target = urlsplit(href).fragment
        tab = page.context.new_page()
        tab.goto(href)
        paragraph = tab.locator(f"[id='{target}']")
        assert paragraph.count() == 1, f"{href}: no element with id {target}"
        assert paragraph.is_visible(), f"{href}: the paragraph stays folded"
        tag = next(tag for _, tag in fit.enabling_conditions(case, CATALOGUE) if tag.anchor == target)
        assert tag.term.label in paragraph.inner_text()
        tab.close()


def test_the_choice_survives_a_reload_from_the_address(page, server):
    page.goto(server + "fit/")
    page.check("input[name='system'][value='national-health-service']")
    page.check("input[name='group'][value='frail-elderly']")
    page.select_option("#cb-fit-pay-pooled-budgets", "cannot")
    page.wait_for_function("() => /cannot=pooled-budgets/.test(location.search)")
    before = ranked_slugs(page)
    chosen = fit.Context("national-health-service", frozenset({"frail-elderly"}), cannot=frozenset({"pooled-budgets"}))
    assert before == [case.slug for case, _, _ in fit.rank(CATALOGUE, chosen)]
    address = page.url
    assert urlsplit(address).query == "system=national-health-service&group=frail-elderly&cannot=pooled-budgets"
    page.reload()
    assert page.url == address
    assert page.is_checked("input[name='group'][value='frail-elderly']")
    assert page.input_value("#cb-fit-pay-pooled-budgets") == "cannot"
    assert ranked_slugs(page) == before
    assert page.get_attribute("#cb-fit-link", "href").endswith(urlsplit(address).query)


def test_without_script_the_pages_list_the_same_cases_and_instruments(browser, server):
    context = browser.new_context(java_script_enabled=False)
    tab = context.new_page()
    tab.goto(server + QUERY)
    plain = tab.eval_on_selector_all("#cb-fit-results > li", "items => items.map(li => li.dataset.slug)")
    assert tab.locator("#cb-fit-form").is_hidden()  # a form that cannot work without script is not shown
    assert "not advice" in tab.locator(".cb-notice").inner_text()
    tab.goto(server + "payment-guide/?aim=reward-coordination")
    instruments = tab.eval_on_selector_all(
        ".cb-instr", "items => items.filter(s => !s.hidden).map(s => s.dataset.term)"
    )
    aims = tab.eval_on_selector_all(".cb-aim", "items => items.filter(s => !s.hidden).map(s => s.dataset.aim)")
    context.close()
    assert sorted(plain) == sorted(c.slug for c in CATALOGUE.cases)
    assert instruments == [t.id for t in PAYMENT.terms]
    assert aims == [aim["id"] for aim in PAYMENT.aims]


def test_the_payment_guide_shows_the_instruments_connected_to_the_aims_picked(page, server):
    aim = PAYMENT.aims[0]
    page.goto(server + "payment-guide/")
    page.check(f"input[name='aim'][value='{aim['id']}']")
    page.wait_for_function(f"() => location.search === '?aim={aim['id']}'")
    shown = page.eval_on_selector_all(".cb-instr", "items => items.filter(s => !s.hidden).map(s => s.dataset.term)")
    connected = {item["term"] for item in aim["instruments"]}
    assert set(shown) == connected
    assert page.locator(".cb-aim:not([hidden])").count() == 1
    assert f"For the other {len(PAYMENT.terms) - len(connected)} they make no connection" in page.inner_text(
        "#cb-guide-status"
    )
    page.reload()
    assert page.is_checked(f"input[name='aim'][value='{aim['id']}']")
    again = page.eval_on_selector_all(".cb-instr", "items => items.filter(s => !s.hidden).map(s => s.dataset.term)")
    assert again == shown


def test_every_aim_connection_cites_its_source_and_silence_is_said(page, server):
    page.goto(server + "payment-guide/")
    for aim in PAYMENT.aims:
        section = page.locator(f"#aim-{aim['id']}")
        assert section.locator("li").count() == len(aim["instruments"])
        assert section.locator("li sup.cb-cite").count() == len(aim["instruments"])
    unconnected = [
        t for t in PAYMENT.terms if not any(i["term"] == t.id for a in PAYMENT.aims for i in a["instruments"])
    ]
    for term in unconnected:
        assert "connect it to none of the aims" in page.inner_text(f"#instrument-{term.id}")


@pytest.mark.parametrize("address", [QUERY, "payment-guide/?aim=reward-coordination"])
def test_usable_at_a_phones_width(browser, server, address):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    tab = context.new_page()
    tab.goto(server + address)
    overflow = tab.evaluate("document.documentElement.scrollWidth")
    form = tab.locator("form").filter(has=tab.locator("fieldset")).first.bounding_box()
    context.close()
    assert overflow <= 390
    assert form["x"] >= 0 and form["x"] + form["width"] <= 390
