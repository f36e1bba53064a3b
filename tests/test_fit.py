"""The rules of "Cases like my system" and the data of the payment guide, on a small catalogue built here."""

from __future__ import annotations

from generator import fit, model, paymentguide


def framework(fw_id: str, role: str, terms: list[dict], **extra) -> dict:
    return {
        "id": fw_id,
        "name": fw_id.capitalize(),
        "case_field": fw_id.replace("-", "_"),
        "role": role,
        "description": "A test framework [@src].",
        "sources": [{"key": "src", "type": "report", "authors": ["Doe J"], "title": "A source"}],
        "terms": [{"definition": "A term [@src].", **t} for t in terms],
        **extra,
    }


FRAMEWORKS = [
    framework(
        "blocks",
        "how-it-works",
        [
            {"id": "law", "label": "Supportive law", "enabler": "legal basis"},
            {"id": "ict", "label": "Shared ICT", "enabler": "data systems"},
            {"id": "culture", "label": "Shared values"},
        ],
    ),
    framework(
        "pay",
        "payment",
        [{"id": "pooled", "label": "Pooled budgets"}, {"id": "bundle", "label": "Bundled payment"}],
        aims=[
            {
                "id": "join-up",
                "label": "Join up budgets",
                "instruments": [{"term": "pooled", "why": "The source says so [@src]."}],
            },
            {
                "id": "coordinate",
                "label": "Reward coordination",
                "instruments": [{"term": "bundle", "works_against": True, "why": "It may work against it [@src]."}],
            },
        ],
    ),
    framework("conditions", "conditions", [{"id": "will", "label": "Willingness to change"}]),
]


def case(slug: str, grade: str = "qualitative", system: str | None = None, groups=(), **tags) -> tuple[str, dict]:
    data = {
        "slug": slug,
        "name": slug.capitalize(),
        "evidence": {"grade": grade, "why": "x"},
        "stage": {"grade": "pilot", "why": "x"},
        **({"health_system": {"type": system, "why": "x"}} if system else {}),
        **({"target_groups": list(groups)} if groups else {}),
    }
    for field, items in tags.items():
        data[field] = [
            {
                "term": t if isinstance(t, str) else t[0],
                "how": f"How {slug} did it.",
                **({} if isinstance(t, str) else t[1]),
            }
            for t in items
        ]
    return f"cases/{slug}.yaml", data


CASES = [
    case("alpha", system="national-health-service", groups=["frail-elderly"], blocks=["law", "culture"]),
    case("bravo", grade="controlled", groups=["frail-elderly", "multimorbidity"], pay=["pooled"]),
    case("charlie", grade="controlled", system="social-health-insurance", blocks=["ict"], pay=["bundle"]),
    case("delta", blocks=["ict"], conditions=[("will", {"met": False})]),
    case("echo", grade="controlled", blocks=["ict"]),
]
CATALOGUE = model.build(CASES, FRAMEWORKS)
WORDS = fit.labels(CATALOGUE)


def order(context: fit.Context) -> list[str]:
    return [c.slug for c, _, _ in fit.rank(CATALOGUE, context)]


def test_system_and_population_outweigh_a_building_block():
    context = fit.Context(
        system="national-health-service", groups=frozenset({"frail-elderly"}), blocks=frozenset({"ict"})
    )
    ranked = fit.rank(CATALOGUE, context)
    assert [(c.slug, points) for c, points, _ in ranked[:2]] == [("alpha", 5), ("bravo", 2)]
    assert fit.reasons(ranked[0][2], WORDS) == [
        "same system type (national health service)",
        "also serves frail older people",
    ]


def test_each_rule_adds_the_points_it_states():
    context = fit.Context(groups=frozenset({"frail-elderly", "multimorbidity"}), can=frozenset({"pooled"}))
    (top, points, found), *_ = fit.rank(CATALOGUE, context)
    assert top.slug == "bravo"
    assert points == 2 * fit.RULES["group"]["points"] + fit.RULES["can"]["points"] == 5
    assert fit.reasons(found, WORDS)[-1] == "used pooled budgets, which you can use"


def test_an_instrument_marked_not_possible_pushes_a_case_below_cases_with_nothing_in_common():
    context = fit.Context(groups=frozenset({"multimorbidity"}), cannot=frozenset({"pooled"}))
    ranked = fit.rank(CATALOGUE, context)
    bravo = next(row for row in ranked if row[0].slug == "bravo")
    assert bravo[1] == 2 - 2 == 0
    assert fit.reasons(bravo[2], WORDS) == [
        "also serves people with several chronic conditions",
        "relied on pooled budgets, which you marked as not possible",
    ]
    context = fit.Context(cannot=frozenset({"pooled"}))
    assert order(context)[-1] == "bravo"


def test_equal_points_go_to_stronger_evidence_then_to_the_name():
    context = fit.Context(blocks=frozenset({"ict"}))
    assert order(context)[:3] == ["charlie", "echo", "delta"]  # controlled, controlled (by name), qualitative


def test_a_case_without_a_recorded_system_scores_nothing_for_it():
    context = fit.Context(system="social-health-insurance")
    ranked = fit.rank(CATALOGUE, context)
    assert [(c.slug, p) for c, p, _ in ranked if p] == [("charlie", 3)]


def test_labels_keep_acronyms_and_lower_ordinary_words():
    assert fit.lower_first("Pooled budgets") == "pooled budgets"
    assert fit.lower_first("DRG funding (hospitals)") == "DRG funding (hospitals)"


def test_enabling_conditions_are_the_enabler_blocks_and_the_key_conditions():
    delta = CATALOGUE.case_by_slug["delta"]
    found = [(kind, tag.term.id, tag.met, tag.anchor) for kind, tag in fit.enabling_conditions(delta, CATALOGUE)]
    assert found == [("data systems", "ict", None, "blocks-ict"), ("key condition", "will", False, "conditions-will")]
    alpha = CATALOGUE.case_by_slug["alpha"]
    assert [kind for kind, _ in fit.enabling_conditions(alpha, CATALOGUE)] == ["legal basis"]  # not 'Shared values'


def test_the_guide_links_aims_to_instruments_only_where_the_data_does():
    pay = CATALOGUE.framework_with_role("payment")
    by_term = {item.term.id: item for item in paymentguide.instruments(pay)}
    assert [(link.aim["id"], link.works_against) for link in by_term["pooled"].links] == [("join-up", False)]
    assert [(link.aim["id"], link.works_against) for link in by_term["bundle"].links] == [("coordinate", True)]
    assert paymentguide.page_data(pay) == {"aims": {"join-up": [["pooled", False]], "coordinate": [["bundle", True]]}}
    assert [t.case.slug for t in by_term["bundle"].uses] == ["charlie"]
    # Evidence, caveats, needs and rewards are always shown: None where the framework file says nothing.
    assert by_term["bundle"].attributes == [(h, None) for h in paymentguide.LEADING_ATTRIBUTES.values()]


def test_the_headline_result_comes_from_the_strongest_design():
    _, data = case("foxtrot")
    data["results"] = [
        {"metric": "Visits", "value": 3, "design": "programme-self-report"},
        {"metric": "Admissions", "value": -10, "design": "controlled-before-after"},
        {"metric": "Costs", "value": 1, "design": "controlled-before-after"},
    ]
    foxtrot = model.build([("cases/foxtrot.yaml", data)], FRAMEWORKS).cases[0]
    assert paymentguide.headline_result(foxtrot)["metric"] == "Admissions"
    assert paymentguide.headline_result(CATALOGUE.case_by_slug["alpha"]) is None
