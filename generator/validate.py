"""Checking case and framework files: every problem at once, each with its place.

`load_catalogue(root)` reads `frameworks/*.yaml` and `cases/*.yaml`, checks them
against the JSON Schemas of `schema.py` and against the rules a schema cannot
express (citations resolve, every source is cited, related cases exist, years
are plausible), and returns the linked `Catalogue`, or raises
`ValidationFailed` with all problems found.
"""

from __future__ import annotations

import dataclasses
import datetime
import difflib
import functools
import hashlib
import json
import math
import os
import re
import stat
import time
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jsonschema_rs

from . import citations, facets, model, parallel, schema
from .model import COUNTRIES
from .problems import Problem, ValidationFailed
from .yamlfile import (
    NOT_REGULAR_MESSAGE,
    SYMLINK_MESSAGE,
    YamlFile,
    field_name,
    read_yaml,
)

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
    """A value as Python's repr writes it (line breaks and other controls as escapes), cut at 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else text[:56] + "..." + text[-1]


class _Visible(dict):
    """For str.translate: deletes invisible characters (formats such as zero-width joiners, controls),
    keeps the rest. Each character's category is looked up once, then cached."""

    def __missing__(self, code: int) -> str | None:
        char = chr(code)
        self[code] = kept = None if unicodedata.category(char) in ("Cf", "Cc") else char
        return kept


_VISIBLE = _Visible()


def _normalised(text: str) -> str:
    """Text as a reader sees it: NFKC, without invisible characters (zero-width joiners, soft hyphens...),
    spaces collapsed, case folded. Two names equal this way look the same on a page."""
    return " ".join(unicodedata.normalize("NFKC", text).translate(_VISIBLE).casefold().split())


def _values(value: Any, sub: dict, path: tuple = ()):
    """Yield (path, value, subschema) for every value, following the schema alongside the data."""
    yield path, value, sub
    if isinstance(value, dict):
        props = sub.get("properties", {})
        for key, item in value.items():
            yield from _values(item, props.get(key, {}), path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _values(item, sub.get("items", {}), path + (index,))


@functools.cache
def _template_placeholders() -> dict[tuple, str]:
    """The text the case template (`make new`) fills in, by field (list positions as '*'): a case file
    still holding one of these has a placeholder left in. Commented-out examples are not placeholders."""
    template = read_yaml(Path(__file__).parent / "templates" / "case-template.yaml")
    found: dict[tuple, str] = {}
    for path, value, _ in _values(template.data, {}):
        if isinstance(value, str) and "__" not in value:
            found[tuple("*" if isinstance(part, int) else part for part in path)] = value
    return found


def _plain(text: str) -> str:
    """Normalised text without its citation markers, to compare texts that differ only in their sources."""
    return _normalised(citations.MARKER.sub("", text))


@functools.cache
def _placeholder_locators() -> frozenset[str]:
    """The locators of the template's example citations, like 'section' in [@key, section]. (Its source
    key, 'key', is a placeholder where the source is listed.)"""
    return frozenset(
        cite.locator
        for text in _template_placeholders().values()
        for marker in citations.markers(text)
        for cite in marker.cites
        if cite.locator
    )


def _nested_marker(text: str) -> bool:
    """True when a citation marker opens inside another one, like [@a, see [@b]] (one linear pass)."""
    inside = False
    for index, char in enumerate(text):
        if char == "[":
            if inside and text.startswith("@", index + 1):
                return True
            inside = inside or text.startswith("@", index + 1)
        elif char == "]":
            inside = False
    return False


def _first_sentence(description: str) -> str:
    first = description.split(". ")[0].rstrip(".")
    return first[:1].lower() + first[1:]


#: A letter or digit: prose needs at least one besides its citation markers.
_WORD = re.compile(r"[^\W_]")

#: How YAML 1.1 writes "not a number" and infinity; case files read them as text, which is no figure either.
_NOT_A_NUMBER = re.compile(r"[-+]?\.(?:nan|inf)", re.IGNORECASE)


def _non_finite(data: Any, path: tuple) -> bool:
    for part in path:
        data = data[part]
    return isinstance(data, float) and not math.isfinite(data)


def current_year() -> int:
    return datetime.date.today().year


class FileChecker:
    """Checks one parsed file against a JSON Schema, then the rules of prose and citations."""

    def __init__(
        self,
        doc: YamlFile,
        file_schema: dict,
        validator: jsonschema_rs.Validator,
        term_lists: dict[str, str],
        frameworks: dict[str, dict] | None = None,
        placeholders: dict[tuple, str] | None = None,
        all_frameworks_read: bool = True,
    ):
        self.doc = doc
        self.schema = file_schema
        self.validator = validator  # compiled once per schema: compiling is the slow part
        self.term_lists = term_lists  # case field -> where its term ids are listed
        self.missing: set[tuple] = set()  # (path, field) already reported as missing
        self.frameworks = frameworks or {}  # case field -> framework data
        self.placeholders = placeholders or {}  # field (list positions as '*') -> the template's text
        #: False when a framework file has problems: an unknown top-level field may tag into it, so one
        #: that is not a near miss of a known field is let be
        self.all_frameworks_read = all_frameworks_read

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
                close = _suggest(extra, allowed)
                if not path and not close and not self.all_frameworks_read:
                    continue  # it may tag into a framework file that has problems of its own
                hint = close or "; allowed here: " + ", ".join(allowed)
                self.doc.problem(path + (extra,), f"unknown field '{extra}'{hint}", key=True)
        elif kind == "required":
            name = details["property"]
            if (path, name) in self.missing:  # several dependentRequired rules can ask for the same field
                return
            self.missing.add((path, name))
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
        elif kind == "type" and value is None and _non_finite(self.doc.data, path):
            return  # a number too large for JSON: check_values says so
        elif kind == "type" and sub.get("x-year"):
            self.doc.problem(path, f"{_shown(value)} is not a year: write the year as four digits, like 2010")
        elif kind == "type":
            words = " or ".join(TYPE_WORDS[w] for w in details["types"])
            self.doc.problem(path, f"should be {words}, not {TYPE_WORDS[_type_of(value)]} ({_shown(value)})")
        elif kind == "enum":
            choices = [str(c) for c in details["options"]]
            field = path[0] if path else ""
            if field in self.term_lists and path[-1] == "term":
                hint = _suggest(value, choices) or self._terms_about(field, value)
                self.doc.problem(path, f"{_shown(value)} is not a term id of {self.term_lists[field]}{hint}")
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
        elif kind == "minItems" and len(path) == 1 and path[0] in self.term_lists:
            label = self.term_lists[path[0]].split(" (")[0]
            self.doc.problem(
                path,
                f"tags {len(value)} term{'s' if len(value) != 1 else ''} of {label}, but a case needs at least "
                f"{details['limit']}: add each one its sources show, with 'term:' and 'how:'",
            )
        elif kind == "minItems":
            limit = details["limit"]
            self.doc.problem(path, f"needs at least {limit} item{'s' if limit > 1 else ''}")
        elif kind == "minimum":
            self.doc.problem(path, f"{value} is too small: the smallest allowed is {details['limit']}")
        else:
            self.doc.problem(path, error.message)

    def _terms_about(self, field: str, value: Any) -> str:
        """Terms whose label or definition shares the most words with an unknown id, and where all are listed."""
        framework = self.frameworks.get(field)
        if framework is None:
            return ""
        words = {w[:5] for w in re.findall(r"[a-z]{3,}", str(value).lower())}
        scored = []
        for term in framework["terms"]:
            label = set(re.findall(r"[a-z]{3,}", term["label"].lower()))
            text = set(re.findall(r"[a-z]{3,}", _plain(term["definition"])))
            score = 2 * len(words & {w[:5] for w in label}) + len(words & {w[:5] for w in text})
            if score:
                scored.append((-score, term["id"], term["label"]))
        close = ", ".join(f"'{term_id}' ({label})" for _, term_id, label in sorted(scored)[:3])
        listed = f"every term is listed on the site at frameworks/{framework['id']}/"
        return f"; terms about it: {close}; {listed}" if close else f"; {listed}"

    def check_values(self) -> None:
        """Rules every value follows, whatever its field: text is more than spaces, a list names each
        thing once, years are years, dates are real dates, the template's placeholders are replaced."""
        for path, value, sub in _values(self.doc.data, self.schema):
            if isinstance(value, str):
                self._check_text(path, value, sub)
            elif isinstance(value, float) and not math.isfinite(value):
                self.doc.problem(path, "the number is too large to store: write the figure as the source gives it")
            elif isinstance(value, float) and sub.get("x-year"):
                self.doc.problem(path, f"{value!r} is not a year: write the year as four digits, like 2010")
            elif isinstance(value, list):
                self._check_repeats(path, value)

    def _check_text(self, path: tuple, value: str, sub: dict) -> None:
        if "number" in sub.get("type", ()) and _NOT_A_NUMBER.fullmatch(value.strip()):
            self.doc.problem(path, f"{_shown(value)} is not a figure: write the figure as the source gives it")
            return
        if sub.get("type") != "string":
            return
        if value and (not value.strip() or (not value.isascii() and not _normalised(value))):
            self.doc.problem(path, "holds only spaces or invisible characters: write the text, or delete the field")
            return
        if sub.get("pattern") == schema.DATE_PATTERN and re.fullmatch(schema.DATE_PATTERN, value):
            try:
                datetime.date.fromisoformat(value)
            except ValueError:
                self.doc.problem(
                    path, f"{_shown(value)} is not a real date: {schema.PATTERN_HINTS[schema.DATE_PATTERN]}"
                )

    def check_placeholders(self) -> None:
        """Text still as the case template (`make new`) wrote it, in fields with no other problem."""
        if not self.placeholders or not isinstance(self.doc.data, dict):
            return
        reported = {p.field for p in self.doc.problems}
        locators = _placeholder_locators()
        subs: dict[tuple, dict] = {}
        for path, value, sub in _values(self.doc.data, self.schema):
            subs[path] = sub
            if not isinstance(value, str) or sub.get("type") != "string":
                continue
            placeholder = self.placeholders.get(tuple("*" if isinstance(part, int) else part for part in path))
            if placeholder and _plain(placeholder) and _plain(value) == _plain(placeholder):
                if field_name(path) not in reported:
                    parent = subs.get(path[:-1], {}) if isinstance(path[-1], int) else {}
                    what = _first_sentence(parent.get("description") or sub.get("description", "your own text"))
                    self.doc.problem(
                        path, f"{_shown(value)} is the template's placeholder: replace this with the real one ({what})"
                    )
            elif (
                (sub.get("x-prose") or sub.get("x-citation"))
                and any(locator in value for locator in locators)
                and field_name(path) not in reported
            ):
                self._check_placeholder_locators(path, value)

    def _check_placeholder_locators(self, path: tuple, text: str) -> None:
        locators = _placeholder_locators()
        for marker in citations.markers(text):
            left = [cite.locator for cite in marker.cites if cite.locator in locators]
            if left:
                self.doc.problem(
                    path,
                    f"'{left[0]}' in {text[marker.start : marker.end]} is the template's placeholder: "
                    "replace it with where in the source the fact is, like 'section 4.1' or 'p. 12'",
                )
                return

    def _check_repeats(self, path: tuple, items: list) -> None:
        first: dict[Any, int] = {}
        repeats: dict[Any, list[int]] = {}
        for index, item in enumerate(items):
            if isinstance(item, (dict, list)):
                return  # lists of groups have their own rules (a term tagged twice, a source key used twice)
            key = (type(item).__name__, _normalised(item) if isinstance(item, str) else item)
            if key in first:
                repeats.setdefault(key, []).append(index)
            else:
                first[key] = index
        for key, indexes in repeats.items():
            times = len(indexes) + 1
            self.doc.problem(
                path + (indexes[0],),
                f"{_shown(items[indexes[0]])} is listed {'twice' if times == 2 else f'{times:,} times'} "
                f"(first as item {first[key] + 1}): keep it once",
            )

    def check_prose(self, sources: list[dict]) -> set[str]:
        """Every prose paragraph cites; every cited key is a listed source. Returns the keys cited."""
        known = [s["key"] for s in sources if isinstance(s, dict) and isinstance(s.get("key"), str)]
        cited: set[str] = set()
        for path, text, sub in schema.strings(self.doc.data, self.schema):
            if not (sub.get("x-prose") or sub.get("x-citation")):
                continue
            try:
                found = citations.markers(text)
            except citations.MarkerError as err:
                if _nested_marker(text):
                    message = (
                        "a citation marker is inside another one: close the first with ']' before "
                        "the next '[@', or cite both in one marker, like [@a, p. 2; @b]"
                    )
                else:
                    message = str(err)
                self.doc.problem(path, message)
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
                    where = f"paragraph {number}" if "\n" in text.strip() else "this text"
                    if not citations.MARKER.search(paragraph):
                        self.doc.problem(
                            path,
                            f"{where} cites no source: "
                            f"end it with a marker like [@{known[0] if known else 'key'}, section]",
                        )
                    elif not _WORD.search(citations.MARKER.sub("", paragraph)):
                        self.doc.problem(path, f"{where} is only a citation: write what the source says, then cite it")
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


def _files(folder: Path, root: Path, what: str) -> tuple[list[Path], list[Problem]]:
    """The data files of `folder`, and a problem for every other entry: nothing there is skipped silently.

    A file is read only when it is a regular file named *.yaml (or *.yml, read and then reported) and
    not starting with '_'; symbolic links are never followed. Hidden entries other than *.yaml, like
    `.DS_Store` or an editor's swap file, are ignored.
    """
    files: list[Path] = []
    problems: list[Problem] = []

    def refuse(path: Path, message: str) -> None:
        problems.append(Problem(str(path.relative_to(root)), 1, 1, "", message))

    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        name = path.name
        lower = name.lower()
        is_yaml = lower.endswith((".yaml", ".yml"))
        if name.startswith(".") and not is_yaml:
            continue
        mode = path.lstat().st_mode
        if stat.S_ISLNK(mode):
            refuse(path, SYMLINK_MESSAGE)
        elif stat.S_ISDIR(mode):
            refuse(path, f"folders inside {folder.name}/ are not read: put {what} files directly in {folder.name}/")
        elif not stat.S_ISREG(mode):
            refuse(path, NOT_REGULAR_MESSAGE)
        elif not is_yaml:
            refuse(
                path,
                f"'{name}' is not read: {folder.name}/ holds only {what} files named <id>.yaml; move it elsewhere",
            )
        elif name.startswith(("_", ".")):
            refuse(
                path,
                f"'{name}' is not read, as its name starts with '{name[0]}': "
                f"rename it to <id>.yaml, or keep the draft outside {folder.name}/",
            )
        elif not name.endswith((".yaml", ".yml")):
            refuse(path, f"'{name}' is not read: rename it to end in '.yaml' (lowercase)")
        else:
            files.append(path)
    return files, problems


def _read(path: Path, root: Path) -> YamlFile:
    doc = read_yaml(path, str(path.relative_to(root)))
    if path.suffix == ".yml":
        doc.problems.append(Problem(doc.path, 1, 1, "", "rename the file to end in '.yaml'"))
    elif not doc.problems and not isinstance(doc.data, dict):
        doc.problems.append(Problem(doc.path, 1, 1, "", "the file must be a group of 'field: value' lines"))
    return doc


def check_frameworks(root: Path) -> tuple[list[dict], list[Problem]]:
    good: list[tuple[YamlFile, dict]] = []
    fields: dict[str, str] = {}
    roles: dict[str, str] = {}
    fw_schema = schema.framework_schema()
    fw_validator = jsonschema_rs.validator_for(fw_schema)
    paths, problems = _files(root / "frameworks", root, "framework")
    broken: set[str] = set()  # files with problems: links to them are not reported again
    for path in paths:
        doc = _read(path, root)
        if not doc.problems:
            checker = FileChecker(doc, fw_schema, fw_validator, {})
            checker.check_schema()
            checker.check_values()
            if not doc.problems:
                _check_framework(doc, path, fields, roles)
                checker.check_sources(checker.check_prose(doc.data["sources"]))
        problems += doc.problems
        if doc.problems:
            broken.add(path.stem)
        else:
            good.append((doc, doc.data))
    problems += _check_crosswalks(good, broken)
    return [data for _, data in good], problems


def _check_framework(doc: YamlFile, path: Path, fields: dict[str, str], roles: dict[str, str]) -> None:
    """The rules of one framework file that its schema cannot say, and those shared with the others read so far."""
    data = doc.data
    terms = data["terms"]
    if data["id"] != path.stem:
        doc.problem(("id",), f"id '{data['id']}' differs from the file name '{path.name}': make them the same")
    ids: dict[str, int] = {}
    for index, term in enumerate(terms):
        if term["id"] in ids:
            doc.problem(
                ("terms", index, "id"),
                f"term id '{term['id']}' is used twice in this framework (first as term {ids[term['id']] + 1})",
            )
        else:
            ids[term["id"]] = index
    names: dict[str, int] = {_normalised(term["label"]): index for index, term in enumerate(terms)}
    for index, term in enumerate(terms):  # a synonym leads to one term: not another term's label or synonym
        for synonym_index, synonym in enumerate(term.get("synonyms", [])):
            folded = _normalised(synonym)
            if names.get(folded, index) != index:
                doc.problem(
                    ("terms", index, "synonyms", synonym_index),
                    f"{_shown(synonym)} already names term {names[folded] + 1} of this framework: "
                    "a synonym belongs to one term",
                )
            names.setdefault(folded, index)
    for index, term in enumerate(terms):
        parent = term.get("parent")
        if parent is not None and parent not in ids:
            doc.problem(
                ("terms", index, "parent"),
                f"parent '{parent}' is not a term of this framework{_suggest(parent, ids)}",
            )
    _check_parent_cycles(doc, terms, ids)
    if data["case_field"] in fields:
        doc.problem(
            ("case_field",),
            f"case field '{data['case_field']}' is already used by frameworks/{fields[data['case_field']]}.yaml",
        )
    fields[data["case_field"]] = data["id"]
    role = data.get("role")
    if role in roles:
        doc.problem(("role",), f"role '{role}' is already played by frameworks/{roles[role]}.yaml")
    elif role:
        roles[role] = data["id"]
    axes = data.get("axes")
    for index, term in enumerate(terms):
        if axes and "axis" not in term:
            doc.problem(("terms", index), f"add 'axis:' with one of the framework's axes: {', '.join(axes)}")
        elif axes and term["axis"] not in axes:
            doc.problem(
                ("terms", index, "axis"),
                f"axis {_shown(term['axis'])} is not one of the framework's axes: {', '.join(axes)}"
                f"{_suggest(term['axis'], axes)}",
            )
    layout = data.get("layout")
    if layout == "grid" and not data.get("levels"):
        doc.problem(("layout",), f"a grid shows terms by level: add 'levels:', like [{', '.join(schema.LEVELS)}]")
    elif layout == "axis" and not axes:
        doc.problem(("layout",), "an axis layout places terms along the framework's axes: add 'axes:'")
    _check_aims(doc, data.get("aims", []), ids)
    for index, term in enumerate(terms):
        seen: dict[tuple, int] = {}
        for link_index, link in enumerate(term.get("see_also", [])):
            target = (link["framework"], link["term"])
            if target in seen:
                doc.problem(
                    ("terms", index, "see_also", link_index),
                    f"crosswalk to {target[0]}/{target[1]} is given twice (first as item {seen[target] + 1}): keep one",
                )
            seen.setdefault(target, link_index)


def _check_aims(doc: YamlFile, aims: list[dict], ids: dict[str, int]) -> None:
    """Aim ids are unique, and each aim names terms of this framework, once each."""
    seen_aims: set[str] = set()
    for index, aim in enumerate(aims):
        if aim["id"] in seen_aims:
            doc.problem(("aims", index, "id"), f"aim id '{aim['id']}' is used twice: give each aim its own id")
        seen_aims.add(aim["id"])
        seen_terms: set[str] = set()
        for link_index, link in enumerate(aim["instruments"]):
            path = ("aims", index, "instruments", link_index, "term")
            if link["term"] not in ids:
                doc.problem(path, f"'{link['term']}' is not a term of this framework{_suggest(link['term'], ids)}")
            elif link["term"] in seen_terms:
                doc.problem(path, f"'{link['term']}' is connected to this aim twice: keep one")
            seen_terms.add(link["term"])


def _check_parent_cycles(doc: YamlFile, terms: list[dict], ids: dict[str, int]) -> None:
    """A term may not be its own ancestor: follow each chain of parents once (linear overall)."""
    parent_of = {term["id"]: term.get("parent") for term in terms}
    state: dict[str, str] = {}  # id -> "open" while its chain is followed, "done" after
    for start in parent_of:
        chain: list[str] = []
        current: str | None = start
        while current is not None and current in parent_of and current not in state:
            state[current] = "open"
            chain.append(current)
            current = parent_of[current]
        if current is not None and state.get(current) == "open":
            cycle = chain[chain.index(current) :]
            first = min(cycle, key=ids.__getitem__)
            loop = cycle[cycle.index(first) :] + cycle[: cycle.index(first)] + [first]
            doc.problem(
                ("terms", ids[first], "parent"),
                f"parents go round in a circle ({' -> '.join(loop)}): a term cannot be its own ancestor; "
                "remove one 'parent'",
            )
        for term_id in chain:
            state[term_id] = "done"


def _check_crosswalks(frameworks: list[tuple[YamlFile, dict]], broken: set[str]) -> list[Problem]:
    """Every see_also names an existing term of another framework (links into a file that has problems
    of its own wait until that file is fixed)."""
    terms = {data["id"]: {t["id"] for t in data["terms"]} for _, data in frameworks}
    problems: list[Problem] = []
    for doc, data in frameworks:
        for index, term in enumerate(data["terms"]):
            for link_index, link in enumerate(term.get("see_also", [])):
                path = ("terms", index, "see_also", link_index)
                if link["framework"] in broken:
                    continue
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
    levelled: dict[str, list[str]],
    judged: set[str],
    frameworks: dict[str, dict] | None = None,
    reserved: dict[str, str] | None = None,
    all_frameworks_read: bool = True,
) -> None:
    checker = FileChecker(
        doc, case_schema, validator, term_lists, frameworks, _template_placeholders(), all_frameworks_read
    )
    checker.check_schema()
    checker.check_values()
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
    elif stem in (reserved or {}):
        name = data.get("name") if isinstance(data.get("name"), str) else ""
        better = "-".join(re.findall(r"[a-z0-9]+", _normalised(name)))
        if not better or better in reserved:
            better = f"{stem}-programme"
        doc.problem(
            ("slug",),
            f"the slug '{stem}' is taken by {reserved[stem]}: rename the file and its slug, like '{better}'",
        )
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
    _check_dates(doc)
    _check_grade_follows_results(doc)
    _check_corrections(doc)
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
            elif "level" in tag and tag["level"] in schema.LEVELS and tag["level"] not in levelled[field]:
                doc.problem(
                    (field, index, "level"),
                    f"'{tag['level']}' is not a level of {label.split(' (')[0]}: "
                    f"write one of {', '.join(levelled[field])}",
                )
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
    checker.check_placeholders()


def _check_dates(doc: YamlFile) -> None:
    """Review and search dates are not in the future (their calendar is checked with every date field)."""
    search = doc.data.get("evaluation_search")
    dates = [(("last_reviewed",), doc.data.get("last_reviewed"))]
    if isinstance(search, dict):
        dates.append((("evaluation_search", "searched"), search.get("searched")))
    for path, text in dates:
        if not (isinstance(text, str) and re.fullmatch(schema.DATE_PATTERN, text)):
            continue
        try:
            day = datetime.date.fromisoformat(text)
        except ValueError:
            continue  # reported by the date check of every date field
        if day > datetime.date.today():
            doc.problem(path, f"{text} is in the future: give the day the check was made")


def _check_grade_follows_results(doc: YamlFile) -> None:
    """The case's evidence grade claims no more than its strongest result's design supports.

    Judged only when every result row names its design: a row without one cannot be weighed.
    """
    evidence = doc.data.get("evidence")
    rows = doc.data.get("results") if isinstance(doc.data.get("results"), list) else []
    if not isinstance(evidence, dict) or evidence.get("grade") not in schema.EVIDENCE_GRADES:
        return
    designed = [(i, r) for i, r in enumerate(rows) if isinstance(r, dict) and r.get("design") in schema.STUDY_DESIGNS]
    if len(designed) < len(rows):
        return
    order = list(schema.EVIDENCE_GRADES)
    claimed = evidence["grade"]
    supported = schema.grade_supported(r["design"] for _, r in designed)
    if order.index(claimed) >= order.index(supported):
        return
    if designed:
        index, row = min(designed, key=lambda item: list(schema.STUDY_DESIGNS).index(item[1]["design"]))
        strongest = (
            f"the strongest result, results[{index}] {_shown(row.get('metric'))}, is "
            f"'{row['design']}' ({schema.STUDY_DESIGNS[row['design']]['label']}), which"
        )
    else:
        strongest = "the case has no result rows, which"
    doc.problem(
        ("evidence", "grade"),
        f"'{claimed}' ({schema.EVIDENCE_GRADES[claimed]['label']}) claims more than the results show: "
        f"{strongest} supports at most '{supported}' ({schema.EVIDENCE_GRADES[supported]['label']}); "
        "lower the grade, or add the result that supports it",
    )


def _has_field(data: Any, name: str) -> bool:
    """Whether a field named as in validator messages ('results[2].value') exists in the data."""
    value = data
    for key, index in re.findall(r"\.?([a-z_]+)|\[(\d+)\]", name):
        if key and isinstance(value, dict) and key in value:
            value = value[key]
        elif index and isinstance(value, list) and int(index) < len(value):
            value = value[int(index)]
        else:
            return False
    return True


def _check_corrections(doc: YamlFile) -> None:
    """Each correction names a field the case has (the field holds the corrected value)."""
    for index, item in enumerate(doc.data.get("corrections") or []):
        name = item.get("field") if isinstance(item, dict) else None
        if not (isinstance(name, str) and re.fullmatch(schema.FIELD_PATTERN, name)):
            continue
        if not _has_field(doc.data, name):
            doc.problem(
                ("corrections", index, "field"),
                f"'{name}' is not a field of this case: name the field that holds the corrected value"
                f"{_suggest(name, doc.data)}",
            )


def reserved_slugs(root: Path) -> dict[str, str]:
    """Slugs whose page `cases/<slug>.md` would take the place of another page of the site, with that page.

    MkDocs serves `cases/index.md` at `cases/`, where the generator puts the case list, and any page
    written by hand under `docs/cases/` has its own address there.
    """
    reserved = {"index": "the list of all cases (cases/index.md is the page at cases/)"}
    hand_written = root / "docs" / "cases"
    for page in sorted(hand_written.glob("*.md")) if hand_written.is_dir() else []:
        reserved[page.stem] = f"the page docs/cases/{page.name}"
    return reserved


def _file_stamp(path: Path) -> str:
    """What changes whenever a file's content does (times, size, inode), read without opening it or
    following a link; a file that cannot be looked at gets a stamp of its own, so it is read again."""
    try:
        info = os.lstat(path)
    except OSError:
        return f"unreadable:{time.monotonic_ns()}"
    return f"{info.st_mtime_ns}:{info.st_ctime_ns}:{info.st_size}:{info.st_ino}"


def check_cases(
    root: Path, frameworks: list[dict], all_frameworks_read: bool = True, checked: dict | None = None
) -> tuple[list[tuple[str, dict]], list[Problem]]:
    """Check every case file against the frameworks. When some framework files have problems, the cases
    are still checked against the others, and fields that may tag into an unread framework are let be.

    `checked` (kept by the caller between builds, under `mkdocs serve`) remembers each file's result by
    its content and by what it was checked against: a file unchanged since is not read or checked again.
    The checks across files (names, aliases, related cases) always run."""
    case_schema = schema.case_schema(frameworks)
    validator = jsonschema_rs.validator_for(case_schema)
    term_lists = {fw["case_field"]: f"{fw['name']} (see frameworks/{fw['id']}.yaml)" for fw in frameworks}
    levelled = {fw["case_field"]: fw["levels"] for fw in frameworks if fw.get("levels")}
    by_field = {fw["case_field"]: fw for fw in frameworks}
    reserved = reserved_slugs(root)
    judged = {fw["case_field"] for fw in frameworks if fw.get("role") == "conditions"}
    paths, problems = _files(root / "cases", root, "case")

    def check(path: Path) -> YamlFile:
        doc = _read(path, root)
        if not doc.problems:
            check_case(
                doc,
                path.stem,
                case_schema,
                validator,
                term_lists,
                levelled,
                judged,
                by_field,
                reserved,
                all_frameworks_read,
            )
        return doc

    checked = {} if checked is None else checked
    context = hashlib.sha256(
        json.dumps([frameworks, sorted(reserved.items()), all_frameworks_read], sort_keys=True, default=str).encode()
    ).hexdigest()
    keys = {path: f"{context}:{_file_stamp(path)}" for path in paths}
    fresh = [path for path in paths if checked.get(path, ("",))[0] != keys[path]]
    for path, doc in zip(fresh, parallel.map_everywhere(check, fresh), strict=True):
        checked[path] = (keys[path], doc, tuple(doc.problems))
    for path in set(checked) - set(paths):
        del checked[path]
    # each build gets its own copy of a file's problems: the checks across files add to them
    docs = [(path, dataclasses.replace(checked[path][1], problems=list(checked[path][2]))) for path in paths]
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
        folded = _normalised(name) if isinstance(name, str) else ""
        if folded:
            if folded in names:
                doc.problem(("name",), f"another case has the same name: {names[folded]}")
            else:
                names[folded] = doc.path
    _check_aliases(docs, names)
    for _, doc in docs:
        problems += doc.problems
    good = [(doc.path, doc.data) for _, doc in docs if not doc.problems]
    return good, problems


def _check_aliases(docs: list[tuple[Path, YamlFile]], names: dict[str, str]) -> None:
    """A search for an alias must lead to one case: an alias is listed once, differs from its case's
    name, and is neither another case's name nor another case's alias (compared as a reader sees them)."""
    aliases: dict[str, str] = {}
    for _, doc in docs:
        data = doc.data if isinstance(doc.data, dict) else {}
        own = _normalised(data["name"]) if isinstance(data.get("name"), str) else ""
        seen: dict[str, int] = {}
        for index, item in enumerate(data.get("also_known_as") or []):
            alias = item.get("name") if isinstance(item, dict) else None
            folded = _normalised(alias) if isinstance(alias, str) else ""
            if not folded:
                continue
            path = ("also_known_as", index, "name")
            if folded in seen:
                doc.problem(path, f"{_shown(alias)} is listed twice (first as item {seen[folded] + 1}): keep it once")
            elif folded == own:
                doc.problem(path, f"{_shown(alias)} is the case's own name: leave it out")
            elif names.get(folded, doc.path) != doc.path:
                doc.problem(path, f"{_shown(alias)} is the name of another case: {names[folded]}")
            elif aliases.get(folded, doc.path) != doc.path:
                doc.problem(path, f"{_shown(alias)} is also an alias of another case: {aliases[folded]}")
            seen.setdefault(folded, index)
            aliases.setdefault(folded, doc.path)


GLOSSARY = "glossary.yaml"


def check_glossary(root: Path, facet_values: dict[str, set[str]]) -> tuple[list[dict], list[Problem]]:
    """glossary.yaml (optional): its groups, and its problems. A word belongs to one group only, and a
    group's filter names a filter and one of its values, so a chip on the search page always applies."""
    path = root / GLOSSARY
    if not path.is_file():
        return [], []
    doc = _read(path, root)
    if not doc.problems:
        glossary_schema = schema.glossary_schema()
        checker = FileChecker(doc, glossary_schema, jsonschema_rs.validator_for(glossary_schema), {})
        checker.check_schema()
        checker.check_values()
    if doc.problems:
        return [], doc.problems
    groups = doc.data["groups"]
    first: dict[str, int] = {}
    for index, group in enumerate(groups):
        for word_index, word in enumerate(group["words"]):
            folded = _normalised(word)
            if first.get(folded, index) != index:
                doc.problem(
                    ("groups", index, "words", word_index),
                    f"{_shown(word)} is already in group {first[folded] + 1}: a word belongs to one group",
                )
            first.setdefault(folded, index)
        chosen = group.get("filter")
        if chosen and chosen["facet"] not in facet_values:
            doc.problem(
                ("groups", index, "filter", "facet"),
                f"no filter has the id {_shown(chosen['facet'])}{_suggest(chosen['facet'], facet_values)}",
            )
        elif chosen and chosen["value"] not in facet_values[chosen["facet"]]:
            hint = _suggest(chosen["value"], facet_values[chosen["facet"]])
            doc.problem(
                ("groups", index, "filter", "value"),
                f"{_shown(chosen['value'])} is not a value of the filter '{chosen['facet']}'{hint}",
            )
    return groups, doc.problems


def load_catalogue(root: Path, checked: dict | None = None) -> model.Catalogue:
    """Validate everything under `root`; return the catalogue or raise ValidationFailed.
    `checked`: see `check_cases`."""
    frameworks, framework_problems = check_frameworks(root)
    cases, problems = check_cases(root, frameworks, all_frameworks_read=not framework_problems, checked=checked)
    glossary, glossary_problems = check_glossary(root, facets.possible_values(frameworks))
    if framework_problems or problems or glossary_problems:
        raise ValidationFailed(framework_problems + problems + glossary_problems)
    return model.build(cases, frameworks, glossary)
