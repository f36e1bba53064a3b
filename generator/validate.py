"""Checking case and framework files: every problem at once, each with its place.

`load_catalogue(root)` reads `frameworks/*.yaml` and `cases/*.yaml`, checks them
against the JSON Schemas of `schema.py` and against the rules a schema cannot
express (citations resolve, every source is cited, related cases exist, years
are plausible), and returns the linked `Catalogue`, or raises
`ValidationFailed` with all problems found.
"""

from __future__ import annotations

import datetime
import difflib
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema_rs

from . import citations, model, schema
from .model import COUNTRIES
from .problems import Problem, ValidationFailed
from .yamlfile import YamlFile, field_name, read_yaml

TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "array": "a list (lines starting with '- ', or [a, b])",
    "object": "a group of 'field: value' lines",
    "boolean": "true or false",
    "null": "empty",
}


def _type_of(value: Any) -> str:
    for name, kinds in (
        ("boolean", bool),
        ("integer", int),
        ("number", float),
        ("string", str),
        ("array", list),
        ("object", dict),
    ):
        if isinstance(value, kinds):
            return name
    return "null"


#: Codes people write that are not ISO 3166-1, with the code they mean.
COUNTRY_MISTAKES = {"UK": "GB", "EL": "GR", "EN": "GB"}


def _suggest(word: str, choices: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the closest choice, or '' when none is close."""
    word, choices = str(word), list(choices)
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if not close and len(word) >= 3:
        close = [c for c in choices if c.startswith(word) or word in c.split("-")][:1]
    return f"; did you mean '{close[0]}'?" if close else ""


def _shown(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"


def current_year() -> int:
    return datetime.date.today().year


class FileChecker:
    """Checks one parsed file against a JSON Schema, then the rules of prose and citations."""

    def __init__(
        self, doc: YamlFile, file_schema: dict, validator: jsonschema_rs.Validator, term_lists: dict[str, str]
    ):
        self.doc = doc
        self.schema = file_schema
        self.validator = validator  # compiled once per schema: compiling is the slow part
        self.term_lists = term_lists  # case field -> where its term ids are listed

    def check_schema(self) -> None:
        errors = list(self.validator.iter_errors(self.doc.data))
        for error in sorted(errors, key=lambda e: list(map(str, e.instance_path))):
            self._report(error)

    def _report(self, error: jsonschema_rs.ValidationError) -> None:
        path = tuple(error.instance_path)
        value = error.instance
        kind = error.kind.name
        details = error.kind.as_dict()
        sub = self.schema
        for part in list(error.schema_path)[:-1]:
            sub = sub[part]
        if kind == "additionalProperties":
            allowed = list(sub.get("properties", {}))
            for extra in details["unexpected"]:
                hint = _suggest(extra, allowed) or "; allowed here: " + ", ".join(allowed)
                self.doc.problem(path + (extra,), f"unknown field '{extra}'{hint}", key=True)
        elif kind == "required":
            name = details["property"]
            hint = sub.get("properties", {}).get(name, {}).get("description", "").split(". ")[0].rstrip(".")
            line, column = self.doc.where(path, key=True)
            self.doc.problems.append(
                Problem(
                    self.doc.path,
                    line,
                    column,
                    field_name(path + (name,)),
                    f"required field is missing: add '{name}:'{f' ({hint})' if hint else ''}",
                )
            )
        elif kind == "type":
            words = " or ".join(TYPE_WORDS[w] for w in details["types"])
            self.doc.problem(path, f"should be {words}, not {TYPE_WORDS[_type_of(value)]} ({_shown(value)})")
        elif kind == "enum":
            choices = [str(c) for c in details["options"]]
            field = path[0] if path else ""
            if field in self.term_lists and path[-1] == "term":
                self.doc.problem(
                    path, f"'{value}' is not a term id of {self.term_lists[field]}{_suggest(value, choices)}"
                )
            else:
                guess = _suggest(value, choices).removeprefix("; ")
                self.doc.problem(
                    path,
                    f"{_shown(value)} is not allowed here: write one of {', '.join(choices)}"
                    + (f" ({guess})" if guess else ""),
                )
        elif kind == "pattern":
            hint = schema.PATTERN_HINTS.get(details["pattern"])
            if sub.get("x-citation"):
                hint = 'write one citation marker in quotes, like "[@stein2016, section 4.1]"'
            self.doc.problem(path, f"{_shown(value)} is not valid: {hint or 'it must match ' + details['pattern']}")
        elif kind == "minLength":
            self.doc.problem(path, "is empty: write the text, or delete the field")
        elif kind == "minItems":
            limit = details["limit"]
            self.doc.problem(path, f"needs at least {limit} item{'s' if limit > 1 else ''}")
        elif kind == "minimum":
            self.doc.problem(path, f"{value} is too small: the smallest allowed is {details['limit']}")
        else:
            self.doc.problem(path, error.message)

    def check_prose(self, sources: list[dict]) -> set[str]:
        """Every prose paragraph cites; every cited key is a listed source. Returns the keys cited."""
        known = [s.get("key") for s in sources if isinstance(s, dict)]
        cited: set[str] = set()
        for path, text, sub in schema.strings(self.doc.data, self.schema):
            if not (sub.get("x-prose") or sub.get("x-citation")):
                continue
            try:
                found = citations.markers(text)
            except citations.MarkerError as err:
                self.doc.problem(path, str(err))
                continue
            for marker in found:
                for cite in marker.cites:
                    cited.add(cite.key)
                    if cite.key not in known:
                        self.doc.problem(
                            path,
                            f"cites '{cite.key}', which no source defines{_suggest(cite.key, known)}: "
                            f"add it under 'sources:' with key: {cite.key}",
                        )
            if sub.get("x-prose"):
                for number, paragraph in enumerate(citations.paragraphs(text), 1):
                    if not citations.MARKER.search(paragraph):
                        where = f"paragraph {number}" if "\n" in text.strip() else "this text"
                        self.doc.problem(
                            path,
                            f"{where} cites no source: "
                            f"end it with a marker like [@{known[0] if known else 'key'}, section]",
                        )
        return cited

    def check_sources(self, cited: set[str]) -> None:
        seen: dict[str, int] = {}
        for index, source in enumerate(self.doc.data.get("sources", []) or []):
            if not isinstance(source, dict) or not isinstance(source.get("key"), str):
                continue
            key = source["key"]
            if key in seen:
                self.doc.problem(
                    ("sources", index, "key"),
                    f"source key '{key}' is used twice (first as source {seen[key] + 1}): give each source its own key",
                )
            seen[key] = index
            if key not in cited:
                self.doc.problem(
                    ("sources", index, "key"),
                    f"source '{key}' is listed but nothing cites it: cite it as [@{key}] or remove it",
                )
            year = source.get("year")
            if isinstance(year, int) and year > current_year():
                self.doc.problem(("sources", index, "year"), f"{year} is in the future")


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if not p.name.startswith("_")) + sorted(folder.glob("*.yml"))


def _read(path: Path, root: Path) -> YamlFile:
    doc = read_yaml(path, str(path.relative_to(root)))
    if path.suffix == ".yml":
        doc.problems.append(Problem(doc.path, 1, 1, "", "rename the file to end in '.yaml'"))
    elif not doc.problems and not isinstance(doc.data, dict):
        doc.problems.append(Problem(doc.path, 1, 1, "", "the file must be a group of 'field: value' lines"))
    return doc


def check_frameworks(root: Path) -> tuple[list[dict], list[Problem]]:
    problems: list[Problem] = []
    good: list[dict] = []
    fields: dict[str, str] = {}
    roles: dict[str, str] = {}
    fw_schema = schema.framework_schema()
    fw_validator = jsonschema_rs.validator_for(fw_schema)
    for path in _files(root / "frameworks"):
        doc = _read(path, root)
        if not doc.problems:
            checker = FileChecker(doc, fw_schema, fw_validator, {})
            checker.check_schema()
            data = doc.data
            if not doc.problems:
                if data["id"] != path.stem:
                    doc.problem(
                        ("id",), f"id '{data['id']}' differs from the file name '{path.name}': make them the same"
                    )
                ids: dict[str, int] = {}
                for index, term in enumerate(data["terms"]):
                    if term["id"] in ids:
                        doc.problem(("terms", index, "id"), f"term id '{term['id']}' is used twice in this framework")
                    ids[term["id"]] = index
                for index, term in enumerate(data["terms"]):
                    parent = term.get("parent")
                    if parent is not None and parent not in ids:
                        doc.problem(
                            ("terms", index, "parent"),
                            f"parent '{parent}' is not a term of this framework{_suggest(parent, ids)}",
                        )
                if data["case_field"] in fields:
                    doc.problem(
                        ("case_field",),
                        f"case field '{data['case_field']}' is already used by "
                        f"frameworks/{fields[data['case_field']]}.yaml",
                    )
                fields[data["case_field"]] = data["id"]
                role = data.get("role")
                if role in roles:
                    doc.problem(("role",), f"role '{role}' is already played by frameworks/{roles[role]}.yaml")
                elif role:
                    roles[role] = data["id"]
                axes = data.get("axes")
                for index, term in enumerate(data["terms"]):
                    if axes and term.get("axis") not in axes:
                        doc.problem(
                            ("terms", index, "axis"),
                            f"axis {_shown(term.get('axis'))} is not one of the framework's axes: {', '.join(axes)}",
                        )
                checker.check_sources(checker.check_prose(data["sources"]))
        problems += doc.problems
        if not doc.problems:
            good.append((doc, doc.data))
    problems += _check_crosswalks(good)
    return [data for _, data in good], problems


def _check_crosswalks(frameworks: list[tuple[YamlFile, dict]]) -> list[Problem]:
    """Every see_also names an existing term of another framework."""
    terms = {data["id"]: {t["id"] for t in data["terms"]} for _, data in frameworks}
    problems: list[Problem] = []
    for doc, data in frameworks:
        for index, term in enumerate(data["terms"]):
            for link_index, link in enumerate(term.get("see_also", [])):
                path = ("terms", index, "see_also", link_index)
                if link["framework"] not in terms:
                    doc.problem(
                        path + ("framework",),
                        f"no framework has the id '{link['framework']}'{_suggest(link['framework'], terms)}",
                    )
                elif link["term"] not in terms[link["framework"]]:
                    doc.problem(
                        path + ("term",),
                        f"'{link['term']}' is not a term of {link['framework']}"
                        f"{_suggest(link['term'], terms[link['framework']])}",
                    )
                elif link["framework"] == data["id"]:
                    doc.problem(
                        path + ("framework",), "a crosswalk links to another framework; use 'parent' within one"
                    )
        problems += doc.problems
    return problems


def check_case(
    doc: YamlFile,
    stem: str,
    case_schema: dict,
    validator: jsonschema_rs.Validator,
    term_lists: dict[str, str],
    levelled: set[str],
    judged: set[str],
) -> None:
    checker = FileChecker(doc, case_schema, validator, term_lists)
    checker.check_schema()
    data = doc.data
    slug = data.get("slug")
    if not re.fullmatch(schema.SLUG_PATTERN, stem):
        doc.problems.append(
            Problem(
                doc.path,
                1,
                1,
                "",
                f"file name '{stem}.yaml' is not a safe slug: {schema.PATTERN_HINTS[schema.SLUG_PATTERN]}",
            )
        )
    elif isinstance(slug, str) and slug != stem:
        doc.problem(("slug",), f"slug '{slug}' differs from the file name '{stem}.yaml': make them the same")
    for index, code in enumerate(data.get("countries") or []):
        if isinstance(code, str) and re.fullmatch(schema.COUNTRY_PATTERN, code) and code not in COUNTRIES:
            hint = f"; did you mean '{COUNTRY_MISTAKES[code]}'?" if code in COUNTRY_MISTAKES else ""
            doc.problem(("countries", index), f"'{code}' is not an ISO 3166-1 country code{hint}")
    start, end = data.get("start_year"), data.get("end_year")
    for name, year in (("start_year", start), ("end_year", end)):
        if isinstance(year, int) and year > current_year():
            doc.problem((name,), f"{year} is in the future: give the year it actually happened")
    if isinstance(start, int) and isinstance(end, int) and end < start:
        doc.problem(("end_year",), f"end year {end} is before start year {start}")
    for field, label in term_lists.items():
        seen: set[tuple] = set()
        for index, tag in enumerate(data.get(field) or []):
            if not isinstance(tag, dict):
                continue
            key = (tag.get("term"), tag.get("level"))
            if isinstance(key[0], str) and key in seen:
                doc.problem(
                    (field, index, "term"),
                    f"'{key[0]}' is tagged twice{' at this level' if key[1] else ''}: merge the two entries",
                )
            seen.add(key)
            if "level" in tag and field not in levelled:
                doc.problem((field, index, "level"), f"{label.split(' (')[0]} has no levels: delete 'level'")
            elif field in levelled and "level" not in tag:
                doc.problem(
                    (field, index), "add 'level:' (micro, meso or macro): this framework tags each term at a level"
                )
            if "met" in tag and field not in judged:
                doc.problem(
                    (field, index, "met"),
                    f"{label.split(' (')[0]} is not a framework of conditions: delete 'met'",
                )
    sources = data.get("sources") if isinstance(data.get("sources"), list) else []
    checker.check_sources(checker.check_prose(sources))


def check_cases(root: Path, frameworks: list[dict]) -> tuple[list[tuple[str, dict]], list[Problem]]:
    case_schema = schema.case_schema(frameworks)
    validator = jsonschema_rs.validator_for(case_schema)
    term_lists = {fw["case_field"]: f"{fw['name']} (see frameworks/{fw['id']}.yaml)" for fw in frameworks}
    levelled = {fw["case_field"] for fw in frameworks if fw.get("levels")}
    judged = {fw["case_field"] for fw in frameworks if fw.get("role") == "conditions"}
    docs: list[tuple[Path, YamlFile]] = []
    problems: list[Problem] = []
    for path in _files(root / "cases"):
        doc = _read(path, root)
        if not doc.problems:
            check_case(doc, path.stem, case_schema, validator, term_lists, levelled, judged)
        docs.append((path, doc))
    slugs = {path.stem for path, _ in docs}
    names: dict[str, str] = {}
    for path, doc in docs:
        data = doc.data if isinstance(doc.data, dict) else {}
        for index, rel in enumerate(data.get("related") or []):
            other = rel.get("slug") if isinstance(rel, dict) else None
            if not isinstance(other, str):
                continue
            if other == path.stem:
                doc.problem(("related", index, "slug"), "a case cannot be related to itself")
            elif other not in slugs:
                doc.problem(("related", index, "slug"), f"no case has the slug '{other}'{_suggest(other, slugs)}")
        name = data.get("name")
        if isinstance(name, str):
            folded = " ".join(name.casefold().split())
            if folded in names:
                doc.problem(("name",), f"another case has the same name: {names[folded]}")
            else:
                names[folded] = doc.path
        problems += doc.problems
    good = [(doc.path, doc.data) for _, doc in docs if not doc.problems]
    return good, problems


def load_catalogue(root: Path) -> model.Catalogue:
    """Validate everything under `root`; return the catalogue or raise ValidationFailed."""
    frameworks, problems = check_frameworks(root)
    if problems:  # cases are checked against the frameworks: fix those first
        raise ValidationFailed(problems)
    cases, problems = check_cases(root, frameworks)
    if problems:
        raise ValidationFailed(problems)
    return model.build(cases, frameworks)
