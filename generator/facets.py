"""The search filters (facets) of a case: one definition for Pagefind and for the facet file.

Text searches run on Pagefind, whose index carries these values as filters; browsing
by filters alone reads `api/facets.json` instead, because a filter-only Pagefind
query downloads the whole index. Both come from `case_facets`, so they agree.
"""

from __future__ import annotations

from . import schema
from .model import Case, Catalogue


def facet_list(catalogue: Catalogue) -> list[dict]:
    """Facet ids and labels, in the order the search page shows them."""
    return [
        *({"id": fw.id, "label": fw.label} for fw in catalogue.frameworks),
        {"id": "country", "label": "Country"},
        {"id": "target", "label": "Target population"},
        {"id": "system", "label": "Health system"},
        {"id": "evidence", "label": "Evidence of effect"},
        {"id": "stage", "label": "Implementation stage"},
        {"id": "decade", "label": "Start decade"},
    ]


def case_facets(case: Case) -> dict[str, list[str]]:
    values = {fw_id: sorted({tag.term.label for tag in tags}) for fw_id, tags in case.tags.items() if tags}
    values["country"] = case.country_names
    if case.target_groups:
        values["target"] = [schema.TARGET_GROUPS[g].capitalize() for g in case.target_groups]
    if case.health_system:
        values["system"] = [schema.HEALTH_SYSTEMS[case.health_system["type"]].capitalize()]
    values["evidence"] = [schema.EVIDENCE_GRADES[case.evidence["grade"]]["label"]]
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
    values = {f["id"]: sorted({v for _, fv in per_case for v in fv.get(f["id"], [])}) for f in facets}
    index = {fid: {v: i for i, v in enumerate(vals)} for fid, vals in values.items()}
    return {
        "facets": [{**f, "values": values[f["id"]]} for f in facets],
        "cases": [
            [case.slug, case.name, [[index[f["id"]][v] for v in fv.get(f["id"], [])] for f in facets]]
            for case, fv in per_case
        ],
    }
