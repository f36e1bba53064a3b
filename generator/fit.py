"""'Cases like my system': the rules that rank cases by how close their context is to a reader's.

The rules are few and all visible. `RULES` holds every weight and the words each rule uses; the page
prints the rules from it and receives it as JSON, with each case's profile (`profiles`), and
docs/assets/fit.js applies the same rules in the browser. `rank` is the reference the tests hold the page to.

A profile uses the same fields as the search facets (health system, target groups, framework tags),
by their codes: what the reader chooses is matched against what the case files record, nothing else.
Region and setting are free text in the case files, so level and urban or rural cannot be matched.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import schema
from .model import Case, Catalogue, Tag

#: Points per match, and how the page says it. `says` takes the matched item's label.
RULES: dict[str, dict] = {
    "system": {
        "points": 3,
        "rule": "the case works in the kind of health system you chose",
        "says": "same system type ({})",
    },
    "group": {
        "points": 2,
        "rule": "for each population you want to serve that the case also serves",
        "says": "also serves {}",
    },
    "block": {
        "points": 1,
        "rule": "for each building block you want to strengthen that the case shows",
        "says": "shows {}, which you want to strengthen",
    },
    "can": {
        "points": 1,
        "rule": "for each payment instrument you can use that the case used",
        "says": "used {}, which you can use",
    },
    "cannot": {
        "points": -2,
        "rule": "for each payment instrument you cannot use that the case relied on",
        "says": "relied on {}, which you marked as not possible",
    },
}


@dataclass(frozen=True)
class Context:
    """What a reader says about their system: codes as in the case files."""

    system: str | None = None
    groups: frozenset[str] = field(default_factory=frozenset)
    blocks: frozenset[str] = field(default_factory=frozenset)
    can: frozenset[str] = field(default_factory=frozenset)
    cannot: frozenset[str] = field(default_factory=frozenset)


def lower_first(label: str) -> str:
    """'Pooled budgets' -> 'pooled budgets' inside a sentence; 'DRG funding' stays as it is."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def _term_ids(case: Case, role: str, catalogue: Catalogue) -> list[str]:
    fw = catalogue.framework_with_role(role)
    return list(dict.fromkeys(tag.term.id for tag in case.tags.get(fw.id, []))) if fw else []


def profile(case: Case, catalogue: Catalogue) -> dict:
    """What the rules read of a case."""
    return {
        "slug": case.slug,
        "system": (case.health_system or {}).get("type"),
        "groups": list(case.target_groups or []),
        "blocks": _term_ids(case, "how-it-works", catalogue),
        "payments": _term_ids(case, "payment", catalogue),
        "evidence": list(schema.EVIDENCE_GRADES).index(case.evidence["grade"]),
    }


def labels(catalogue: Catalogue) -> dict[str, dict[str, str]]:
    """The words for each code a reason can name, by rule."""
    out: dict[str, dict[str, str]] = {
        "system": dict(schema.HEALTH_SYSTEMS),
        "group": dict(schema.TARGET_GROUPS),
    }
    for rule, role in (("block", "how-it-works"), ("can", "payment"), ("cannot", "payment")):
        fw = catalogue.framework_with_role(role)
        out[rule] = {t.id: lower_first(t.label) for t in (fw.terms if fw else [])}
    return out


def matches(case_profile: dict, context: Context) -> list[tuple[str, str]]:
    """The rules a case meets, as (rule, code), in the order the page states them."""
    found: list[tuple[str, str]] = []
    if context.system and case_profile["system"] == context.system:
        found.append(("system", context.system))
    found += [("group", g) for g in case_profile["groups"] if g in context.groups]
    found += [("block", b) for b in case_profile["blocks"] if b in context.blocks]
    found += [("can", p) for p in case_profile["payments"] if p in context.can]
    found += [("cannot", p) for p in case_profile["payments"] if p in context.cannot]
    return found


def points(found: list[tuple[str, str]]) -> int:
    return sum(RULES[rule]["points"] for rule, _ in found)


def reasons(found: list[tuple[str, str]], words: dict[str, dict[str, str]]) -> list[str]:
    """Each match in words, like 'also serves frail older people'."""
    return [RULES[rule]["says"].format(words[rule].get(code, code)) for rule, code in found]


def rank(catalogue: Catalogue, context: Context) -> list[tuple[Case, int, list[tuple[str, str]]]]:
    """Every case, closest first: most points, then stronger evidence of effect, then name."""
    rows = []
    for case in catalogue.cases:
        case_profile = profile(case, catalogue)
        found = matches(case_profile, context)
        rows.append((case, points(found), found, case_profile["evidence"]))
    rows.sort(key=lambda row: (-row[1], row[3], row[0].name.casefold()))
    return [(case, score, found) for case, score, found, _ in rows]


def enabling_conditions(case: Case, catalogue: Catalogue) -> list[tuple[str, Tag]]:
    """What the case relied on, for a reader to check at home: its tags of building blocks that stand for an
    enabling condition (a term's `enabler`: legal basis, funding source, ...), then its key conditions."""
    found: list[tuple[str, Tag]] = []
    blocks = catalogue.framework_with_role("how-it-works")
    if blocks:
        found += [(tag.term.enabler, tag) for tag in case.tags.get(blocks.id, []) if tag.term.enabler]
    conditions = catalogue.framework_with_role("conditions")
    if conditions:
        found += [("key condition", tag) for tag in case.tags.get(conditions.id, [])]
    return found
