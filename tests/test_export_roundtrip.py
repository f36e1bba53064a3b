"""Every export of a case full of hostile text parses back, with real parsers, to the values of the case file.

JSON against its schema, CSV with the csv module, BibTeX with bibtexparser, RIS with rispy, CSL-JSON with json.
The catalogue is built in memory (no site build): the real frameworks plus one hostile case.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re

import bibtexparser
import jsonschema_rs
import pytest
import rispy
from conftest import ROOT
from test_quality import PAYLOADS

from generator import citations, exports, model, schema
from generator.validate import load_catalogue

FRAMEWORKS = [fw.data for fw in load_catalogue(ROOT).frameworks]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
MULTI_LINE = [p for p in PAYLOADS if "\n\n" in p]

SOURCES = [
    {
        "key": "injected",
        "type": "report",
        "authors": ["Evil Org}}, title={x", "Stein KV", "Smith, Jr AB", "Tom and Jerry CD"],
        "year": 2020,
        "title": "A \\} b {c \\& d} % $ # _ ~ ^ \\textbf{x}\nER  - \nTY  - JOUR",
        "container": '=HYPERLINK("https://evil.example")',
        "publisher": "P & Q {Ltd}",
        "place": "Zürich – São Paulo",
        "doi": "10.1234/x},title={PWNED},note={",
        "url": "https://example.org/a{b}c\\d",
        "note": "first line\nER  - \n\nTY  - JOUR\nsecond line",
        "licence": "CC-BY 4.0",
    },
    {
        "key": "multi",
        "type": "article",
        "authors": ["World Health Organization", "van der Berg JP", MULTI_LINE[0]],
        "year": 2019,
        "title": MULTI_LINE[1],
        "container": "J. {Health} & Care",
        "volume": "12}",
        "issue": 3,
        "pages": "1-2",
        "note": MULTI_LINE[2],
    },
    {
        "key": "plain",
        "type": "book",
        "authors": ["Müller ÅB"],
        "title": "£ café ~ ^ % $ # _ \\ { }",
        "isbn": "978-0-306-40615-7",
        "publisher": "+cmd|' /C calc'!A0",
    },
]


def _hostile_case() -> dict:
    payload = iter(PAYLOADS * 3)

    def prose(start: str = "") -> str:
        parts = re.split(r"(\n\s*\n)", start + next(payload))
        return "".join(part if i % 2 else f"{part} [@injected]" for i, part in enumerate(parts))

    return {
        "slug": "hostile",
        "name": '=HYPERLINK("https://evil.example","£ café Zürich")',
        "also_known_as": [{"name": "@SUM(A1)"}, {"name": next(payload), "lang": "nl"}],
        "summary": prose("@SUM(1+1)*cmd|' /C calc'!A0 "),
        "countries": ["DE", "GB"],
        "region": "+region",
        "setting": "-setting\n\nwith a blank line",
        "health_system": {"type": "mixed", "why": prose()},
        "start_year": 2001,
        "status": "active",
        "population_served": prose("\t=1+1 "),
        "target_population": prose(),
        "context": prose(),
        "building_blocks": [
            {"term": "financing-and-incentives", "how": prose("=cmd "), "detail": prose()},
            {"term": "competent-workforce", "how": prose("+team ")},
        ],
        "payment_instruments": [{"term": "shared-savings", "how": prose("-2+3 ")}],
        "timeline": [{"year": 2001, "kind": "start", "event": prose()}],
        "results": [
            {
                "metric": "=1+2",
                "value": "-12",
                "unit": "@unit",
                "baseline": "+5.5",
                "period": "-2019\n\n2020",
                "direction": "improved",
                "cite": "[@injected]",
                "note": next(payload),
                "design": "not-stated",
                "certainty": "very-low",
                "certainty_why": prose("=why "),
            },
            {
                "metric": "m",
                "value": "-12%",
                "direction": "worsened",
                "cite": "[@multi]",
                "note": "-note",
                "design": "programme-self-report",
                "certainty": "low",
                "certainty_why": prose("@why "),
            },
        ],
        "evaluation_search": {"searched": "2026-11-30", "outcome": "none-found", "note": prose("-none ")},
        "evidence": {"grade": "none", "why": prose()},
        "stage": {"grade": "pilot", "why": prose()},
        "lessons": [prose()],
        "sources": SOURCES,
    }


CASE = _hostile_case()
CATALOGUE = model.build([("cases/hostile.yaml", CASE)], FRAMEWORKS)
FILES = exports.files(CATALOGUE)
ALL_SOURCES = len(exports._unique_sources(CATALOGUE))  # the frameworks' sources too
EXPECTED_COUNT = {
    "api/cases/hostile.sources.bib": len(SOURCES),
    "api/sources.bib": ALL_SOURCES,
    "api/cases/hostile.sources.ris": len(SOURCES),
    "api/sources.ris": ALL_SOURCES,
}


def _rows(path: str) -> list[dict]:
    """A CSV file as a spreadsheet or script receives it: UTF-8 bytes, read with utf-8-sig."""
    data = FILES[path].encode("utf-8")
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _as_exported(value) -> str:
    """What a CSV cell holds for a value: a leading quote where a spreadsheet would see a formula."""
    text = str(value)
    numeric = re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", text) is not None
    return "'" + text if text.startswith(FORMULA_STARTS) and not numeric else text


def test_json_validates_against_the_case_schema_and_keeps_every_value():
    validator = jsonschema_rs.validator_for(schema.case_schema(FRAMEWORKS))
    whole = json.loads(FILES["api/cases.json"])
    single = json.loads(FILES["api/cases/hostile.json"])
    for record in (whole["cases"][0], single):
        assert [e.message for e in validator.iter_errors(record["data"])] == []
        assert record["data"] == CASE


@pytest.mark.parametrize("path", ["cases.csv", "case-terms.csv", "case-results.csv"])
def test_csv_starts_with_a_byte_order_mark_and_no_cell_is_a_formula(path):
    assert FILES[path].encode("utf-8").startswith(codecs.BOM_UTF8)
    for row in _rows(path):
        for column, cell in row.items():
            numeric = re.fullmatch(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", cell) is not None
            assert not cell.startswith(FORMULA_STARTS) or numeric, (path, column, cell)


def test_cases_csv_round_trips_accents_pound_and_formula_text():
    (row,) = _rows("cases.csv")
    assert row["slug"] == "hostile"
    assert row["name"] == "'" + CASE["name"] and "£ café Zürich" in row["name"]
    assert row["region"] == "'+region"
    assert row["setting"] == "'" + CASE["setting"]
    assert row["summary"] == _as_exported(citations.strip_markers(CASE["summary"]))
    assert row["population_served"] == _as_exported(citations.strip_markers(CASE["population_served"]))
    assert row["country_names"] == "Germany; United Kingdom"


def test_case_terms_and_results_csv_round_trip():
    terms = {row["term"]: row for row in _rows("case-terms.csv")}
    for field, fw in (("building_blocks", "building-blocks"), ("payment_instruments", "payment-instruments")):
        for tag in CASE[field]:
            row = terms[tag["term"]]
            assert row["framework"] == fw and row["sources"] == "injected"
            assert row["how"] == _as_exported(citations.strip_markers(tag["how"]))
    results = _rows("case-results.csv")
    assert len(results) == len(CASE["results"])
    for row, result in zip(results, CASE["results"], strict=True):
        for column in ("metric", "value", "unit", "baseline", "period"):
            assert row[column] == _as_exported(result.get(column, "")), column
        assert row["note"] == _as_exported(citations.strip_markers(result["note"]))
    assert results[0]["value"] == "-12"  # a number stays a number
    assert results[1]["value"] == "'-12%"


LATEX = {
    r"\textbackslash{}": "\\",
    r"\textbraceleft{}": "{",
    r"\textbraceright{}": "}",
    r"\textasciitilde{}": "~",
    r"\textasciicircum{}": "^",
    r"\&": "&",
    r"\%": "%",
    r"\$": "$",
    r"\#": "#",
    r"\_": "_",
}
LATEX_COMMAND = re.compile("|".join(re.escape(command) for command in LATEX))


def _from_latex(value: str) -> str:
    return LATEX_COMMAND.sub(lambda match: LATEX[match.group(0)], value)


def _unbrace(value: str) -> str:
    return value[1:-1] if value.startswith("{") and value.endswith("}") else value


def _bibtex_names(field: str) -> list[str]:
    """Split an author field at ' and ' outside braces, as BibTeX does."""
    names, depth, start = [], 0, 0
    for index, char in enumerate(field):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and field.startswith(" and ", index):
            names.append(field[start:index])
            start = index + len(" and ")
    return [*names, field[start:]]


def _bibtex_name(name: str) -> str:
    """One name of an author field: '{Organisation}' or '{Family, with comma}, A. B.' or 'Family, A. B.'."""
    if name.startswith("{"):
        depth = 0
        for index, char in enumerate(name):
            depth += {"{": 1, "}": -1}.get(char, 0)
            if depth == 0:
                name = name[1:index] + name[index + 1 :]  # the protecting braces go, the rest stays
                break
    return _from_latex(name)


def _expected_name(author: str) -> str:
    parts = exports._split_author(author)
    return f"{exports.one_line(parts[0])}, {parts[1]}" if parts else exports.one_line(author)


BIBTEX_FIELDS = {
    "title": "title",
    "container": None,  # journal or howpublished, by type
    "year": "year",
    "volume": "volume",
    "issue": "number",
    "pages": "pages",
    "publisher": "publisher",
    "place": "address",
    "doi": "doi",
    "url": "url",
    "isbn": "isbn",
    "note": "note",
}


@pytest.mark.parametrize("path", ["api/cases/hostile.sources.bib", "api/sources.bib"])
def test_bibtex_parses_back_to_the_source_values_with_no_extra_fields(path):
    entries = {entry["ID"]: entry for entry in bibtexparser.loads(FILES[path]).entries}
    assert len(entries) == EXPECTED_COUNT[path] and {source["key"] for source in SOURCES} <= set(entries)
    for source in SOURCES:
        entry = entries[source["key"]]
        expected = {"ID": source["key"], "ENTRYTYPE": exports.BIBTEX_TYPES[source["type"]]}
        for name, value in source.items():
            field = BIBTEX_FIELDS.get(name, "")
            if name == "container":
                field = "journal" if source["type"] in ("article", "preprint") else "howpublished"
            if field:
                expected[field] = exports.one_line(value)
        if source["type"] == "report" and source.get("publisher"):
            expected["institution"] = exports.one_line(source["publisher"])
        for verbatim in ("doi", "url"):
            if verbatim in expected:  # percent-encoded where a brace or backslash would break the entry
                expected[verbatim] = expected[verbatim].replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")
        assert set(entry) == set(expected) | {"author"}, source["key"]
        for field, value in expected.items():
            parsed = _unbrace(entry[field]) if field == "title" else entry[field]
            if field not in ("doi", "url", "ID", "ENTRYTYPE"):
                parsed = _from_latex(parsed)
            assert parsed == value, (source["key"], field)
        names = [_bibtex_name(name) for name in _bibtex_names(entry["author"])]
        assert names == [_expected_name(author) for author in source["authors"]]


def test_casebook_citation_bibtex_parses_back():
    case = CATALOGUE.cases[0]
    text = exports.casebook_citation(case, "https://example.org/cases/hostile/")["BibTeX"]
    (entry,) = bibtexparser.loads(text).entries
    assert _from_latex(entry["title"]) == exports.one_line(case.name)
    assert entry["url"] == "https://example.org/cases/hostile/"


@pytest.mark.parametrize("path", ["api/cases/hostile.sources.ris", "api/sources.ris"])
def test_ris_has_one_record_per_source_with_its_values_on_one_line(path):
    records = rispy.loads(FILES[path])
    assert len(records) == EXPECTED_COUNT[path]
    by_title = {record["title"]: record for record in records}
    for source in SOURCES:
        record = by_title[exports.one_line(source["title"])]
        assert record["authors"] == [_expected_name(author) for author in source["authors"]]
        assert record.get("notes", [None]) == [exports.one_line(source["note"]) if "note" in source else None]
        assert record.get("doi") == source.get("doi")
        assert record.get("urls", [None]) == [source.get("url")]
        assert record.get("publisher") == (exports.one_line(source["publisher"]) if "publisher" in source else None)


def test_csl_json_keeps_every_value_exactly():
    items = {item["id"]: item for item in json.loads(FILES["api/cases/hostile.sources.csl.json"])}
    for source in SOURCES:
        item = items[source["key"]]
        assert item["title"] == source["title"]
        assert item.get("note") == source.get("note")
        assert item.get("DOI") == source.get("doi")
        assert item.get("URL") == source.get("url")
        literal = [a.get("literal") or f"{a['family']}, {a['given']}" for a in item["author"]]
        assert literal == [
            f"{parts[0]}, {parts[1]}" if (parts := exports._split_author(author)) else author
            for author in source["authors"]
        ]
