"""Atom feeds (RFC 4287) of new and changed cases, written at build time: one for the whole catalogue,
one per term of each framework whose file says `feeds: true`, and one per country with a case.

Each entry is one dated change of one case, from its history (see history.py), in words. Feeds hold
the cases that belong to the facet now. Every value is XML-escaped by ElementTree, after characters
XML 1.0 cannot hold are dropped (the validator refuses them in case files already).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from .model import COUNTRIES, Case, Catalogue

ATOM = "http://www.w3.org/2005/Atom"
AUTHOR = "Integrated Care Casebook contributors"
#: Most recent entries a feed keeps: feed readers remember what they have seen.
ENTRIES = 50
#: A feed with no dated change (outside a git checkout) still needs <updated>: the start of the epoch.
NO_DATE = "1970-01-01T00:00:00+00:00"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(eq=False)
class Feed:
    path: str  # under the site root: 'feeds/all.atom'
    title: str
    page: str  # the site page the feed follows (its rel=alternate)
    cases: list[Case]

    @property
    def label(self) -> str:
        """The short name a page's Follow link shows."""
        return self.title.removeprefix("Integrated Care Casebook: ")


def feed_list(catalogue: Catalogue) -> list[Feed]:
    """Every feed of the site, catalogue first, then by framework and term, then by country."""
    name = "Integrated Care Casebook"
    out = [Feed("feeds/all.atom", f"{name}: All cases", "cases/", catalogue.cases)]
    for fw in catalogue.frameworks:
        if fw.data.get("feeds"):
            out += [
                Feed(f"feeds/{fw.id}/{term.id}.atom", f"{name}: {term.label} ({fw.label})", term.url, term.cases)
                for term in fw.terms
            ]
    by_country: dict[str, list[Case]] = {}
    for case in catalogue.cases:
        for code in case.countries:
            by_country.setdefault(code, []).append(case)
    out += [
        Feed(f"feeds/country/{code.lower()}.atom", f"{name}: {COUNTRIES[code]}", f"map/#country-{code.lower()}", cases)
        for code, cases in sorted(by_country.items(), key=lambda item: COUNTRIES[item[0]])
    ]
    return out


def feeds_by_case(feeds: list[Feed]) -> dict[int, list[Feed]]:
    """The feeds each case appears in, by id() of the case: one pass over all feeds, for every page."""
    out: dict[int, list[Feed]] = {}
    for feed in feeds:
        for case in feed.cases:
            out.setdefault(id(case), []).append(feed)
    return out


def _text(value) -> str:
    return _NOT_XML.sub("", str(value))


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _text(v) for k, v in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def _id(*parts: str) -> str:
    """A permanent id: the same feed or change gets the same id in every build and on every host."""
    return uuid.uuid5(uuid.NAMESPACE_URL, "integrated-care-casebook:" + ":".join(parts)).urn


def entry_summary(case: Case, change: dict) -> str:
    """'results: 2 added; status changed from active to ended. Last reviewed against its sources ...'"""
    text = "; ".join(change["changes"]).capitalize() + "."
    reviewed = change.get("last_reviewed")
    text += f" Last reviewed against its sources: {reviewed}." if reviewed else " Not yet reviewed against its sources."
    if change.get("url"):
        text += f" Commit: {change['url']}"
    return text


def atom(feed: Feed, site_url: str | None) -> str:
    """The feed as an Atom document. Links are absolute with a site address, else relative to the feed."""
    base = site_url.rstrip("/") + "/" if site_url else "../" * feed.path.count("/")
    changes = sorted(
        ((change, case) for case in feed.cases for change in case.history),
        key=lambda pair: (pair[0]["time"], pair[1].slug),
        reverse=True,
    )[:ENTRIES]
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    _add(root, "id", _id("feed", feed.path))
    _add(root, "title", feed.title)
    _add(root, "subtitle", "New and changed cases, each change in words, dated from the repository's history.")
    _add(root, "updated", changes[0][0]["time"] if changes else NO_DATE)
    _add(_add(root, "author"), "name", AUTHOR)
    _add(root, "link", rel="self", type="application/atom+xml", href=base + feed.path)
    _add(root, "link", rel="alternate", type="text/html", href=base + feed.page)
    _add(root, "rights", "CC BY 4.0")
    for change, case in changes:
        entry = _add(root, "entry")
        _add(entry, "id", _id("change", case.slug, change["commit"]))
        _add(entry, "title", f"{case.name}: {'; '.join(change['changes'])}")
        _add(entry, "updated", change["time"])
        _add(entry, "link", rel="alternate", type="text/html", href=base + case.url)
        _add(entry, "summary", entry_summary(case, change))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


#: An empty but valid sitemap for each feed folder. Material's theme reads every <link rel="alternate">
#: as another language of the site and fetches `sitemap.xml` next to its address; without these files
#: each feed a page links would cost a request answered with the whole 404 page.
EMPTY_SITEMAP = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>\n'
)


def files(feeds: list[Feed], site_url: str | None) -> dict[str, str]:
    out = {feed.path: atom(feed, site_url) for feed in feeds}
    for folder in {feed.path.rpartition("/")[0] for feed in feeds}:
        out[f"{folder}/sitemap.xml"] = EMPTY_SITEMAP
    return out
