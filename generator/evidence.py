"""What a case's results show and what they cannot: the derived parts of a case page's "Did it work?".

The case file says, per result, how the figure was obtained (`design`) and how sure one can be of it
(`certainty`); from those this module works out the case's strongest result and the plain statements of
what the data cannot tell a reader, so that every case page words them the same way.
"""

from __future__ import annotations

import datetime
import re

from . import schema
from .model import Case

#: A case not checked against its sources for this long is marked as due for review.
REVIEW_AFTER_DAYS = 2 * 365

#: Words in a result's measure or unit that make it a figure about money.
_MONEY = re.compile(
    r"\b(cost|costs|spending|spend|saving|savings|expenditure|budget|price|EUR|USD|GBP|euros|dollars)\b|[€$£]", re.I
)

_CONTROLLED = {d for d, choice in schema.STUDY_DESIGNS.items() if choice["grade"] == "controlled"}
_SELF_REPORTED = {d for d, choice in schema.STUDY_DESIGNS.items() if choice["grade"] == "programme-reported"}
_WEAK = {"low", "very-low"}


def _is_money(row: dict) -> bool:
    """A figure about money: a measure or unit naming costs or a currency, with a number in its value."""
    return bool(_MONEY.search(f"{row['metric']} {row.get('unit', '')}") and re.search(r"\d", str(row["value"])))


def long_date(text: str) -> str:
    """'2026-11-30' -> '30 November 2026'."""
    day = datetime.date.fromisoformat(text)
    return f"{day.day} {day:%B %Y}"


def strongest_result(case: Case) -> tuple[int, dict] | None:
    """(index, row) of the result with the strongest design, or None when no result names one."""
    order = list(schema.STUDY_DESIGNS)
    rated = [(i, r) for i, r in enumerate(case.results or []) if r.get("design")]
    return min(rated, key=lambda item: order.index(item[1]["design"]), default=None)


def results_by_strength(case: Case) -> list[tuple[int, dict]]:
    """(number, row) of every result, the strongest first: by design, then certainty, then the file's order.

    The headline results a reader wants first are the best-evidenced ones; the number (1-based position in
    the file) keeps each row's anchor `#result-N` stable whatever the order."""
    designs, levels = list(schema.STUDY_DESIGNS), list(schema.CERTAINTY_LEVELS)
    numbered = list(enumerate(case.results or [], 1))
    return sorted(numbered, key=lambda item: (designs.index(item[1]["design"]), levels.index(item[1]["certainty"])))


def not_known(case: Case) -> list[str]:
    """Plain statements of what the case's data cannot tell, most important first."""
    rows = case.results or []
    rated = [r for r in rows if r.get("design")]
    designs = {r["design"] for r in rated}
    out: list[str] = []
    if not rows:
        out.append("The sources give no outcome figures, so they cannot show whether anything changed for patients.")
    else:
        if len(rated) < len(rows):
            out.append(
                f"{len(rows) - len(rated)} of {len(rows)} figures have not yet been rated for how they were "
                "obtained and how sure one can be of them."
            )
        if rated and not designs & _CONTROLLED:
            out.append(
                "No figure compares the programme with people or areas without it, so the changes shown "
                "might have happened anyway."
            )
        if rated and designs <= _SELF_REPORTED:
            out.append(
                "Every figure comes from the programme or its funders, or gives no method: "
                "none is shown to have been checked independently."
            )
        if rated and all(r.get("certainty") in _WEAK for r in rated):
            out.append("Every figure is of low or very low certainty: the true effects could be clearly different.")
    if not any(_is_money(r) for r in rows):
        out.append("The sources give no cost figures, so whether the programme saved money or cost more is not known.")
    if case.evaluation_search["outcome"] == "none-found":
        out.append("No published evaluation of the programme was found.")
    if case.status == "unknown":
        out.append("Whether the programme still runs: the sources do not say.")
    return out


def field_label(case: Case, name: str) -> str:
    """A reader's name for a field named as in validator messages: 'start_year' -> 'Start year',
    'results[2].value' -> 'Result 3 (its measure): value'."""
    match = re.fullmatch(r"results\[(\d+)\](?:\.(\w+))?", name)
    if match:
        index = int(match[1])
        label = f"Result {index + 1} ({case.results[index]['metric']})"
        return f"{label}: {match[2].replace('_', ' ')}" if match[2] else label
    return name.replace("_", " ").capitalize() if re.fullmatch(r"[a-z_]+", name) else name


def review_note(case: Case, today: datetime.date | None = None) -> tuple[str, bool]:
    """The line saying when the case was last checked against its sources, and whether a review is due."""
    today = today or datetime.date.today()
    reviewed = case.last_reviewed
    if not reviewed:
        return "No check of this case against its sources has been recorded.", True
    due = (today - datetime.date.fromisoformat(reviewed)).days > REVIEW_AFTER_DAYS
    line = f"Last checked against its sources on {long_date(reviewed)}."
    return (line + " Not reviewed for over two years." if due else line), due
