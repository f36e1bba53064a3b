"""Reading one YAML data file strictly, keeping the line of every value.

PyYAML on its own is too forgiving for contributor files: it keeps the last of
two duplicate keys, expands anchors and aliases, reads `NO` (Norway) as false
and dates as date objects. This module reads a file with the C parser where
available, rejects those cases with a `Problem` each, and returns the data
with a map from each value's path to its line and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .problems import Problem

MAX_BYTES = 200_000

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class StrictLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader with YAML 1.2-like scalars: only true/false are booleans, dates stay text.

    While constructing, it notes (cheaply) whether the file reuses a node (an alias),
    repeats a key or merges: `read_yaml` then walks the file again to say exactly where.
    """

    suspicious = False

    def construct_object(self, node, deep=False):
        if node in self.constructed_objects:
            self.suspicious = True  # the same node twice: an alias
        return super().construct_object(node, deep)

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            keys = [
                key.value
                for key, _ in node.value
                if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge"
            ]
            if len(keys) != len(node.value) or len(set(keys)) != len(keys):
                self.suspicious = True  # a repeated key, a merge key or a key that is not plain text
        return super().construct_mapping(node, deep)


StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp")
    ]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|false)$"), list("tf"))


@dataclass
class YamlFile:
    path: str
    data: Any = None
    node: Any = None
    #: where each value starts, by path (1-based line and column); filled when first needed
    values: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    #: where each mapping key starts, by the path of its value
    keys: dict[tuple, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def where(self, path: tuple, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at `path` (or of its key), else of the nearest parent."""
        if not self.values and self.node is not None:
            _walk(self.node, (), self, set())  # positions are only needed to report a problem
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


def _syntax_problem(path: str, error: yaml.MarkedYAMLError) -> Problem:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    what = " ".join(filter(None, [error.context, error.problem]))
    hint = next((h for key, h in _SYNTAX_HINTS if key in what), None)
    message = f"YAML syntax error: {what}" + (f" ({hint})" if hint else "")
    return Problem(path, line, column, "", message)


def _decode(path: str, raw: bytes, problems: list[Problem]) -> str | None:
    if len(raw) > MAX_BYTES:
        problems.append(
            Problem(
                path,
                1,
                1,
                "",
                f"file is {len(raw):,} bytes, over the limit of {MAX_BYTES:,}: "
                "split long text or drop what is not about this case",
            )
        )
        return None
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
    return None if problems else text


def read_yaml(path: Path, display: str | None = None) -> YamlFile:
    """Read and parse one file; problems go into the result instead of raising."""
    result = YamlFile(display or str(path))
    try:
        raw = path.read_bytes()
    except OSError as err:
        result.problems.append(Problem(result.path, 1, 1, "", f"cannot read the file: {err.strerror}"))
        return result
    text = _decode(result.path, raw, result.problems)
    if text is None:
        return result
    loader = StrictLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            result.problems.append(Problem(result.path, 1, 1, "", "the file is empty"))
            return result
        data = loader.construct_document(node)
        if loader.suspicious:  # find and place each alias, merge or repeated key, on a fresh parse
            fresh = StrictLoader(text)  # (constructing merged keys changed the first one's nodes)
            try:
                _walk(fresh.get_single_node(), (), result, set())
            finally:
                fresh.dispose()
            if result.problems:
                return result
        result.data, result.node = data, node
    except yaml.MarkedYAMLError as err:
        result.problems.append(_syntax_problem(result.path, err))
    except yaml.YAMLError as err:
        result.problems.append(Problem(result.path, 1, 1, "", f"YAML error: {err}"))
    finally:
        loader.dispose()
    return result


def _walk(node: yaml.Node, path: tuple, result: YamlFile, seen: set[int]) -> None:
    """Record positions; report aliases and duplicate keys."""
    result.values[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if id(node) in seen:
        result.problem(path, "anchors and aliases ('&name', '*name') are not allowed: write the value out in full")
        return
    if isinstance(node, (yaml.MappingNode, yaml.SequenceNode)):
        seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), result, seen)
    elif isinstance(node, yaml.MappingNode):
        first_line: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                line, column = key_node.start_mark.line + 1, key_node.start_mark.column + 1
                result.problems.append(
                    Problem(
                        result.path,
                        line,
                        column,
                        field_name(path),
                        "merge keys ('<<') and aliases are not allowed: write the fields out in full",
                    )
                )
                continue
            key = key_node.value
            child = path + (key,)
            position = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key in first_line:
                result.problems.append(
                    Problem(
                        result.path,
                        *position,
                        field_name(child),
                        f"duplicate field '{key}' (first given on line {first_line[key]}): keep one of the two",
                    )
                )
                continue
            first_line[key] = position[0]
            result.keys[child] = position
            _walk(value_node, child, result, seen)
