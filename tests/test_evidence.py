"""The "Did it work?" part of a case page: results with how they were measured and how sure one can be,
what the data cannot tell, the search for evaluations, and corrections to the sources."""

from __future__ import annotations

import copy
import datetime
import re

from conftest import ROOT

from generator import evidence, model, schema
from generator.render import Renderer
from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)
FRAMEWORKS = [fw.data for fw in CATALOGUE.frameworks]


def render(data: dict) -> tuple[model.Case, str]:
    """The case page of one case, built alone from `data` with the real frameworks."""
    catalogue = model.build([("cases/x.yaml", data)], copy.deepcopy(FRAMEWORKS))
    case = catalogue.cases[0]
    return case, Renderer(catalogue, {}).case_page(case)


def rated_case() -> dict:
    """A real case with three or more result rows, all carrying a design and a certainty."""
    case = next(c for c in CATALOGUE.cases if len(c.results or []) >= 3 and all(r.get("design") for r in c.results))
    data = copy.deepcopy(case.data)
    data["related"] = []
    return data


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_every_result_row_shows_its_design_and_certainty_with_the_reason():
    case, html = render(rated_case())
    for number, row in enumerate(case.results, 1):
        cells = re.search(rf'<tr id="result-{number}">(.*?)</tr>', html, re.S)[1]
        measured = re.search(r'data-label="How it was measured">(.*?)</td>', cells, re.S)[1]
        sure = re.search(r'data-label="How sure">(.*?)</td>', cells, re.S)[1]
        assert text(measured).strip() == schema.STUDY_DESIGNS[row["design"]]["label"]
        assert text(sure).strip().startswith(schema.CERTAINTY_LEVELS[row["certainty"]]["label"])
        assert 'class="cb-cite"' in sure  # the reason carries its citation


def test_evidence_strength_is_given_in_words_with_the_caveat():
    case, html = render(rated_case())
    grade = schema.EVIDENCE_GRADES[case.evidence["grade"]]
    assert grade["label"] in html and grade["description"].capitalize() in html
    assert "Grades describe what the sources show, not how well the programme worked" in html


def test_corrections_are_marked_with_both_statements_and_escaped():
    data = rated_case()
    key = data["sources"][0]["key"]
    data["start_year"] = 2011
    data["corrections"] = [
        {
            "field": "start_year",
            "said": f"The report dates the start to 2006 <b>bold</b> [@{key}, p. 4].",
            "correction": f"The pilot began in 2011 [@{key}, p. 9].",
        }
    ]
    _, html = render(data)
    block = re.search(r'<section class="cb-corrections" id="corrections".*?</section>', html, re.S)[0]
    assert "Corrections to the sources" in block and "cb-correction__mark" in block
    assert "Start year" in block
    assert "The report dates the start to 2006 &lt;b&gt;bold&lt;/b&gt;" in block
    assert "The pilot began in 2011" in block


def test_evaluation_search_line_gives_the_date_and_outcome():
    data = rated_case()
    data["evaluation_search"] = {
        "searched": "2026-11-30",
        "outcome": "none-found",
        "note": f"Journals and the programme's site were searched [@{data['sources'][0]['key']}].",
    }
    _, html = render(data)
    assert "We looked for published evaluations on 30 November 2026: <strong>none found</strong>." in html
    assert "No published evaluation of the programme was found." in html


def test_what_is_not_known_follows_from_the_results():
    data = rated_case()
    data["results"] = []
    case, _ = render(data)
    lines = evidence.not_known(case)
    assert any("no outcome figures" in line for line in lines)
    assert any("no cost figures" in line for line in lines)
    data["results"] = [
        {
            "metric": "Hospital costs per patient",
            "value": -5,
            "unit": "%",
            "cite": f"[@{data['sources'][0]['key']}]",
            "design": "programme-self-report",
            "certainty": "very-low",
            "certainty_why": f"Given by the programme itself [@{data['sources'][0]['key']}].",
        }
    ]
    case, _ = render(data)
    lines = evidence.not_known(case)
    assert any("compares the programme with people or areas without it" in line for line in lines)
    assert any("none is shown to have been checked independently" in line for line in lines)
    assert not any("no cost figures" in line for line in lines)
    data["results"][0].update(metric="Yearly losses of the operator", value=20, unit="million euros")
    case, _ = render(data)
    assert not any("no cost figures" in line for line in evidence.not_known(case)), "a sum in euros is about money"


def test_a_case_not_reviewed_for_two_years_is_marked():
    data = rated_case()
    data["last_reviewed"] = "2024-01-01"
    case, _ = render(data)
    assert evidence.review_note(case, datetime.date(2026, 11, 30)) == (
        "Last checked against its sources on 1 January 2024. Not reviewed for over two years.",
        True,
    )
    assert evidence.review_note(case, datetime.date(2024, 6, 1))[1] is False


def test_grade_supported_follows_the_strongest_design():
    assert schema.grade_supported([]) == "qualitative"
    assert schema.grade_supported(["qualitative-interviews", "routine-monitoring"]) == "before-after"
    assert schema.grade_supported(["not-stated", "randomised-trial"]) == "controlled"
    assert list(schema.STUDY_DESIGNS)[0] == "randomised-trial"  # strongest first, as the facets show them
    assert list(schema.CERTAINTY_LEVELS) == ["high", "moderate", "low", "very-low"]


def test_best_evidenced_results_come_first_and_keep_their_anchors(site):
    """A reader sees the strongest figures first; each row keeps the anchor of its place in the file."""
    designs, levels = list(schema.STUDY_DESIGNS), list(schema.CERTAINTY_LEVELS)
    case = max(CATALOGUE.cases, key=lambda c: len({r["design"] for r in c.results or []}))
    html = (site / "cases" / case.slug / "index.html").read_text(encoding="utf-8")
    shown = [int(n) for n in re.findall(r'<tr id="result-(\d+)">', html)]
    assert sorted(shown) == list(range(1, len(case.results) + 1))
    ranks = [
        (designs.index(case.results[n - 1]["design"]), levels.index(case.results[n - 1]["certainty"])) for n in shown
    ]
    assert ranks == sorted(ranks) and len(set(ranks)) > 1
