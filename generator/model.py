"""The catalogue as objects: cases, frameworks, terms and the links between them.

Built only from validated data (see `validate.py`), so it trusts its input:
every term id, citation key and related slug is known to resolve.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from . import citations, schema

COUNTRY_DATA: dict[str, dict] = {
    code: entry
    for code, entry in json.loads(
        (Path(__file__).parent / "data" / "countries.json").read_text(encoding="utf-8")
    ).items()
    if not code.startswith("_")
}
COUNTRIES: dict[str, str] = {code: entry["name"] for code, entry in COUNTRY_DATA.items()}
#: Countries of Europe as the UN's M49 standard counts them (region 150), for statements of scope.
EUROPE = frozenset(
    "AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV "
    "MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM UA VA".split()
)


def _optional_case_fields() -> frozenset[str]:
    """Fields a case file may leave out (framework tag fields aside: pages read them through `Case.tags`)."""
    case_schema = schema.case_schema([])
    return frozenset(case_schema["properties"]) - frozenset(case_schema["required"])


OPTIONAL_CASE_FIELDS = _optional_case_fields()


class _ShortRepr:
    """A one-line repr naming the object by its id. The dataclasses' own repr walks the whole linked
    catalogue (case -> tags -> term -> uses -> cases ...): with long texts, a failing test's traceback
    took gigabytes to print."""

    def __repr__(self) -> str:
        name = next((getattr(self, a, None) for a in ("slug", "id", "key", "anchor") if getattr(self, a, None)), "")
        return f"<{type(self).__name__} {name}>"


@dataclass(eq=False, repr=False)
class Source(_ShortRepr):
    data: dict

    @property
    def key(self) -> str:
        return self.data["key"]


@dataclass(eq=False, repr=False)
class Term(_ShortRepr):
    framework: Framework
    id: str
    label: str
    definition: str
    parent: str | None = None
    axis: str | None = None
    attributes: list[dict] = field(default_factory=list)
    enabler: str | None = None  # the enabling condition the term stands for, if it is a precondition
    synonyms: list[str] = field(default_factory=list)
    uses: list[Tag] = field(default_factory=list)
    crosswalks: list[Crosswalk] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.framework.url}{self.id}/"

    @property
    def cases(self) -> list[Case]:
        """The cases that show this term (once each, though a case may tag it at two levels)."""
        return list({id(tag.case): tag.case for tag in self.uses}.values())

    @property
    def anchor(self) -> str:
        """Id of the paragraph on a case page where the case shows this term."""
        return f"{self.framework.id}-{self.id}"


@dataclass(eq=False, repr=False)
class Crosswalk(_ShortRepr):
    """A link from a term to a term of another framework, shown on both term pages."""

    other: Term
    why: str
    declared_in: Framework  # whose sources the reason cites


@dataclass(eq=False, repr=False)
class Framework(_ShortRepr):
    data: dict
    terms: list[Term] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.data[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def url(self) -> str:
        return f"frameworks/{self.id}/"

    @property
    def label(self) -> str:
        return self.data.get("short_name", self.data["name"])

    @property
    def role(self) -> str | None:
        """The part the framework plays on the site (schema.FRAMEWORK_ROLES), if any."""
        return self.data.get("role")

    @cached_property
    def term_by_id(self) -> dict[str, Term]:
        return {t.id: t for t in self.terms}

    @cached_property
    def sources(self) -> list[Source]:
        return [Source(s) for s in self.data["sources"]]

    @property
    def axes(self) -> list[tuple[str, list[Term]]]:
        """Terms grouped by axis, in the order the framework file gives them."""
        groups: dict[str, list[Term]] = {axis: [] for axis in self.data.get("axes", [])}
        for term in self.terms:
            groups.setdefault(term.axis or "", []).append(term)
        return list(groups.items())

    def grid(self) -> list[tuple[Term, dict[str, list[Tag]]]]:
        """For frameworks with levels: each term with its uses by level."""
        return [
            (term, {level: [t for t in term.uses if t.level == level] for level in self.data.get("levels", [])})
            for term in self.terms
        ]

    @property
    def cases(self) -> list[Case]:
        """Cases tagged with any term of this framework."""
        return list({id(case): case for term in self.terms for case in term.cases}.values())


@dataclass(eq=False, repr=False)
class Tag(_ShortRepr):
    case: Case
    term: Term
    how: str
    detail: str | None = None
    level: str | None = None
    met: bool | None = None  # for conditions: whether the source judges the condition met (None: not said)

    @property
    def anchor(self) -> str:
        """Id of the paragraph on the case page where the case shows this term (at this level)."""
        return self.term.anchor + (f"-{self.level}" if self.level else "")


@dataclass(eq=False, repr=False)
class Related(_ShortRepr):
    case: Case
    why: str


@dataclass(eq=False, repr=False)
class Case(_ShortRepr):
    data: dict
    file: str
    tags: dict[str, list[Tag]] = field(default_factory=dict)  # by framework id
    related: list[Related] = field(default_factory=list)
    last_changed: str | None = None
    history: list[dict] = field(default_factory=list)  # dated changes, newest first (history.py)

    def __getattr__(self, name: str) -> Any:
        """A field of the case file; None for an optional field it leaves out. Any other name is
        an AttributeError, so a typo in a template fails the build (StrictUndefined)."""
        if name != "data":
            if name in self.data:
                return self.data[name]
            if name in OPTIONAL_CASE_FIELDS:
                return None
        raise AttributeError(f"a case has no field '{name}'")

    @property
    def url(self) -> str:
        return f"cases/{self.slug}/"

    @cached_property
    def sources(self) -> list[Source]:
        return [Source(s) for s in self.data["sources"]]

    @property
    def country_names(self) -> list[str]:
        return [COUNTRIES[c] for c in self.data["countries"]]

    @property
    def plain_summary(self) -> str:
        return citations.strip_markers(self.data["summary"])

    @property
    def ended(self) -> bool:
        """Whether the programme ended or stalled, by its status or its implementation stage."""
        return self.data.get("status") in ("ended", "stalled") or self.data["stage"]["grade"] == "ended"

    def points(self, field_name: str) -> list[tuple[str, str]]:
        """The items of a list field (weaknesses, barriers, ...) with their ids on the case page:
        `<field>-<n>`, counting from 1, so other pages can link to one item."""
        return [(f"{field_name}-{i}", text) for i, text in enumerate(self.data.get(field_name) or [], 1)]


@dataclass(eq=False, repr=False)
class Catalogue(_ShortRepr):
    cases: list[Case]
    frameworks: list[Framework]
    glossary: list[dict] = field(default_factory=list)  # glossary.yaml's groups

    @cached_property
    def case_by_slug(self) -> dict[str, Case]:
        return {c.slug: c for c in self.cases}

    @cached_property
    def framework_by_id(self) -> dict[str, Framework]:
        return {f.id: f for f in self.frameworks}

    def framework_with_role(self, role: str) -> Framework | None:
        """The framework playing `role` (see schema.FRAMEWORK_ROLES), or None if no framework file claims it."""
        return next((f for f in self.frameworks if f.data.get("role") == role), None)

    @cached_property
    def _similarity_index(self) -> tuple[dict[int, tuple[int, frozenset, str | None]], dict[tuple, list[Case]]]:
        """Per case: its terms as a bitmask, its target groups and health system; and the cases of each term,
        in the order of their slugs."""
        bits: dict[tuple, int] = {}
        postings: dict[tuple, list[Case]] = {}
        profiles: dict[int, tuple[int, frozenset, str | None]] = {}
        for case in sorted(self.cases, key=lambda c: c.slug):
            mask = 0
            for fw, tags in case.tags.items():
                for tag in tags:
                    key = (fw, tag.term.id)
                    bit = bits.setdefault(key, len(bits))
                    if not mask >> bit & 1:
                        postings.setdefault(key, []).append(case)
                    mask |= 1 << bit
            profiles[id(case)] = (mask, frozenset(case.target_groups or ()), (case.health_system or {}).get("type"))
        return profiles, postings

    def similar(self, case: Case, limit: int = 5, candidates: int = 100) -> list[tuple[Case, float]]:
        """The cases most like `case`, best first: shared framework terms (Jaccard), target groups, health system.

        Only cases sharing one of this case's rarer terms are scored (about
        `candidates` of them), so the cost per case does not grow with the catalogue.
        Ties go by slug, never by name: the ranking depends only on the slugs, terms, target groups and
        health systems of the cases, so an edit to anything else keeps it (site.py reuses it under serve).
        """
        profiles, postings = self._similarity_index
        mine, groups, system = profiles[id(case)]
        own = {(fw, tag.term.id) for fw, tags in case.tags.items() for tag in tags}
        pool: dict[int, Case] = {}
        for key in sorted(own, key=lambda k: (len(postings[k]), k)):
            for other in postings[key]:
                pool.setdefault(id(other), other)
                if len(pool) > candidates:
                    break
            if len(pool) > candidates:
                break
        pool.pop(id(case), None)
        scored = []
        for key, other in pool.items():
            theirs, their_groups, their_system = profiles[key]
            score = (mine & theirs).bit_count() / (mine | theirs).bit_count()
            if groups or their_groups:
                score += 0.5 * len(groups & their_groups) / len(groups | their_groups)
            if system and system == their_system:
                score += 0.25
            scored.append((-score, other.slug, other))
        return [(other, -negative) for negative, _, other in sorted(scored, key=lambda item: item[:2])[:limit]]


def build(
    case_data: list[tuple[str, dict]], framework_data: list[dict], glossary: list[dict] | None = None
) -> Catalogue:
    """Link validated data into a catalogue; cases sorted by name, frameworks by order."""
    frameworks = []
    for data in sorted(framework_data, key=lambda d: (d.get("order", 99), d["name"])):
        fw = Framework(data)
        fw.terms = [
            Term(
                fw,
                t["id"],
                t["label"],
                t["definition"],
                t.get("parent"),
                t.get("axis"),
                t.get("attributes", []),
                t.get("enabler"),
                t.get("synonyms", []),
            )
            for t in data["terms"]
        ]
        frameworks.append(fw)
    by_id = {fw.id: fw for fw in frameworks}
    for fw in frameworks:
        for term, raw in zip(fw.terms, fw.data["terms"], strict=True):
            for link in raw.get("see_also", []):
                other = by_id[link["framework"]].term_by_id[link["term"]]
                term.crosswalks.append(Crosswalk(other, link["why"], fw))
                other.crosswalks.append(Crosswalk(term, link["why"], fw))
    by_field = {fw.case_field: fw for fw in frameworks}
    cases = [Case(data, file) for file, data in sorted(case_data, key=lambda item: item[1]["name"].casefold())]
    by_slug = {c.slug: c for c in cases}
    for case in cases:
        for field_name, fw in by_field.items():
            tags = [
                Tag(case, fw.term_by_id[t["term"]], t["how"], t.get("detail"), t.get("level"), t.get("met"))
                for t in case.data.get(field_name, [])
            ]
            case.tags[fw.id] = tags
            for tag in tags:
                tag.term.uses.append(tag)
    for case in cases:
        for rel in case.data.get("related", []):
            other = by_slug[rel["slug"]]
            _link(case, other, rel["why"])
            _link(other, case, rel["why"])
    for case in cases:
        case.related.sort(key=lambda r: r.case.name.casefold())
    return Catalogue(cases, frameworks, glossary or [])


def _link(a: Case, b: Case, why: str) -> None:
    if all(r.case is not b for r in a.related):
        a.related.append(Related(b, why))
