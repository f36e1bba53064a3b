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

from . import citations

COUNTRIES: dict[str, str] = {
    code: name for code, name in json.loads((Path(__file__).parent / "countries.json").read_text(encoding="utf-8")).items() if not code.startswith("_")
}


@dataclass
class Source:
    data: dict

    @property
    def key(self) -> str:
        return self.data["key"]


@dataclass
class Term:
    framework: "Framework"
    id: str
    label: str
    definition: str
    parent: str | None = None
    axis: str | None = None
    uses: list["Tag"] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"{self.framework.url}{self.id}/"

    @property
    def anchor(self) -> str:
        """Id of the paragraph on a case page where the case shows this term."""
        return f"{self.framework.id}-{self.id}"


@dataclass
class Framework:
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

    @cached_property
    def term_by_id(self) -> dict[str, Term]:
        return {t.id: t for t in self.terms}

    @cached_property
    def sources(self) -> list[Source]:
        return [Source(s) for s in self.data["sources"]]

    @property
    def axes(self) -> list[tuple[str, list[Term]]]:
        """Terms grouped by axis, in the order the framework file gives them."""
        groups: dict[str, list[Term]] = {}
        for term in self.terms:
            groups.setdefault(term.axis or "", []).append(term)
        return list(groups.items())

    @property
    def cases(self) -> list["Case"]:
        """Cases tagged with any term of this framework."""
        seen = {id(tag.case): tag.case for term in self.terms for tag in term.uses}
        return list(seen.values())


@dataclass
class Tag:
    case: "Case"
    term: Term
    how: str
    detail: str | None = None


@dataclass
class Related:
    case: "Case"
    why: str


@dataclass
class Case:
    data: dict
    file: str
    tags: dict[str, list[Tag]] = field(default_factory=dict)  # by framework id
    related: list[Related] = field(default_factory=list)
    last_changed: str | None = None

    def __getattr__(self, name: str) -> Any:
        try:
            return self.data[name]
        except KeyError:
            if name in ("data", "file", "tags", "related"):
                raise AttributeError(name) from None
            return None

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


@dataclass
class Catalogue:
    cases: list[Case]
    frameworks: list[Framework]

    @cached_property
    def case_by_slug(self) -> dict[str, Case]:
        return {c.slug: c for c in self.cases}

    @cached_property
    def framework_by_id(self) -> dict[str, Framework]:
        return {f.id: f for f in self.frameworks}


def build(case_data: list[tuple[str, dict]], framework_data: list[dict]) -> Catalogue:
    """Link validated data into a catalogue; cases sorted by name, frameworks by order."""
    frameworks = []
    for data in sorted(framework_data, key=lambda d: (d.get("order", 99), d["name"])):
        fw = Framework(data)
        fw.terms = [Term(fw, t["id"], t["label"], t["definition"], t.get("parent"), t.get("axis")) for t in data["terms"]]
        frameworks.append(fw)
    by_field = {fw.case_field: fw for fw in frameworks}
    cases = [Case(data, file) for file, data in sorted(case_data, key=lambda item: item[1]["name"].casefold())]
    by_slug = {c.slug: c for c in cases}
    for case in cases:
        for field_name, fw in by_field.items():
            tags = [Tag(case, fw.term_by_id[t["term"]], t["how"], t.get("detail")) for t in case.data.get(field_name, [])]
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
    return Catalogue(cases, frameworks)


def _link(a: Case, b: Case, why: str) -> None:
    if all(r.case is not b for r in a.related):
        a.related.append(Related(b, why))
