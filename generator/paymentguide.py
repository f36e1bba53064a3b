"""'Which payment instrument fits my aims': the payment framework read as a guide.

Everything comes from the framework with role `payment`: its terms and their attributes (Stein's
Table 1 evidence and caveats, what an instrument needs in place), its axis (the value-based
continuum), the cases tagged with each term, and its `aims`, where every link between an aim and an
instrument is written down with its citation. An aim and an instrument with no such link are not
connected: the guide says the sources are silent instead of guessing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import schema
from .model import Case, Framework, Tag, Term

#: Attributes the guide shows first, in this order, under these headings; the others follow as the file gives them.
LEADING_ATTRIBUTES = {
    "Evidence": "Evidence",
    "Caveats": "Caveats",
    "Needs in place": "What it needs in place",
    "Quality reward": "What it rewards",
}


@dataclass
class Link:
    aim: dict
    term: Term
    why: str
    works_against: bool = False


@dataclass
class Instrument:
    term: Term
    attributes: list[tuple[str, str | None]]  # (heading, cited text); None where the sources say nothing
    links: list[Link] = field(default_factory=list)
    uses: list[Tag] = field(default_factory=list)


def headline_result(case: Case) -> dict | None:
    """The case's result from the strongest study design (the first such row), or None without results."""
    order = list(schema.STUDY_DESIGNS)
    rows = case.results or []
    return min(rows, key=lambda row: order.index(row["design"])) if rows else None


def instruments(fw: Framework) -> list[Instrument]:
    """Each term of the payment framework with its attributes, aims and uses, in the framework's order."""
    out = []
    by_id: dict[str, Instrument] = {}
    for term in fw.terms:
        named = {a["name"]: a["value"] for a in term.attributes}
        attributes = [(heading, named.get(name)) for name, heading in LEADING_ATTRIBUTES.items()]
        attributes += [(a["name"], a["value"]) for a in term.attributes if a["name"] not in LEADING_ATTRIBUTES]
        uses = sorted({id(t.case): t for t in term.uses}.values(), key=lambda t: t.case.name.casefold())
        by_id[term.id] = Instrument(term, attributes, uses=uses)
        out.append(by_id[term.id])
    for link in aim_links(fw):
        by_id[link.term.id].links.append(link)
    return out


def aim_links(fw: Framework) -> list[Link]:
    """Every cited connection between an aim and an instrument, aim by aim."""
    return [
        Link(aim, fw.term_by_id[item["term"]], item["why"], item.get("works_against", False))
        for aim in fw.data.get("aims", [])
        for item in aim["instruments"]
    ]


def page_data(fw: Framework) -> dict:
    """What the guide's script needs: for each aim, its instruments (term id, and whether it works against)."""
    return {
        "aims": {
            aim["id"]: [[item["term"], bool(item.get("works_against"))] for item in aim["instruments"]]
            for aim in fw.data.get("aims", [])
        }
    }
