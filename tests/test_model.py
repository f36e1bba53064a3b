"""The model says what it knows: optional fields a case leaves out are None, any other name is an error."""

from __future__ import annotations

import jinja2
import pytest
from conftest import ROOT

from generator import model, schema
from generator.render import Renderer
from generator.validate import load_catalogue

CATALOGUE = load_catalogue(ROOT)
CASE = next(case for case in CATALOGUE.cases if "end_year" not in case.data)


def test_an_optional_field_a_case_leaves_out_is_none():
    optional = set(schema.case_schema([])["properties"]) - set(schema.case_schema([])["required"])
    assert "end_year" in optional
    assert CASE.end_year is None
    assert CASE.name == CASE.data["name"]


def test_a_name_the_schema_does_not_define_is_an_error():
    with pytest.raises(AttributeError, match="regoin"):
        _ = CASE.regoin


@pytest.mark.parametrize("template", ["{{ case.regoin }}", "{% if case.regoin %}x{% endif %}"])
def test_a_typo_in_a_template_fails_the_render(template):
    env = Renderer(CATALOGUE, {}).env
    with pytest.raises(jinja2.UndefinedError, match="regoin"):
        env.from_string(template).render(case=CASE)
    assert env.from_string("{{ case.end_year }}|{{ case.region or '' }}").render(case=CASE).startswith("None|")


def test_similar_cases_are_ranked_without_looking_at_names():
    """Serve keeps the ranking across a name edit (site.Reuse): the ranking must not depend on names."""
    ranking = {case.slug: [o.slug for o, _ in CATALOGUE.similar(case)] for case in CATALOGUE.cases}
    renamed = model.build(
        [
            (case.file, {**case.data, "name": f"{len(CATALOGUE.cases) - i:03} renamed"})
            for i, case in enumerate(CATALOGUE.cases)
        ],
        [fw.data for fw in CATALOGUE.frameworks],
        CATALOGUE.glossary,
    )
    assert [case.slug for case in renamed.cases] != [case.slug for case in CATALOGUE.cases], "names reorder the cases"
    assert {case.slug: [o.slug for o, _ in renamed.similar(case)] for case in renamed.cases} == ranking
    assert any(len(ranked) == 5 for ranked in ranking.values())
