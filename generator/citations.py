"""Citation markers in prose: `[@stein2016, section 4.1]` or `[@a, Table 1; @b]`.

Every pattern here sees contributor text, so each runs in linear time: no two
quantifiers can share characters, and a pattern that could restart inside a run
of whitespace is anchored to the run's start (tests/test_linear_time.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

MARKER = re.compile(r"\[(\s*@[^\[\]]*)\]")
ITEM = re.compile(r"^\s*@([a-z0-9]+(?:[-_][a-z0-9]+)*)\s*(?:,\s*(\S.*?))?\s*$")
PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Whitespace before punctuation, matched only from the start of a whitespace run: `\s+([.,;:])`
# alone retries from every space of a long run, which takes quadratic time.
SPACE_BEFORE_PUNCTUATION = re.compile(r"(?<!\s)\s+(?=[.,;:])")


@dataclass(frozen=True)
class Cite:
    key: str
    locator: str | None


@dataclass(frozen=True)
class Marker:
    start: int
    end: int
    cites: tuple[Cite, ...]


class MarkerError(ValueError):
    """A bracket that starts like a citation but is not one."""


@lru_cache(maxsize=65536)
def markers(text: str) -> tuple[Marker, ...]:
    """All citation markers in `text`, in order; raises MarkerError on a malformed one.

    Cached: validation, pages and exports all read the same texts."""
    found = []
    for match in MARKER.finditer(text):
        cites = []
        for item in match.group(1).split(";"):
            parsed = ITEM.match(" ".join(item.split()))
            if not parsed:
                raise MarkerError(
                    f"citation '{match.group(0)}' is malformed: write [@key] or [@key, locator], "
                    "several separated by ';', with keys in lowercase letters, digits and hyphens"
                )
            cites.append(Cite(parsed.group(1), parsed.group(2)))
        found.append(Marker(match.start(), match.end(), tuple(cites)))
    if "[@" in MARKER.sub("", text):
        raise MarkerError("a citation marker is not closed: end it with ']'")
    return tuple(found)


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in PARAGRAPH_BREAK.split(text.strip()) if p.strip()]


def strip_markers(text: str) -> str:
    """The text without its citation markers, for summaries in lists and metadata."""
    return SPACE_BEFORE_PUNCTUATION.sub("", MARKER.sub("", text)).strip()
