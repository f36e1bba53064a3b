"""The catalogue itself: every case and framework meets the casebook's standard (a failure names the entry)."""

from __future__ import annotations

import pytest
from conftest import ROOT

from generator import citations, schema
from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)
CASE_SCHEMA = schema.case_schema([fw.data for fw in CATALOGUE.frameworks])

REQUIRED_CASES = {
    "gesundes-kinzigtal",
    "north-west-london-wsic",
    "scotland-health-and-social-care-integration",
    "nuka-system-of-care",
    "catalunya-shared-ehealth-record",
    "netherlands-diabetes-bundled-payment",
    "us-pioneer-acos",
    "mayo-clinic",
    "health-network-tennengau",
    "sociomedical-centre-liebenau",
    "geros",
    "croatian-mobile-palliative-care",
    "casaplus",
    "onkonetwork",
    "hungarian-palliative-consult-service",
    "u-profit",
    "care-chain-frail-elderly",
    "better-together-amsterdam-north",
    "norwegian-learning-networks",
    "medically-assisted-rehabilitation-bergen",
    "barcelona-esquerra-aisbe",
    "badalona-serveis-assistencials",
    "salford-together",
    "south-somerset-symphony",
    "beterketen-a-paediatric-blood-disease",
    "beterketen-b-allergy-care",
    "beterketen-c-dizziness-clinic",
    "beterketen-d-ibd-pathway",
    "hague-prediabetes-group-consultations",
}


def test_catalogue_holds_every_case_of_the_sources():
    assert REQUIRED_CASES <= set(CATALOGUE.case_by_slug)


def _cited_keys(text: str) -> set[str]:
    return {cite.key for marker in citations.markers(text) for cite in marker.cites}


@pytest.mark.parametrize("case", CATALOGUE.cases, ids=lambda c: c.slug)
def test_case_meets_the_standard(case):
    assert case.summary and case.countries
    assert case.evidence["grade"] in schema.EVIDENCE_GRADES and case.evidence["why"]
    assert case.stage["grade"] in schema.STAGES and case.stage["why"]
    assert len(case.tags["building-blocks"]) >= 2, "at least two building blocks"
    keys = {s.key for s in case.sources}
    for row in case.results or []:
        assert _cited_keys(row["cite"]) and _cited_keys(row["cite"]) <= keys, row["metric"]
    for tags in case.tags.values():
        for tag in tags:
            assert _cited_keys(tag.how) and _cited_keys(tag.how) <= keys, tag.term.id
    cited = set().union(
        *(
            _cited_keys(text)
            for _, text, sub in schema.strings(case.data, CASE_SCHEMA)
            if sub.get("x-prose") or sub.get("x-citation")
        )
    )
    assert keys == cited, f"listed but never cited: {keys - cited}"


@pytest.mark.parametrize("fw", CATALOGUE.frameworks, ids=lambda f: f.id)
def test_framework_defines_and_cites_every_term(fw):
    keys = {s.key for s in fw.sources}
    assert _cited_keys(fw.description) and _cited_keys(fw.description) <= keys
    for term in fw.terms:
        assert term.definition.strip() and _cited_keys(term.definition) <= keys and _cited_keys(term.definition), (
            term.id
        )


def test_there_are_ten_frameworks_or_more():
    ids = {fw.id for fw in CATALOGUE.frameworks}
    assert {
        "building-blocks",
        "rainbow",
        "selfie",
        "mechanisms",
        "payment-instruments",
        "key-conditions",
        "success-factors",
        "who-lessons",
        "integration",
        "cfir",
        "eric",
    } <= ids


def test_selfie_has_six_components_at_three_levels_and_ten_mechanisms():
    selfie = CATALOGUE.framework_by_id["selfie"]
    assert len(selfie.terms) == 6 and selfie.levels == ["micro", "meso", "macro"]
    assert len(CATALOGUE.framework_by_id["mechanisms"].terms) == 10


def test_crosswalks_are_shown_both_ways():
    for fw in CATALOGUE.frameworks:
        for term in fw.terms:
            for link in term.crosswalks:
                assert any(back.other is term for back in link.other.crosswalks), f"{term.url} -> {link.other.url}"
