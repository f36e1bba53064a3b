"""Formatting sources: short labels for citation markers and full references."""

from __future__ import annotations

from markupsafe import Markup

from .htmlblocks import text


def short_label(source: dict) -> str:
    """'Stein 2016', 'Allers et al. 2024', 'Looman et al. 2021'."""
    authors = source["authors"]
    first = authors[0].split()[0] if " " in authors[0] and not _is_organisation(authors[0]) else authors[0]
    if authors[0].startswith("ter ") or authors[0].startswith("van "):
        first = " ".join(authors[0].split()[:-1])
    who = (
        first
        if len(authors) == 1
        else (f"{first} and {authors[1].split()[0]}" if len(authors) == 2 else f"{first} et al.")
    )
    return f"{who} {source.get('year', 'n.d.')}"


def _is_organisation(author: str) -> bool:
    parts = author.split()
    return len(parts) < 2 or not parts[-1].isupper()


def reference_text(source: dict) -> str:
    """A full reference in Vancouver style, as plain text."""
    parts = [", ".join(source["authors"]) + "."]
    parts.append(source["title"].rstrip(".") + ".")
    container = source.get("container")
    year = source.get("year")
    if container and source["type"] in ("article", "abstract", "preprint"):
        detail = f"{container}."
        if year:
            detail += f" {source.get('date', year) if source['type'] == 'preprint' else year}"
        if source.get("volume"):
            detail += f";{source['volume']}"
            if source.get("issue"):
                detail += f"({source['issue']})"
        if source.get("pages"):
            detail += f":{source['pages']}"
        parts.append(detail.rstrip() + ".")
    else:
        where = ": ".join(filter(None, [source.get("place"), source.get("publisher")]))
        if container:
            parts.append(f"{container}.")
        if where or year:
            parts.append("; ".join(filter(None, [where, str(year) if year else None])) + ".")
    if source.get("isbn"):
        parts.append(f"ISBN {source['isbn']}.")
    if source.get("note"):
        parts.append(source["note"].rstrip(".") + ".")
    if source.get("licence"):
        parts.append(f"Licence: {source['licence']}.")
    return " ".join(parts)


def reference_html(source: dict) -> Markup:
    """The full reference, with its DOI and URL as links."""
    html = text(reference_text(source))
    if source.get("doi"):
        doi = source["doi"]
        html += Markup(' doi: <a href="https://doi.org/{0}" rel="noopener">{0}</a>.').format(text(doi))
    if source.get("url"):
        html += Markup(' <a href="{0}" rel="noopener">{0}</a>').format(text(source["url"]))
    return html
