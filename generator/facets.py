"""The search filters (facets) of a case: one definition for Pagefind and for the facet file.

Text searches run on Pagefind, whose index carries these values as filters; browsing
by filters alone reads `api/facets.json` instead, because a filter-only Pagefind
query downloads the whole index. Both come from `case_facets`, so they agree.
"""

from __future__ import annotations

from . import schema
from .model import COUNTRIES, Case, Catalogue


def _labels(choices: dict[str, dict]) -> list[str]:
    return [choice["label"] for choice in choices.values()]


def facet_list(catalogue: Catalogue) -> list[dict]:
    """Facet ids and labels, in the order the search page shows them.

    A facet with `order` lists its values in that order (strongest evidence first); others alphabetically.
    """
    return [
        *({"id": fw.id, "label": fw.label} for fw in catalogue.frameworks),
        {"id": "country", "label": "Country"},
        {"id": "target", "label": "Target population"},
        {"id": "system", "label": "Health system"},
        {"id": "evidence", "label": "Evidence of effect", "order": _labels(schema.EVIDENCE_GRADES)},
        {"id": "design", "label": "Study design", "order": _labels(schema.STUDY_DESIGNS)},
        {"id": "certainty", "label": "Certainty", "order": _labels(schema.CERTAINTY_LEVELS)},
        {"id": "stage", "label": "Implementation stage", "order": _labels(schema.STAGES)},
        {"id": "decade", "label": "Start decade"},
    ]


def possible_values(frameworks: list[dict]) -> dict[str, set[str]]:
    """Every value each filter can take (decades aside: any decade can), from the data model and frameworks."""
    return {
        **{fw["id"]: {term["label"] for term in fw["terms"]} for fw in frameworks},
        "country": set(COUNTRIES.values()),
        "target": {label.capitalize() for label in schema.TARGET_GROUPS.values()},
        "system": {label.capitalize() for label in schema.HEALTH_SYSTEMS.values()},
        "evidence": set(_labels(schema.EVIDENCE_GRADES)),
        "design": set(_labels(schema.STUDY_DESIGNS)),
        "certainty": set(_labels(schema.CERTAINTY_LEVELS)),
        "stage": set(_labels(schema.STAGES)),
    }


def case_facets(case: Case) -> dict[str, list[str]]:
    values = {fw_id: sorted({tag.term.label for tag in tags}) for fw_id, tags in case.tags.items() if tags}
    values["country"] = case.country_names
    if case.target_groups:
        values["target"] = [schema.TARGET_GROUPS[g].capitalize() for g in case.target_groups]
    if case.health_system:
        values["system"] = [schema.HEALTH_SYSTEMS[case.health_system["type"]].capitalize()]
    values["evidence"] = [schema.EVIDENCE_GRADES[case.evidence["grade"]]["label"]]
    rows = case.results or []
    for field, choices in (("design", schema.STUDY_DESIGNS), ("certainty", schema.CERTAINTY_LEVELS)):
        used = {row[field] for row in rows if row.get(field)}
        if used:  # the case's results' values, strongest first
            values[field] = [choice["label"] for key, choice in choices.items() if key in used]
    values["stage"] = [schema.STAGES[case.stage["grade"]]["label"]]
    if case.start_year:
        values["decade"] = [f"{case.start_year // 10 * 10}s"]
    return values


def facet_file(catalogue: Catalogue) -> dict:
    """Compact facet data for filter-only browsing.

    `cases` rows are [slug, name, values], where `values` has one list per facet (in the
    order of `facets`) of indices into that facet's `values`: no key is repeated per case,
    so the file stays small at thousands of cases.
    """
    facets = facet_list(catalogue)
    per_case = [(case, case_facets(case)) for case in catalogue.cases]
    values = {}
    for f in facets:
        found = {v for _, fv in per_case for v in fv.get(f["id"], [])}
        values[f["id"]] = list(f["order"]) if "order" in f else sorted(found)  # ordered: every value, even unused
    index = {fid: {v: i for i, v in enumerate(vals)} for fid, vals in values.items()}
    return {
        "facets": [{"id": f["id"], "label": f["label"], "values": values[f["id"]]} for f in facets],
        "cases": [
            [case.slug, case.name, [[index[f["id"]][v] for v in fv.get(f["id"], [])] for f in facets]]
            for case, fv in per_case
        ],
    }
