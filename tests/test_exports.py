"""Open data: what a researcher downloads parses with real tools and matches the catalogue."""

from __future__ import annotations

import csv
import json
import re
from html import unescape

import bibtexparser
import jsonschema_rs
import pytest
import rispy
from conftest import PUBLIC_URL, ROOT
from test_site import targets

from generator import schema
from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)


def test_cases_json_validates_against_the_published_schema(site):
    catalogue = json.loads((site / "api" / "cases.json").read_text(encoding="utf-8"))
    schema = json.loads((site / "api" / catalogue["schema"]).read_text(encoding="utf-8"))
    assert catalogue["version"] == 1
    assert catalogue["count"] == len(catalogue["cases"]) == len(CATALOGUE.cases)
    validator = jsonschema_rs.validator_for(schema)
    for record in catalogue["cases"]:
        errors = [e.message for e in validator.iter_errors(record["data"])]
        assert errors == [], record["slug"]
        single = json.loads((site / "api" / "cases" / f"{record['slug']}.json").read_text(encoding="utf-8"))
        assert single["data"] == record["data"]
        assert (site / "api" / "cases" / single["schema"]).resolve() == (site / "schema" / "case.schema.json").resolve()


def test_frameworks_json_lists_cases_by_term(site):
    data = json.loads((site / "api" / "frameworks.json").read_text(encoding="utf-8"))
    by_id = {fw["data"]["id"]: fw for fw in data["frameworks"]}
    assert set(by_id) == {fw.id for fw in CATALOGUE.frameworks}
    kinzigtal = by_id["building-blocks"]["cases_by_term"]["financing-and-incentives"]
    assert "gesundes-kinzigtal" in kinzigtal


def test_cases_csv_round_trips(site):
    with open(site / "cases.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert [r["slug"] for r in rows] == [c.slug for c in CATALOGUE.cases]
    for row, case in zip(rows, CATALOGUE.cases, strict=True):
        assert row["name"] == case.name
        assert row["countries"].split("; ") == case.countries
        assert row["evidence_grade"] == case.evidence["grade"]
        for fw in CATALOGUE.frameworks:
            labels = [t.term.label + (f" ({t.level})" if t.level else "") for t in case.tags[fw.id]]
            assert (row[fw.id].split("; ") if row[fw.id] else []) == labels
    kinzigtal = next(r for r in rows if r["slug"] == "gesundes-kinzigtal")
    assert "Shared savings" in kinzigtal["payment-instruments"].split("; ")


def test_case_terms_csv_has_one_row_per_tag(site):
    with open(site / "case-terms.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == sum(len(tags) for case in CATALOGUE.cases for tags in case.tags.values())
    assert all(row["how"] and "[@" not in row["how"] for row in rows)


def test_bibtex_parses_with_a_real_parser(site):
    files = [site / "api" / "sources.bib", *sorted((site / "api" / "cases").glob("*.bib"))]
    for path in files:
        database = bibtexparser.loads(path.read_text(encoding="utf-8"))
        assert database.entries, path
        for entry in database.entries:
            assert entry.get("title") and entry.get("author"), (path, entry["ID"])
    whole = bibtexparser.loads((site / "api" / "sources.bib").read_text(encoding="utf-8"))
    keys = [e["ID"] for e in whole.entries]
    assert len(keys) == len(set(keys))
    assert "stein2016" in keys


def test_ris_parses_with_a_real_parser(site):
    for path in [site / "api" / "sources.ris", *sorted((site / "api" / "cases").glob("*.ris"))]:
        entries = rispy.loads(path.read_text(encoding="utf-8"))
        assert entries and all(e.get("title") and e.get("authors") for e in entries), path


def test_csl_json_is_a_list_of_items(site):
    items = json.loads((site / "api" / "sources.csl.json").read_text(encoding="utf-8"))
    assert all({"id", "type", "title", "author"} <= set(item) for item in items)


@pytest.mark.parametrize("slug", [c.slug for c in CATALOGUE.cases])
def test_case_page_has_json_ld_and_cite_box(site, slug):
    html = (site / "cases" / slug / "index.html").read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "Article" and data["name"] == CATALOGUE.case_by_slug[slug].name
    for style in ("APA", "Vancouver", "BibTeX"):
        assert f'id="cite-{style.lower()}"' in html
    bibtex = re.search(r'<pre id="cite-bibtex"[^>]*>(.*?)</pre>', html, re.S).group(1)
    entry = bibtexparser.loads(unescape(re.sub(r"<[^>]+>", "", bibtex))).entries[0]
    assert entry["title"] == CATALOGUE.case_by_slug[slug].name
    assert entry["url"] == f"cases/{slug}/"  # without a site_url, the browser fills in the page's own address
    assert 'property="og:title"' in html


def test_every_export_is_reachable_from_the_data_page(site):
    linked = targets(site, "data")
    exports = {
        "cases.csv",
        "case-terms.csv",
        "case-results.csv",
        "api/cases.json",
        "api/frameworks.json",
        "api/sources.bib",
        "api/sources.ris",
        "api/sources.csl.json",
        "schema/case.schema.json",
    }
    assert exports <= linked
    for path in exports:
        assert (site / path).is_file()


def test_with_a_public_address_the_sitemap_and_citations_use_it(scratch):
    """The deploy workflow sets CASEBOOK_SITE_URL (the scratch build does too); then the sitemap lists every case
    and citations carry the address."""
    sitemap = (scratch.site / "sitemap.xml").read_text(encoding="utf-8")
    for case in CATALOGUE.cases:
        assert f"<loc>{PUBLIC_URL}{case.url}</loc>" in sitemap
    html = (scratch.site / "cases" / "gesundes-kinzigtal" / "index.html").read_text(encoding="utf-8")
    assert f'content="{PUBLIC_URL}cases/gesundes-kinzigtal/"' in html  # og:url
    assert f"Available from: {PUBLIC_URL}cases/gesundes-kinzigtal/" in html


def test_case_results_csv_gives_each_figure_its_design_and_certainty(site):
    with open(site / "case-results.csv", newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    expected = [
        (case.slug, r["metric"], r.get("design", ""), r.get("certainty", ""))
        for case in CATALOGUE.cases
        for r in case.results or []
    ]
    assert [(r["slug"], r["metric"], r["design"], r["certainty"]) for r in rows] == expected
    rated = [r for r in rows if r["design"]]
    assert rated, "no result row is rated yet"
    assert all(r["certainty_why"] and "[@" not in r["certainty_why"] for r in rated)


def test_data_page_documents_every_column_of_each_csv(site):
    html = (site / "data" / "index.html").read_text(encoding="utf-8")
    for name, anchor in (("cases.csv", "cases-csv"), ("case-results.csv", "case-results-csv")):
        header = (site / name).read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        section = html.split(f'id="{anchor}"', 1)[1].split("<h2", 1)[0]
        assert [c for c in header if f"<code>{c}</code>" not in section] == [], name


def test_design_and_certainty_facets_run_strongest_first(site):
    facets = {f["id"]: f for f in json.loads((site / "api" / "facets.json").read_text(encoding="utf-8"))["facets"]}
    for facet, choices in (("design", schema.STUDY_DESIGNS), ("certainty", schema.CERTAINTY_LEVELS)):
        values = facets[facet]["values"]
        labels = [c["label"] for c in choices.values()]
        assert values and values == [label for label in labels if label in values]
    case = next(c for c in CATALOGUE.cases if any(r.get("design") for r in c.results or []))
    html = (site / "cases" / case.slug / "index.html").read_text(encoding="utf-8")
    shown = re.findall(r'data-pagefind-filter="design">([^<]+)<', html)
    used = {r.get("design") for r in case.results}
    assert shown == [c["label"] for k, c in schema.STUDY_DESIGNS.items() if k in used]
