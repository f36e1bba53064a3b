"""Problems found in data files, reported as `path:line:column: field: message`.

Messages quote contributor text (values, field names, file names). Printed as they are, a value holding
a line break would start a line of its own, and in a GitHub Actions log a line starting with `::error`
is a workflow command. So every problem is shown on one line: control characters, line and paragraph
separators and bidirectional controls are written as escapes (`\\n`, `\\x1b`, `\\u202e`), as Python's
repr does; annotations are then escaped as GitHub documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]")


def one_line(text: str) -> str:
    """`text` with every character that could break or reorder a log line written as an escape."""
    return _UNPRINTABLE.sub(lambda m: repr(m.group())[1:-1], text)


def _annotation_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _annotation_property(text: str) -> str:
    return _annotation_data(text).replace(":", "%3A").replace(",", "%2C")


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    column: int
    field: str
    message: str

    def __str__(self) -> str:
        field = self.field or "(file)"
        return one_line(f"{self.path}:{self.line}:{self.column}: {field}: {self.message}")

    def github_annotation(self) -> str:
        """The same problem as a GitHub Actions annotation, shown on the pull request's diff."""
        message = f"{self.field}: {self.message}" if self.field else self.message
        return (
            f"::error file={_annotation_property(one_line(self.path))},line={self.line},col={self.column}"
            f"::{_annotation_data(one_line(message))}"
        )


class ValidationFailed(Exception):
    """Raised when data files have problems; carries all of them, sorted by place."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        count = len(self.problems)
        lines = "\n".join(str(p) for p in self.problems)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the case and framework files:\n{lines}")
