"""Every function that reads contributor text runs in linear time: 100 KB of hostile text takes well under a second.

A pattern like `\\s+([.,;:])` retries from every space of a long run; a 61 KB summary once kept the build
busy for minutes. Each input below is about 100 KB, and each function gets the same time bound.
"""

from __future__ import annotations

import time

import pytest
from conftest import ROOT

from generator import bibliography, citations, csp, exports, htmlblocks, model
from generator.render import Renderer
from generator.validate import load_catalogue

FRAMEWORKS = [fw.data for fw in load_catalogue(ROOT).frameworks]
SECONDS = 1.0  # for one value; a whole case carries the text in about 30 fields (3 MB), so it gets 3 s
WHOLE_CASE = {"every_export_file", "casebook_citation", "case_page"}

HOSTILE = {
    "spaces": "a" + " " * 100_000 + "b",
    "spaces-before-punctuation": "a" + " " * 100_000 + ". b",
    "spaces-in-an-author-name": "Stein" + " " * 100_000 + "x",
    "spaces-before-initials": "Stein" + " " * 100_000 + "KV",
    "open-markers": "[@" * 50_000,
    "an-open-marker-with-a-long-locator": "[@src, " + "x " * 50_000,
    "blank-lines": "\n \n" * 33_000,
    "newlines-then-spaces": ("\n" + " " * 999 + "x") * 100,
    "brackets": "[" * 100_000,
    "markdown-punctuation": "\\`*_{}[]()#+-.!|" * 6_000,
    "latex-specials": "\\{}&%$#_~^" * 10_000,
    "heading-lines": "\n## x" * 20_000,
    "formula-starts": "=-+@\t" * 20_000,
}


def _source(text: str) -> dict:
    return {
        "key": "src",
        "type": "article",
        "authors": [text, "Stein KV", f"{text} KV"],
        "title": text,
        "container": text,
        "year": 2020,
        "volume": text,
        "issue": text,
        "pages": text,
        "publisher": text,
        "place": text,
        "doi": "10.1234/" + text,
        "url": "https://example.org/" + text,
        "isbn": text,
        "note": text,
        "licence": text,
    }


def _case(text: str) -> dict:
    prose = f"{text} [@src]"
    return {
        "slug": "hostile",
        "name": text,
        "also_known_as": [{"name": f"{text} (other name)", "lang": "de"}],
        "summary": prose,
        "countries": ["DE"],
        "region": text,
        "setting": text,
        "health_system": {"type": "mixed", "why": prose},
        "start_year": 2001,
        "start_year_note": prose,
        "status": "active",
        "population_served": prose,
        "target_population": prose,
        "context": prose,
        "financing": prose,
        "building_blocks": [{"term": "financing-and-incentives", "how": prose, "detail": prose}],
        "timeline": [{"year": 2001, "kind": "start", "event": prose}],
        "results": [
            {
                "metric": text,
                "value": text,
                "unit": text,
                "baseline": text,
                "period": text,
                "cite": "[@src]",
                "note": text,
                "design": "not-stated",
                "certainty": "very-low",
                "certainty_why": prose,
            }
        ],
        "evaluation_search": {"searched": "2026-11-30", "outcome": "none-found", "note": prose},
        "evidence": {"grade": "none", "why": prose},
        "stage": {"grade": "pilot", "why": prose},
        "strengths": [prose],
        "lessons": [prose],
        "sources": [_source(text)],
    }


def _catalogue(text: str) -> model.Catalogue:
    return model.build([("cases/hostile.yaml", _case(text))], FRAMEWORKS)


def _case_page(text: str) -> str:
    """The case page as MkDocs gets it, its HTML put back, and its Content-Security-Policy computed."""
    catalogue = _catalogue(text)
    markdown, blocks = htmlblocks.extract(Renderer(catalogue, {}).case_page(catalogue.cases[0]))
    return csp.with_csp(f"<html><head></head><body>{htmlblocks.restore(markdown, blocks)}</body></html>")


FUNCTIONS = {
    "strip_markers": citations.strip_markers,
    "paragraphs": citations.paragraphs,
    "markers": citations.markers.__wrapped__,  # not the cache
    "short_label": lambda text: bibliography.short_label(_source(text)),
    "reference_text": lambda text: bibliography.reference_text(_source(text)),
    "reference_html": lambda text: bibliography.reference_html(_source(text)),
    "bibtex_entry": lambda text: exports.bibtex_entry("src", _source(text)),
    "ris_entry": lambda text: exports.ris_entry(_source(text)),
    "csl_entry": lambda text: exports.csl_entry("src", _source(text)),
    "csv_cell": exports.csv_cell,
    "html_text": htmlblocks.text,
    "heading_text": htmlblocks.heading_text,
    "extract": lambda text: htmlblocks.extract(f"---\ntitle: x\n---\n\n<p>{text}</p>\n\n## Heading\n\n{text}\n"),
    "every_export_file": lambda text: exports.files(_catalogue(text)),
    "casebook_citation": lambda text: exports.casebook_citation(_catalogue(text).cases[0], "https://example.org/"),
    "case_page": _case_page,
}


@pytest.mark.parametrize("function", list(FUNCTIONS))
@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_hostile_text_is_handled_in_linear_time(hostile, function):
    start = time.perf_counter()
    try:
        FUNCTIONS[function](HOSTILE[hostile])
    except citations.MarkerError:
        pass  # a malformed marker is the validator's to report, quickly: what counts is the time
    elapsed = time.perf_counter() - start
    assert elapsed < SECONDS * (3 if function in WHOLE_CASE else 1), f"{function} took {elapsed:.1f} s on {hostile}"
