"""Rendering the catalogue into site pages: Markdown files whose body is escaped HTML.

Contributor text never reaches Markdown or a template as code: it is escaped
by Jinja's autoescape and placed in raw HTML blocks, which Markdown leaves
alone. Page titles and descriptions go to the theme through front matter,
escaped here because the theme prints them as they are.

Page paths follow MkDocs' directory URLs: `cases/x.md` is served at `cases/x/`.
Links between generated pages are relative, so the site works from any folder
of any static host.
"""
from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from . import bibliography, citations, schema
from .model import Case, Catalogue, Framework, Source, Term

TEMPLATES = Path(__file__).parent / "templates"


def relative(target: str, page_url: str) -> str:
    """Link from the page at `page_url` to `target` (both site-relative directory URLs, `#fragment` allowed)."""
    path, _, fragment = target.partition("#")
    if path == page_url:
        link = "./" if not fragment else ""
    else:
        link = posixpath.relpath("/" + path, "/" + (page_url or "."))
        if path.endswith("/") or path == "":
            link = link.rstrip("/") + "/"
        if link == "./" and not path:
            link = "./"
    return link + (f"#{fragment}" if fragment else "")


@dataclass
class Citer:
    """Turns citation markers into numbered links to a list of sources."""

    sources: list[Source]
    href: str = ""  # link to the page holding the list ("" = this page)

    def number(self, key: str) -> int:
        return next(i for i, s in enumerate(self.sources, 1) if s.key == key)

    def inline(self, text: str) -> Markup:
        out = Markup("")
        position = 0
        for marker in citations.markers(text):
            out += escape(text[position : marker.start].rstrip())
            labels: dict[str, list[str]] = {}
            for cite in marker.cites:  # one link per source, with all its locators
                labels.setdefault(cite.key, [])
                if cite.locator:
                    labels[cite.key].append(cite.locator)
            links = []
            for key, locators in labels.items():
                source = next(s for s in self.sources if s.key == key)
                label = "; ".join([bibliography.short_label(source.data), *locators])
                number = self.number(key)
                links.append(
                    Markup('<a href="{}#src-{}" title="{}" aria-label="Source {}: {}">{}</a>').format(self.href, key, label, number, label, number)
                )
            out += Markup('<sup class="cb-cite" data-pagefind-ignore>[') + Markup(", ").join(links) + Markup("]</sup>")
            position = marker.end
        return out + escape(text[position:])

    def prose(self, text: str) -> Markup:
        return Markup("").join(Markup("<p>{}</p>\n").format(self.inline(p)) for p in citations.paragraphs(text))

    def locators(self, key: str, texts: list[str]) -> list[str]:
        found: list[str] = []
        for text in texts:
            for marker in citations.markers(text):
                for cite in marker.cites:
                    if cite.key == key and cite.locator and cite.locator not in found:
                        found.append(cite.locator)
        return found


def _md_escape(text: str) -> str:
    """Text for a Markdown heading: HTML-escaped, Markdown punctuation backslash-escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|])", r"\\\1", str(escape(text)))


class Renderer:
    def __init__(self, catalogue: Catalogue, site: dict):
        self.catalogue = catalogue
        self.site = site  # site-wide settings: repository URL for edit links, ...
        self.case_schema = schema.case_schema([fw.data for fw in catalogue.frameworks])
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            comment_start_string="{##",  # '{#' starts Markdown heading ids: '## Results {#results}'
            comment_end_string="##}",
        )
        self.env.filters["md"] = _md_escape
        self.env.filters["plain"] = citations.strip_markers
        self.env.filters["reference"] = lambda s: bibliography.reference_html(s.data)
        self.env.filters["label"] = lambda s: bibliography.short_label(s.data)
        self.env.globals.update(
            catalogue=catalogue,
            site=site,
            statuses=schema.STATUSES,
            evidence_grades=schema.EVIDENCE_GRADES,
            stages=schema.STAGES,
            health_systems=schema.HEALTH_SYSTEMS,
            directions=schema.DIRECTIONS,
        )

    def page(self, template: str, url: str, title: str, description: str = "", searchable: bool = False, hide: list[str] | None = None, **context) -> str:
        front: dict = {"title": str(escape(title))}
        if hide:
            front["hide"] = hide
        if searchable:
            front["searchable"] = True  # overrides/main.html marks the content for Pagefind
        if description:
            front["description"] = str(escape(description))
        body = self.env.get_template(template).render(href=lambda target: relative(target, url), page_url=url, **context)
        return "---\n" + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in front.items()) + "---\n\n" + body

    def pages(self) -> dict[str, str]:
        """Every generated page, by its path under the docs folder."""
        cat = self.catalogue
        out = {
            "index.md": self.page("home.md.j2", "", "Integrated Care Casebook", "Cases of integrated health and social care from around the world, with what worked, what failed and why.", hide=["navigation", "toc"]),
            "cases/index.md": self.page("cases.md.j2", "cases/", "Cases", "Every case of the Integrated Care Casebook."),
            "frameworks/index.md": self.page("frameworks.md.j2", "frameworks/", "Frameworks", "The frameworks the casebook uses to describe integrated care."),
            "search.md": self.page("search.md.j2", "search/", "Search", "Search the casebook and narrow by building block, payment instrument, mechanism and country.", hide=["navigation", "toc"], facets=self.facets()),
            "contribute/fields.md": self.page("fields.md.j2", "contribute/fields/", "Case fields", "Every field of a case file, explained.", fields=self.field_reference()),
        }
        for case in cat.cases:
            out[f"cases/{case.slug}.md"] = self.case_page(case)
        for fw in cat.frameworks:
            out[f"frameworks/{fw.id}/index.md"] = self.page(
                "framework.md.j2", fw.url, fw.name, citations.strip_markers(fw.description), searchable=True, fw=fw, cite=Citer(fw.sources)
            )
            for term in fw.terms:
                out[f"frameworks/{fw.id}/{term.id}.md"] = self.term_page(term)
        return out

    def case_page(self, case: Case) -> str:
        cite = Citer(case.sources)
        texts = [text for _, text, sub in schema.strings(case.data, self.case_schema) if sub.get("x-prose") or sub.get("x-citation")]
        locators = {s.key: cite.locators(s.key, texts) for s in case.sources}
        return self.page("case.md.j2", case.url, case.name, case.plain_summary, searchable=True, case=case, cite=cite, locators=locators)

    def term_page(self, term: Term) -> str:
        fw = term.framework
        uses = sorted(term.uses, key=lambda tag: tag.case.name.casefold())
        return self.page(
            "term.md.j2",
            term.url,
            f"{term.label} ({fw.label})",
            citations.strip_markers(term.definition),
            searchable=True,
            term=term,
            fw=fw,
            uses=uses,
            cite=Citer(fw.sources, relative(fw.url, term.url)),
            case_citer=lambda case: Citer(case.sources, relative(case.url, term.url)),
        )

    def facets(self) -> list[dict]:
        """The search filters, in the order shown: frameworks, then country."""
        facets = [{"id": fw.id, "label": fw.label} for fw in self.catalogue.frameworks]
        return facets + [{"id": "country", "label": "Country"}]

    def field_reference(self) -> list[dict]:
        """Rows of the field reference, flattened from the case schema."""
        rows: list[dict] = []
        case_schema = self.case_schema

        def walk(sub: dict, name: str, required: bool) -> None:
            kinds = sub.get("type", "choice" if "enum" in sub else "")
            kinds = kinds if isinstance(kinds, list) else [kinds]
            rows.append(
                {
                    "name": name,
                    "required": required,
                    "type": " or ".join(k for k in kinds if k),
                    "description": sub.get("description", ""),
                    "choices": [] if name.endswith(".term") else sub.get("enum", []),
                    "framework": sub.get("x-framework"),
                }
            )
            props = sub.get("properties") or sub.get("items", {}).get("properties")
            req = sub.get("required") or sub.get("items", {}).get("required", [])
            for key, child in (props or {}).items():
                walk(child, f"{name}[].{key}" if sub.get("type") == "array" else f"{name}.{key}", key in req)

        for key, sub in case_schema["properties"].items():
            walk(sub, key, key in case_schema["required"])
        return rows
