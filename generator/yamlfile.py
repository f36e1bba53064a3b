"""Reading one YAML data file strictly, keeping the line of every value.

PyYAML on its own is too forgiving for contributor files, and can crash on
hostile ones: it keeps the last of two duplicate keys, expands anchors and
aliases, honours tags (`!!binary`, `!!set`), reads `NO` (Norway) as false,
`0x7DA` and `33:30` as 2010 and dates as date objects, accepts keys that are
numbers or null, and its composer recurses once per level of nesting (the C
one overflows the stack at about 30,000 nested '['). This module opens only
regular files, refuses control and bidirectional characters, then reads the
parser's events in one pass (`_Scan`) that builds the data without recursion
and turns each of those cases into a `Problem` with its line, column and field.
"""

from __future__ import annotations

import functools
import os
import re
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

MAX_BYTES = 200_000

#: The parser, the C one where available; only its events are used.
_Parser = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


#: Plain scalars read as something other than text. YAML 1.1 also reads `0x7DA`, `0o3732`, `33:30`
#: (sexagesimal), `+2010`, `2_010`, `.nan` and dates as numbers or timestamps: here those stay text, so
#: a year written that way is reported instead of silently becoming 2010.
_RESOLVERS = [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|false)$", ["t", "f"]),
    ("tag:yaml.org,2002:int", r"^-?(?:0|[1-9][0-9]*)$", list("-0123456789")),
    (
        "tag:yaml.org,2002:float",
        r"^-?(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?$",
        list("-0123456789"),
    ),
]


class _Resolver(yaml.resolver.BaseResolver):
    """What a plain scalar resolves to: YAML 1.2-like, only true/false are booleans, numbers are
    decimal, dates stay text."""

    yaml_implicit_resolvers: dict = {}


for _tag, _pattern, _first in _RESOLVERS:
    _Resolver.add_implicit_resolver(_tag, re.compile(_pattern), _first)


@functools.lru_cache(maxsize=4096)
def _plain_kind(value: str) -> str:
    """The tag a plain (unquoted) scalar resolves to; field names repeat, so each is resolved once."""
    return _Resolver().resolve(yaml.ScalarNode, value, (True, False))


@dataclass
class YamlFile:
    path: str
    data: Any = None
    #: where each value starts, by path (1-based line and column)
    values: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    #: where each mapping key starts, by the path of its value
    keys: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: tuple, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `path` (or of its key), else of the nearest parent."""
        table = self.keys if key else self.values
        while path:
            if path in table:
                return table[path]
            if key and path in self.values:
                return self.values[path]
            path = path[:-1]
        return self.values.get((), (1, 1))

    def problem(self, path: tuple, message: str, key: bool = False) -> None:
        line, column = self.where(path, key)
        self.problems.append(Problem(self.path, line, column, field_name(path), message))


def field_name(path: tuple) -> str:
    """`building_blocks[2].term` style name of a path."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_SYNTAX_HINTS = [
    ("mapping values are not allowed", "a value that contains ': ' must be put in quotes"),
    ("found character '\\t'", "use spaces, not tabs"),
    (
        "expected <block end>, but found '<block sequence start>'",
        "a list item ('- ') is indented differently from the items above it",
    ),
    ("could not find expected ':'", "a line is missing ':' after its field name, or a quoted text is not closed"),
    ("found unexpected end of stream", "a quoted text is not closed"),
    ("while parsing a flow sequence", "a text starting with '[' (like a citation [@key]) must be put in quotes"),
    ("expected ',' or ']'", "a text starting with '[' (like a citation [@key]) must be put in quotes"),
    ("found undefined alias", "'*' starts an alias, which case files do not use: put the text in quotes"),
    ("found character '@'", "a text starting with '@' or '`' must be put in quotes"),
    ("cannot start any token", "a text starting with '@', '`' or '[' (like a citation [@key]) must be put in quotes"),
]

#: Parser messages that usually mean a line is indented more or less than the fields around it.
_INDENTATION_SIGNS = (
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <block end>",
    "mapping values are not allowed",
)

#: Nesting deeper than this is refused: the deepest real field (a crosswalk's `why` inside a term inside
#: `terms`) is 5 levels down, and the schema validator and the renderer walk data recursively.
MAX_DEPTH = 12

#: Characters refused anywhere in a file (text, keys and comments): C0 and C1 controls other than tab
#: and line breaks, DEL, bidirectional controls (which can show text in another order than it is
#: stored) and a byte order mark after the start.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]|\r(?!\n)"
)
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_CONTROL_NAMES = {"\x00": "NUL", "\x07": "BEL", "\x08": "BACKSPACE", "\x1b": "ESC", "\x7f": "DEL", "\r": "CR"}
_MAX_CHARACTER_PROBLEMS = 10

_TAG_PREFIX = "tag:yaml.org,2002:"


def _character_message(char: str) -> str:
    code = f"U+{ord(char):04X}"
    if char == "\ufeff":
        return (
            f"{code} (byte order mark) in the middle of the file, often left by pasting two files together: delete it"
        )
    if char in _BIDI:
        name = unicodedata.name(char, "bidirectional control")
        return (
            f"{code} ({name}) is a bidirectional control character, which makes text display in another "
            "order than it is written: delete it"
        )
    if char == "\r":
        return "U+000D (CR) on its own is not a line break: save the file with Unix (LF) or Windows (CRLF) line ends"
    name = _CONTROL_NAMES.get(char)
    what = f"{code} ({name})" if name else code
    return f"{what} is a control character, which case and framework files may not contain: delete it"


@dataclass
class _Frame:
    """One open mapping or list while scanning a file's events."""

    path: tuple
    mapping: bool
    column: int
    value: Any = None  # the dict or list being filled
    key: Any = None  # the key whose value comes next (mappings), or the next index (lists)
    expect_key: bool = True
    keys: dict = field(default_factory=dict)  # key -> line first given (mappings)


class _Scan:
    """Reads a file in one linear pass over the parser's events, building its data without recursion.

    PyYAML's composer and constructor recurse once per level of nesting (the C composer overflows the
    stack at about 30,000 nested '['), and accept tags, aliases and keys that are not text. This pass
    bounds nesting, refuses tags, aliases, merge keys, repeated keys and keys that are not text, notes
    where each value and key starts, and which field each position of the file belongs to.
    """

    def __init__(self, doc: YamlFile, text: str, spots: list[int]):
        self.doc, self.text = doc, text
        self.stack: list[_Frame] = []
        self.spots = sorted(spots)  # character offsets whose field is wanted
        self.fields: dict[int, tuple] = {}
        self.last: tuple = ()
        self.data: Any = None
        self.documents = 0

    def run(self) -> yaml.MarkedYAMLError | None:
        loader = _Parser(self.text)
        try:
            while loader.check_event():
                event = loader.get_event()
                self._place(event.start_mark.index)
                if not self._event(event):
                    return None
        except yaml.MarkedYAMLError as err:
            self._place(err.problem_mark.index if err.problem_mark else len(self.text))
            return err
        finally:
            loader.dispose()
        self._place(len(self.text) + 1)
        return None

    def _place(self, index: int) -> None:
        while self.spots and self.spots[0] < index:
            self.fields[self.spots.pop(0)] = self.last

    def _problem(self, mark, path: tuple, message: str) -> None:
        self.doc.problems.append(Problem(self.doc.path, mark.line + 1, mark.column + 1, field_name(path), message))

    def _event(self, event) -> bool:
        """Handle one event; False stops the scan (the file cannot be read further)."""
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            self.stack.pop()
            self._after_value()
            return True
        if isinstance(event, yaml.DocumentStartEvent):
            self.documents += 1
            if self.documents > 1:
                self._problem(
                    event.start_mark, (), "a second document starts here ('---'): a file holds one case or framework"
                )
                return False
            return True
        if not isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            return True
        top = self.stack[-1] if self.stack else None
        if top is not None and top.mapping and top.expect_key:
            return self._key(event, top)
        path = top.path + (top.key,) if top is not None else ()
        self.last = path
        mark = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            self._problem(
                mark,
                path,
                f"'*{event.anchor}' repeats a value marked '&{event.anchor}': anchors and aliases "
                "are not allowed, write the value out in full",
            )
            return False
        tag = event.tag
        if tag is not None and not (isinstance(event, yaml.ScalarEvent) and tag == "!"):
            shown = "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag
            self._problem(
                mark,
                path,
                f"remove the tag '{shown}': case and framework files hold plain text, numbers and lists, without tags",
            )
            return False
        self.doc.values[path] = (mark.line + 1, mark.column + 1)
        if isinstance(event, yaml.ScalarEvent):
            self._attach(top, _scalar(event))
            self._after_value()
            return True
        if len(self.stack) >= MAX_DEPTH:
            self._problem(
                mark,
                path[:MAX_DEPTH],
                f"lists and fields are nested more than {MAX_DEPTH} levels deep: "
                "case and framework files need at most 5 (check the indentation and the brackets)",
            )
            return False
        mapping = isinstance(event, yaml.MappingStartEvent)
        container: dict | list = {} if mapping else []
        self._attach(top, container)
        self.stack.append(_Frame(path, mapping, mark.column, container, key=None if mapping else 0))
        return True

    def _attach(self, top: _Frame | None, value: Any) -> None:
        if top is None:
            self.data = value
        elif top.mapping:
            top.value[top.key] = value
        else:
            top.value.append(value)

    def _key(self, event, top: _Frame) -> bool:
        mark = event.start_mark
        if not isinstance(event, yaml.ScalarEvent):
            self._problem(mark, top.path, "a field name must be plain text, not a list, a group of fields or an alias")
            return False
        plain = event.implicit[0] and event.tag is None
        kind = _plain_kind(event.value) if plain else None
        if plain and event.value == "<<":
            self._problem(mark, top.path, "merge keys ('<<') and aliases are not allowed: write the fields out in full")
            return False
        if event.tag is not None and event.tag != "!":
            return self._tagged_key(event, top)
        if kind is not None and kind != "tag:yaml.org,2002:str":
            what = {"tag:yaml.org,2002:null": "missing", "tag:yaml.org,2002:bool": "true or false"}.get(
                kind, "a number"
            )
            if kind == "tag:yaml.org,2002:null":
                message = "a field name is missing before ':': write the field's name, like 'summary:'"
            else:
                message = f"the field name {event.value!r} is {what}, not text: field names are words, like 'summary:'"
            self._problem(mark, top.path, message)
            return False
        key = event.value
        self.last = top.path + (key,)
        if key in top.keys:
            self._problem(
                mark,
                top.path + (key,),
                f"duplicate field '{key}' (first given on line {top.keys[key]}): keep one of the two",
            )
            return False
        top.keys[key] = mark.line + 1
        self.doc.keys[top.path + (key,)] = (mark.line + 1, mark.column + 1)
        top.key, top.expect_key = key, False
        return True

    def _tagged_key(self, event, top: _Frame) -> bool:
        tag = event.tag
        shown = "!!" + tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else tag
        self._problem(
            event.start_mark, top.path, f"remove the tag '{shown}': field names are plain words, like 'summary:'"
        )
        return False

    def _after_value(self) -> None:
        if not self.stack:
            return
        top = self.stack[-1]
        if top.mapping:
            top.expect_key = True
        else:
            top.key += 1

    def syntax_problem(self, error: yaml.MarkedYAMLError) -> Problem:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(filter(None, [error.context, error.problem]))
        hint = next((h for key, h in _SYNTAX_HINTS if key in what), None)
        frame = self.stack[-1] if self.stack else None
        if frame is not None and mark and any(sign in what for sign in _INDENTATION_SIGNS):
            lines = self.text.splitlines()
            content = lines[mark.line] if mark.line < len(lines) else ""
            indent = len(content) - len(content.lstrip(" "))
            if indent != frame.column:
                inside = f"'{field_name(frame.path)}'" if frame.path else "the file"
                what_starts = "fields" if frame.mapping else "list items"
                indentation = (
                    f"line {mark.line + 1} starts at column {indent + 1}, but the {what_starts} of {inside} "
                    f"start at column {frame.column + 1}: line it up with them"
                )
                hint = f"{hint}; or {indentation}" if hint else indentation
        message = f"YAML syntax error: {what}" + (f" ({hint})" if hint else "")
        return Problem(self.doc.path, line, column, field_name(self.last), message)


_CONVERT = {
    "tag:yaml.org,2002:null": lambda text: None,
    "tag:yaml.org,2002:bool": lambda text: text == "true",
    "tag:yaml.org,2002:int": int,
    "tag:yaml.org,2002:float": float,
}


def _scalar(event: yaml.ScalarEvent) -> Any:
    """The value of a scalar: quoted text stays text; a plain one is read by StrictLoader's rules."""
    if not event.implicit[0] or event.tag is not None:
        return event.value
    convert = _CONVERT.get(_plain_kind(event.value))
    if convert is None or len(event.value) > 30:  # a number of 30 digits is no figure: keep the text
        return event.value
    return convert(event.value)


def _decode(path: str, raw: bytes, problems: list[Problem]) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        problems.append(
            Problem(
                path, line, column, "", f"byte 0x{raw[err.start]:02x} is not UTF-8: save the file with UTF-8 encoding"
            )
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\t" in text:
        for number, content in enumerate(text.splitlines(), 1):
            if "\t" in content:
                problems.append(
                    Problem(
                        path,
                        number,
                        content.index("\t") + 1,
                        "",
                        "tab character: use spaces for indentation and inside text",
                    )
                )
    return text


def _position(text: str, index: int) -> tuple[int, int]:
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _read_regular_file(path: Path, display: str, problems: list[Problem]) -> bytes | None:
    """The file's bytes, refusing symbolic links and anything but a regular file (never read through)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        if path.is_symlink():
            problems.append(Problem(display, 1, 1, "", SYMLINK_MESSAGE))
        else:
            problems.append(Problem(display, 1, 1, "", f"cannot read the file: {err.strerror}"))
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            problems.append(Problem(display, 1, 1, "", NOT_REGULAR_MESSAGE))
            return None
        raw = handle.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        problems.append(
            Problem(
                display,
                1,
                1,
                "",
                f"file is {max(info.st_size, len(raw)):,} bytes, over the limit of {MAX_BYTES:,}: "
                "split long text or drop what is not about this case",
            )
        )
        return None
    return raw


SYMLINK_MESSAGE = "is a symbolic link, which is never followed: put the file itself here"
NOT_REGULAR_MESSAGE = "is not a regular file (a device, pipe or socket), so it is not read: put a text file here"


def read_yaml(path: Path, display: str | None = None) -> YamlFile:
    """Read and parse one file; problems go into the result instead of raising."""
    result = YamlFile(display or str(path))
    raw = _read_regular_file(path, result.path, result.problems)
    if raw is None:
        return result
    text = _decode(result.path, raw, result.problems)
    if text is None or result.problems:
        return result
    original = text
    bad = list(_FORBIDDEN.finditer(text))
    if bad:  # the parser refuses most of these characters: read a copy without them to name their fields
        text = _FORBIDDEN.sub("", text)
    shown = bad[:_MAX_CHARACTER_PROBLEMS]
    # where each character would be in the copy: its offset less the characters removed before it
    spots = [match.start() - sum(len(m.group()) for m in bad[:number]) for number, match in enumerate(shown)]
    scan = _Scan(result, text, spots)
    error = scan.run()
    for match, spot in zip(shown, spots, strict=True):
        line, column = _position(original, match.start())
        result.problems.append(
            Problem(
                result.path,
                line,
                column,
                field_name(scan.fields.get(spot, ())),
                _character_message(match.group()[0]),
            )
        )
    if len(bad) > _MAX_CHARACTER_PROBLEMS:
        line, column = _position(original, bad[_MAX_CHARACTER_PROBLEMS].start())
        result.problems.append(
            Problem(
                result.path, line, column, "", f"{len(bad) - _MAX_CHARACTER_PROBLEMS:,} more such characters follow"
            )
        )
    if error is not None:
        result.problems.append(scan.syntax_problem(error))
    if result.problems:
        return result
    if () not in result.values:
        if text.strip():
            message = (
                "the file holds only comments: write the fields below them "
                "('make new SLUG=my-programme' writes a template)"
            )
        else:
            message = "the file is empty"
        result.problems.append(Problem(result.path, 1, 1, "", message))
        return result
    result.data = scan.data
    return result
