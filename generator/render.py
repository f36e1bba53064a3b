"""Rendering the catalogue into site pages: Markdown files whose body is escaped HTML.

Contributor text never reaches Markdown or a template as code: every `{{ }}` is
escaped by `htmlblocks.text` (Jinja's finalize), and the page reaches MkDocs
as opaque HTML blocks around the template's own headings (see htmlblocks.py).
Page titles and descriptions go to the theme through front matter, escaped here
because the theme prints them as they are.

Page paths follow MkDocs' directory URLs: `cases/x.md` is served at `cases/x/`.
Links between generated pages are relative, so the site works from any folder
of any static host.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property, partial
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from markupsafe import Markup, escape

from . import (
    bibliography,
    charts,
    citations,
    evidence,
    exports,
    facets,
    feeds,
    fit,
    htmlblocks,
    paymentguide,
    schema,
    vocabulary,
    worldmap,
)
from .model import COUNTRIES, EUROPE, Case, Catalogue, Source, Tag, Term

TEMPLATES = Path(__file__).parent / "templates"


def relative(target: str, page_url: str) -> str:
    """Link from the page at `page_url` to `target` (both site-relative directory URLs, `#fragment` allowed).

    Goes up to the site root and down again: not always the shortest link, but
    cheap, and valid wherever the site is hosted.
    """
    path, _, fragment = target.partition("#")
    if path == page_url:
        link = "" if fragment else "./"
    else:
        link = "../" * page_url.count("/") + path or "./"
    return link + (f"#{fragment}" if fragment else "")


@dataclass
class Citer:
    """Turns citation markers into numbered links to a list of sources."""

    sources: list[Source]
    href: str = ""  # link to the page holding the list ("" = this page)

    def __post_init__(self) -> None:
        self.numbers = {s.key: i for i, s in enumerate(self.sources, 1)}
        self.labels = {s.key: bibliography.short_label(s.data) for s in self.sources}

    def inline(self, text: str) -> Markup:
        parts: list[str] = []
        position = 0
        for marker in citations.markers(text):
            parts.append(htmlblocks.text(text[position : marker.start].rstrip()))
            labels: dict[str, list[str]] = {}
            for cite in marker.cites:  # one link per source, with all its locators
                labels.setdefault(cite.key, [])
                if cite.locator:
                    labels[cite.key].append(cite.locator)
            links = []
            for key, locators in labels.items():
                number = self.numbers[key]
                label = htmlblocks.text("; ".join([self.labels[key], *locators]))
                links.append(
                    f'<a href="{self.href}#src-{key}" title="{label}" '
                    f'aria-label="Source {number}: {label}">{number}</a>'
                )
            parts.append('<sup class="cb-cite" data-pagefind-ignore>[' + ", ".join(links) + "]</sup>")
            position = marker.end
        parts.append(htmlblocks.text(text[position:]))
        return Markup("".join(parts))

    def prose(self, text: str) -> Markup:
        return Markup("".join(f"<p>{self.inline(p)}</p>\n" for p in citations.paragraphs(text)))

    def locators(self, key: str, texts: list[str]) -> list[str]:
        found: list[str] = []
        for text in texts:
            for marker in citations.markers(text):
                for cite in marker.cites:
                    if cite.key == key and cite.locator and cite.locator not in found:
                        found.append(cite.locator)
        return found


@jinja2.pass_environment
def _join(environment: jinja2.Environment, values, separator: str = "", attribute=None) -> Markup:
    """Jinja's join filter, with each item escaped by htmlblocks.text (Jinja's own escapes without rule 1)."""
    if attribute is not None:
        values = (environment.getitem(value, attribute) for value in values)
    return htmlblocks.text(separator).join(htmlblocks.text(value) for value in values)


def shared_accounts(tags: list[Tag]) -> dict[int, tuple[Tag, list[Tag]]]:
    """For each tag (by id()): the tag under which the page shows its `how`, and the tags repeating that text.

    Contributors sometimes give one sentence under several frameworks; the case page shows it once,
    where it first appears (tags come in page order), and lists the other terms beside it.
    """

    def text(tag: Tag) -> str:
        return " ".join(citations.strip_markers(tag.how).split()).casefold()

    owners: dict[str, Tag] = {}
    for tag in tags:
        owners.setdefault(text(tag), tag)
    out: dict[int, tuple[Tag, list[Tag]]] = {id(tag): (owners[text(tag)], []) for tag in tags}
    for tag in tags:
        owner = owners[text(tag)]
        if owner is not tag:
            out[id(owner)][1].append(tag)
    return out


def corrected_fields(case: Case) -> set[str]:
    """Top-level fields of a case with a published correction (`corrections[].field`, e.g. 'results[2].value')."""
    return {re.split(r"[.\[]", item["field"], maxsplit=1)[0] for item in case.data.get("corrections") or []}


def script_json(data) -> Markup:
    """Data for a page's script, safe inside <script type="application/json"> (no '<', '>' or '&' as such)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


class _CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates, kept for the life of the process. Each build makes a new environment (its
    globals belong to that build's catalogue); under `mkdocs serve` compiling every template again cost
    a third of a second at each edit. Jinja checks each entry against its template's source."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = _CompiledTemplates()  # also given to the theme's templates by the hook


class Renderer:
    def __init__(self, catalogue: Catalogue, site: dict, feed_list: list[feeds.Feed] | None = None):
        self.catalogue = catalogue
        self.site = site  # site-wide settings: repository URL for edit links, ...
        self.feeds = feeds.feed_list(catalogue) if feed_list is None else feed_list
        self.feed_by_page = {feed.page: feed for feed in self.feeds}
        self.case_feeds = feeds.feeds_by_case(self.feeds)
        self.case_schema = schema.case_schema([fw.data for fw in catalogue.frameworks])
        self.glossary = vocabulary.Glossary(catalogue.glossary)
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(TEMPLATES),
            bytecode_cache=COMPILED,
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            finalize=htmlblocks.text,  # every {{ }} goes through htmlblocks.text: see its rule 1
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            comment_start_string="{##",  # '{#' starts Markdown heading ids: '## Results {#results}'
            comment_end_string="##}",
        )
        self.env.filters["md"] = htmlblocks.heading_text
        self.env.filters["join"] = _join
        self.env.filters["plain"] = citations.strip_markers
        self.env.filters["reference"] = lambda s: bibliography.reference_html(s.data)
        self.env.filters["label"] = lambda s: bibliography.short_label(s.data)
        self.env.filters["target_label"] = lambda group: schema.TARGET_GROUPS[group].capitalize()
        self.env.filters["long_date"] = evidence.long_date
        self.env.globals.update(
            catalogue=catalogue,
            site=site,
            statuses=schema.STATUSES,
            evidence_grades=schema.EVIDENCE_GRADES,
            stages=schema.STAGES,
            health_systems=schema.HEALTH_SYSTEMS,
            target_groups=schema.TARGET_GROUPS,
            directions=schema.DIRECTIONS,
            designs=schema.STUDY_DESIGNS,
            certainty_levels=schema.CERTAINTY_LEVELS,
            evaluation_outcomes=schema.EVALUATION_OUTCOMES,
            evidence=evidence,
        )

    def page(
        self,
        template: str,
        url: str,
        title: str,
        description: str = "",
        searchable: bool = False,
        hide: list[str] | None = None,
        follow: list[feeds.Feed] | None = None,
        **context,
    ) -> str:
        """One page. `follow`: the feeds its head links (overrides/main.html); the catalogue's is always one."""
        front: dict = {"title": str(escape(title))}
        if hide:
            front["hide"] = hide
        follow = [self.feeds[0], *(f for f in follow or [] if f is not self.feeds[0])]
        front["feeds"] = [{"title": str(escape(f.title)), "href": f.path} for f in follow]
        if searchable:
            front["searchable"] = True  # overrides/main.html marks the content for Pagefind
        if description:
            front["description"] = str(escape(description))
        body = self.env.get_template(template).render(
            href=lambda target: Markup(escape(relative(target, url))), page_url=url, follow=follow, **context
        )
        return (
            "---\n"
            + "".join(f"{k}: {json.dumps(v, ensure_ascii=False)}\n" for k, v in front.items())
            + "---\n\n"
            + body
        )

    def pages(self) -> dict[str, str]:
        """Every generated page, by its path under the docs folder."""
        return {path: render() for path, render in self.page_jobs().items()}

    def page_jobs(self) -> dict[str, Callable[[], str]]:
        """Every generated page, by its path under the docs folder, as a function that renders it:
        the caller decides which pages to render, and where (site.build renders them on every core)."""
        cat = self.catalogue
        out: dict[str, Callable[[], str]] = {
            "cases/index.md": lambda: self.page(
                "cases.md.j2",
                "cases/",
                "Cases",
                "Every case of the Integrated Care Casebook.",
                hide=["navigation", "toc"],
                countries=self.countries,
            ),
            "frameworks/index.md": lambda: self.page(
                "frameworks.md.j2",
                "frameworks/",
                "Frameworks",
                "The frameworks the casebook uses to describe integrated care.",
            ),
            "search.md": lambda: self.page(
                "search.md.j2",
                "search/",
                "Search",
                "Search the casebook and narrow by building block, payment instrument, mechanism and country.",
                hide=["navigation", "toc"],
            ),
            "evidence-map.md": lambda: self.page(
                "evidence-map.md.j2",
                "evidence-map/",
                "Evidence map",
                "Which cases show which terms of each framework, and how strong the evidence behind each case is.",
                hide=["navigation", "toc"],
                tables={fw.id: self.evidence_table(fw, "evidence-map/") for fw in cat.frameworks},
                grades=[(rank, grade, len(cases)) for rank, (grade, cases) in enumerate(self.cases_by_evidence, 1)],
                levels=schema.LEVELS,
            ),
            "timeline.md": lambda: self.page(
                "timeline.md.j2",
                "timeline/",
                "Timeline",
                "Dated events of every case of the casebook.",
                events=self.timeline_events(),
            ),
            "map.md": lambda: self.page(
                "map.md.j2",
                "map/",
                "Map of cases",
                "A map of the countries with cases, Europe first, with the number of cases in each.",
                hide=["toc"],
                world_map=self.world_map(),
                legend=worldmap.legend({code: len(cases) for code, _, cases in self.countries}),
                colour_class=worldmap.colour_class,
                feed_for_page=self.feed_by_page.get,
                countries=self.countries,
            ),
            "overview.md": lambda: self.page(
                "overview.md.j2",
                "overview/",
                "At a glance",
                "The casebook in charts: cases by country, building block, payment instrument and evidence grade.",
                countries=self.countries,
                charts=self.charts(),
            ),
            "failures.md": lambda: self.page(
                "failures.md.j2",
                "failures/",
                "What did not work",
                "Programmes that ended or stalled, key conditions that were not met, and the weaknesses "
                "and barriers the sources report, across the casebook.",
                **self.failures(),
            ),
            "compare.md": lambda: self.page(
                "compare.md.j2",
                "compare/",
                "Compare cases",
                "Two to four cases of the casebook side by side.",
                hide=["navigation", "toc"],
                pairs=self.suggested_pairs(),
            ),
            "data.md": lambda: self.page(
                "data.md.j2",
                "data/",
                "Data",
                "The casebook as open data: CSV, JSON, BibTeX, RIS and CSL-JSON.",
                hide=["navigation"],
                columns=self.csv_columns(),
                feed_list=self.feeds,
                entries=feeds.ENTRIES,
            ),
            "contribute/fields.md": lambda: self.page(
                "fields.md.j2",
                "contribute/fields/",
                "Case fields",
                "Every field of a case file, explained.",
                fields=self.field_reference(),
            ),
        }
        out["fit.md"] = self.fit_page
        payment = cat.framework_with_role("payment")
        if payment:
            out["payment-guide.md"] = partial(self.payment_guide, payment)
        for case in cat.cases:
            out[f"cases/{case.slug}.md"] = partial(self.case_page, case)
        for fw in cat.frameworks:
            out[f"frameworks/{fw.id}/index.md"] = partial(
                self.page,
                "framework.md.j2",
                fw.url,
                fw.name,
                citations.strip_markers(fw.description),
                searchable=True,
                fw=fw,
                cite=Citer(fw.sources),
            )
            for term in fw.terms:
                out[f"frameworks/{fw.id}/{term.id}.md"] = partial(self.term_page, term)
        out["index.md"] = partial(self.home_page, failures_page="failures.md" in out)
        return out

    def home_page(self, failures_page: bool) -> str:
        """The home page starts from a reader's questions, and states the catalogue's scope from the data."""
        cases = self.catalogue.cases
        ended = schema.STAGES["ended"]  # without the failures page, the home page links to a search for these
        grades = [
            (code, choice["label"], sum(c.evidence["grade"] == code for c in cases))
            for code, choice in schema.EVIDENCE_GRADES.items()
        ]
        return self.page(
            "home.md.j2",
            "",
            "Integrated Care Casebook",
            "Cases of integrated health and social care from around the world, with what worked, what failed and why.",
            hide=["navigation", "toc"],
            countries=self.countries,
            payment_terms=self.most_used_terms("payment"),
            in_europe=sum(any(code in EUROPE for code in c.countries) for c in cases),
            evidence_mix=[g for g in grades if g[2]],
            failures_url="failures/" if failures_page else "search/?" + urlencode({"stage": ended["label"]}),
            **self.home_cases(),
        )

    def fit_page(self) -> str:
        """'Cases like my system': every case with its context and what it relied on; the script ranks them."""
        cat = self.catalogue
        payment = cat.framework_with_role("payment")
        data = {
            "rules": fit.RULES,
            "labels": fit.labels(cat),
            "cases": [fit.profile(case, cat) for case in cat.cases],
        }
        return self.page(
            "fit.md.j2",
            "fit/",
            "Cases like my system",
            "Describe your health system and aims; the casebook's cases are ranked by how close their context is, "
            "with the reasons and the conditions each relied on.",
            hide=["navigation", "toc"],
            rules=fit.RULES,
            blocks=cat.framework_with_role("how-it-works"),
            payment=payment,
            payment_terms=[t for t in (payment.terms if payment else []) if t.cases],
            conditions=cat.framework_with_role("conditions"),
            enabling={case.slug: fit.enabling_conditions(case, cat) for case in cat.cases},
            fit_data=script_json(data),
        )

    def payment_guide(self, fw) -> str:
        """'Which payment instrument fits my aims', from the payment framework's terms, aims and cases."""
        url = "payment-guide/"
        return self.page(
            "payment-guide.md.j2",
            url,
            "Which payment instrument fits my aims?",
            "Payment instruments for integrated care with their evidence, caveats and the cases that used them, "
            "and the aims the sources connect them to.",
            hide=["navigation"],
            fw=fw,
            aims=fw.data.get("aims", []),
            instruments=paymentguide.instruments(fw),
            headline=paymentguide.headline_result,
            cite=Citer(fw.sources, relative(fw.url, url)),
            guide_data=script_json(paymentguide.page_data(fw)),
        )

    def most_used_terms(self, role: str, count: int = 5) -> list[Term]:
        """The terms of the framework playing `role` that most cases show (none unused)."""
        fw = self.catalogue.framework_with_role(role)
        used = [t for t in (fw.terms if fw else []) if t.cases]
        return sorted(used, key=lambda t: (-len(t.cases), t.label.casefold()))[:count]

    def ranked_cases(self) -> list[Case]:
        """Cases with the strongest evidence of effect first, then those with the most result figures."""
        strength = list(schema.EVIDENCE_GRADES)
        return sorted(
            self.catalogue.cases,
            key=lambda c: (strength.index(c.evidence["grade"]), -len(c.results or []), c.name.casefold()),
        )

    def suggested_pairs(self, count: int = 3) -> list[tuple[Case, Case]]:
        """Ready-made comparisons for the compare page: well-evidenced cases, each with its most similar case."""
        pairs: list[tuple[Case, Case]] = []
        for case in self.ranked_cases():
            similar = self.catalogue.similar(case, limit=1)
            if similar and not any(case in pair for pair in pairs):
                pairs.append((case, similar[0][0]))
            if len(pairs) == count:
                break
        return pairs

    def home_cases(self, count: int = 6) -> dict:
        """Cases to list on the home page. "Recently changed" only when the dates say something: when
        every case shares one date (one bulk commit), a list by date would be alphabetical, so the page
        lists "Start with these" instead: the cases with the strongest evidence, then the most result figures."""
        dates = {c.last_changed for c in self.catalogue.cases}
        if len(dates) > 1:
            return {"recent": self.recent_cases(count), "start_with": []}
        return {"recent": [], "start_with": self.ranked_cases()[:count]}

    def case_page(self, case: Case) -> str:
        cite = Citer(case.sources)
        texts = [
            text
            for _, text, sub in schema.strings(case.data, self.case_schema)
            if sub.get("x-prose") or sub.get("x-citation")
        ]
        locators = {s.key: cite.locators(s.key, texts) for s in case.sources}
        payment = self.catalogue.framework_with_role("payment")
        how_it_works = self.catalogue.framework_with_role("how-it-works")
        leading = [fw for fw in (payment, how_it_works) if fw]  # the sections a policymaker reads first
        others = [fw for fw in self.catalogue.frameworks if fw not in leading and case.tags[fw.id]]
        accounts = shared_accounts([tag for fw in leading + others for tag in case.tags[fw.id]])
        return self.page(
            "case.md.j2",
            case.url,
            case.name,
            case.plain_summary,
            searchable=True,
            hide=["navigation"],
            follow=self.case_feeds.get(id(case), []),
            case=case,
            payment_fw=payment,
            how_fw=how_it_works,
            other_fws=others,
            shared=lambda tag: accounts[id(tag)],
            corrected=corrected_fields(case),
            cite=cite,
            locators=locators,
            facets=facets.case_facets(case),
            names=vocabulary.case_names(case),
            search_words=vocabulary.case_search_words(case, self.glossary),
            language=vocabulary.language,
            citations=self.casebook_citations(case),
            file_url=self.file_url(case),
            json_ld=self.json_ld(case),
            similar=self.catalogue.similar(case),
        )

    HERE = "\ue000here\ue000"  # a private-use mark that no escaping changes

    def file_url(self, case: Case) -> str | None:
        """The permanent address of this version of the case file on the repository host, when known."""
        blob_url = self.site.get("blob_url")
        return blob_url + case.file if blob_url else None

    def casebook_citations(self, case: Case) -> dict[str, Markup]:
        """'Cite this case' texts. Without a configured site_url, the page's own address is filled in by the browser."""
        site_url = self.site.get("site_url")
        url = f"{site_url.rstrip('/')}/{case.url}" if site_url else self.HERE
        here = Markup("<span data-cb-here>{}</span>").format(case.url)
        cites = exports.casebook_citation(case, url, self.site.get("version", "unreleased"), self.file_url(case))
        return {style: htmlblocks.text(cite).replace(self.HERE, here) for style, cite in cites.items()}

    def json_ld(self, case: Case) -> Markup:
        """schema.org metadata of a case page, safe inside a <script> element."""
        data = {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": case.name,
            "name": case.name,
            "description": case.plain_summary,
            "about": [tag.term.label for tags in case.tags.values() for tag in tags],
            "spatialCoverage": [{"@type": "Country", "name": name} for name in case.country_names],
            "isPartOf": {
                "@type": "Dataset",
                "name": "Integrated Care Casebook",
                "version": self.site.get("version", "unreleased"),
            },
            "citation": [bibliography.reference_text(s.data) for s in case.sources],
        }
        if case.last_changed:
            data["dateModified"] = case.last_changed
        if self.site.get("site_url"):
            data["url"] = f"{self.site['site_url'].rstrip('/')}/{case.url}"
        text = json.dumps(data, ensure_ascii=False, indent=1)
        return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))

    def term_page(self, term: Term) -> str:
        fw = term.framework
        uses = sorted(term.uses, key=lambda tag: tag.case.name.casefold())
        return self.page(
            "term.md.j2",
            term.url,
            f"{term.label} ({fw.label})",
            citations.strip_markers(term.definition),
            searchable=True,
            hide=["navigation"],  # term pages are not in the navigation: no empty sidebar beside them
            follow=[self.feed_by_page[term.url]] if term.url in self.feed_by_page else [],
            term=term,
            fw=fw,
            uses=uses,
            search_words=vocabulary.term_search_words(term, self.glossary),
            cite=Citer(fw.sources, relative(fw.url, term.url)),
            case_citer=lambda case: Citer(case.sources, relative(case.url, term.url)),
            citer_for=lambda other: Citer(other.sources, relative(other.url, term.url)),
        )

    def recent_cases(self, count: int = 8) -> list[Case]:
        """The cases changed last (from git), for the home page."""
        return sorted(self.catalogue.cases, key=lambda c: c.last_changed or "", reverse=True)[:count]

    @cached_property
    def cases_by_evidence(self) -> list[tuple[str, list[Case]]]:
        """The cases grouped by evidence grade, strongest grade first (the order of schema.EVIDENCE_GRADES)."""
        return [
            (grade, [c for c in self.catalogue.cases if c.evidence["grade"] == grade])
            for grade in schema.EVIDENCE_GRADES
        ]

    def evidence_table(self, fw, url: str) -> Markup:
        """Cases x terms of one framework, the cases grouped by the strength of their evidence of effect, each
        mark drawn by that strength. Written in Python, not the template: at thousands of cases it has
        hundreds of thousands of cells."""
        up, esc = "../" * url.count("/"), htmlblocks.text
        head = "".join(
            f'<th scope="col" class="cb-map__term{"" if t.uses else " cb-map__term--empty"}">'
            f'<a href="{up}{t.url}" title="{esc(t.label)}"><span class="cb-map__term-text">{esc(t.label)}</span>'
            f"</a></th>"
            for t in fw.terms
        )
        columns = len(fw.terms) + 2
        groups = []
        for rank, (grade, cases) in enumerate(self.cases_by_evidence, 1):
            label = esc(schema.EVIDENCE_GRADES[grade]["label"])
            mark = f'<span class="cb-ev cb-ev--{rank}" aria-hidden="true"></span>'
            count = f"{len(cases)} case{'' if len(cases) == 1 else 's'}" if cases else "no case"
            rows = [
                f'<tr class="cb-map__group"><th scope="colgroup" colspan="{columns}">{mark}{label}'
                f' <span class="cb-count">{count}</span></th></tr>'
            ]
            for case in cases:
                by_term: dict[str, list] = {}
                for tag in case.tags[fw.id]:
                    by_term.setdefault(tag.term.id, []).append(tag)
                cells = []
                for term in fw.terms:
                    empty = "" if term.uses else " cb-map__cell--empty"
                    hits = by_term.get(term.id)
                    if hits:
                        levels = "".join(f'<span class="cb-map__level">{h.level[:2]}</span>' for h in hits if h.level)
                        level_words = "".join(f" ({h.level})" for h in hits if h.level)
                        how = esc(citations.strip_markers(hits[0].how))
                        cells.append(
                            f'<td class="cb-map__cell{empty}"><a href="{up}{case.url}#{hits[0].anchor}" '
                            f'title="{how}" aria-label="{esc(case.name)}: {esc(term.label)}{level_words}">'
                            f"{mark}{levels}</a></td>"
                        )
                    else:
                        cells.append(f'<td class="cb-map__cell{empty}"></td>')
                rows.append(
                    f'<tr><th scope="row"><a href="{up}{case.url}">{esc(case.name)}</a>'
                    f'<span class="cb-sr-only"> (evidence: {label})</span></th>'
                    f'{"".join(cells)}<td class="cb-num">{len(by_term)}</td></tr>'
                )
            groups.append(f"<tbody>{''.join(rows)}</tbody>")
        totals = "".join(
            f'<td class="cb-num{"" if t.uses else " cb-map__cell--empty"}">{len(t.cases)}</td>' for t in fw.terms
        )
        return Markup(
            f'<table class="cb-table cb-map"><caption class="cb-sr-only">Cases by term of {esc(fw.name)}, '
            "grouped by evidence of effect</caption>"
            f'<thead><tr><th scope="col" class="cb-map__corner">Case, by evidence of effect</th>{head}'
            '<th scope="col" class="cb-map__term"><span class="cb-map__term-text">Terms shown</span></th></tr></thead>'
            f"{''.join(groups)}"
            f'<tfoot><tr><th scope="row">Cases showing the term</th>{totals}<td></td></tr></tfoot></table>'
        )

    def failures(self) -> dict:
        """What the 'What did not work' page gathers, all from the case files."""
        cases = self.catalogue.cases
        conditions = self.catalogue.framework_with_role("conditions")
        by_condition = [
            (
                term,
                [tag for tag in term.uses if tag.met is False],
                [tag for tag in term.uses if tag.met is True],
            )
            for term in (conditions.terms if conditions else [])
        ]
        lists = {}
        for field_name in ("weaknesses", "barriers"):
            lists[field_name] = [
                (
                    stage,
                    [
                        (case, case.points(field_name))
                        for case in cases
                        if case.stage["grade"] == stage and case.points(field_name)
                    ],
                )
                for stage in schema.STAGES
            ]
        return {
            "ended": [c for c in cases if c.ended],
            "singular": {"weaknesses": "weakness", "barriers": "barrier"},
            "assessed": len({id(tag.case) for _, unmet, met in by_condition for tag in unmet + met}),
            "conditions": conditions,
            "by_condition": by_condition,
            "lists": lists,
        }

    @cached_property
    def countries(self) -> list[tuple[str, str, list[Case]]]:
        """(code, name, cases) for every country with a case, most cases first."""
        by_code: dict[str, list[Case]] = {}
        for case in self.catalogue.cases:
            for code in case.countries:
                by_code.setdefault(code, []).append(case)
        rows = [(code, COUNTRIES[code], cases) for code, cases in by_code.items()]
        return sorted(rows, key=lambda row: (-len(row[2]), row[1]))

    def world_map(self) -> Markup:
        rows = self.countries
        counts = {code: len(cases) for code, _, cases in rows}
        return worldmap.world_map(counts, {code: f"#country-{code.lower()}" for code in counts})

    @cached_property
    def as_of(self) -> str:
        """The date of the catalogue's latest change (from git), for source lines; "" when unknown."""
        latest = max((c.last_changed or "" for c in self.catalogue.cases), default="")
        try:
            day = date.fromisoformat(latest[:10])
        except ValueError:
            return latest
        return f"{day.day} {day:%B %Y}"

    @cached_property
    def chart_list(self) -> list[charts.Chart]:
        """The overview's charts: cases by country, by the how-it-works and payment frameworks, by evidence."""
        url = "overview/"
        out = [
            charts.Chart(
                "by-country",
                "Cases by country",
                "Number of cases in each country. A case that spans several countries counts once in each.",
                "Country",
                "country",
                [
                    (name, len(cases), relative(f"map/#country-{code.lower()}", url))
                    for code, name, cases in self.countries
                ],
            )
        ]
        for role in ("how-it-works", "payment"):
            fw = self.catalogue.framework_with_role(role)
            if fw:
                rows = sorted(
                    ((t.label, len(t.cases), relative(t.url, url)) for t in fw.terms), key=lambda r: (-r[1], r[0])
                )
                noun = fw.label.lower()
                out.append(
                    charts.Chart(
                        fw.id,
                        f"Cases by {noun}",
                        f"Number of cases whose sources show each term of {fw.name}. A case usually shows "
                        "several, so the bars add up to more than the number of cases.",
                        fw.label,
                        noun,
                        rows,
                    )
                )
        grades = [
            (
                choice["label"],
                sum(c.evidence["grade"] == grade for c in self.catalogue.cases),
                relative("search/", url) + "?" + urlencode({"evidence": choice["label"]}),
            )
            for grade, choice in schema.EVIDENCE_GRADES.items()
        ]
        out.append(
            charts.Chart(
                "by-evidence",
                "Cases by evidence of effect",
                "Number of cases at each grade of evidence of effect, strongest first. A grade describes what "
                "the sources show, not how well the programme worked.",
                "Evidence of effect",
                "evidence grade",
                grades,
            )
        )
        return out

    def charts(self) -> list[tuple[str, str, Markup]]:
        return [(c.id, c.title, charts.bar_chart(c, self.as_of)) for c in self.chart_list]

    def files(self) -> dict[str, str]:
        """Files published next to the pages: the data of each overview chart as CSV."""
        return {f"overview/{c.csv_name}": c.csv() for c in self.chart_list}

    def timeline_events(self) -> list[dict]:
        """Every dated event of every case, for the catalogue-wide timeline (the start year counts as an event)."""
        events = []
        for case in self.catalogue.cases:
            items = list(case.timeline or [])
            if case.start_year and not any(i["kind"] == "start" for i in items):
                items.append({"year": case.start_year, "kind": "start", "event": f"{case.name} starts."})
            events += [{"year": i["year"], "pair": (case, i)} for i in items]
        return sorted(events, key=lambda e: (e["year"], e["pair"][0].name.casefold()))

    def csv_columns(self) -> dict[str, list[tuple[str, str]]]:
        """Each CSV file's columns with what they mean, for the Data page: cases.csv, case-results.csv."""
        described = {
            "slug": "The case's id, also its address: cases/<slug>/.",
            "name": "The programme's name.",
            "case": "The programme's name.",
            "url": "Address of the case page, relative to the site.",
            "countries": "ISO 3166-1 alpha-2 codes.",
            "country_names": "Country names.",
            "region": "Region or area served.",
            "setting": "Short description of the setting.",
            "health_system": "Kind of health system: " + ", ".join(schema.HEALTH_SYSTEMS) + ".",
            "start_year": "Year the programme started.",
            "end_year": "Year it ended, if it did.",
            "status": ", ".join(schema.STATUSES) + ".",
            "target_groups": "Target groups: " + ", ".join(schema.TARGET_GROUPS) + ".",
            "population_served": "How many people it serves, as the sources say.",
            "evidence_grade": "Evidence of effect: " + ", ".join(schema.EVIDENCE_GRADES) + ".",
            "stage_grade": "Implementation stage: " + ", ".join(schema.STAGES) + ".",
            "results": "Number of result figures.",
            "sources": "Number of sources.",
            "summary": "Two or three sentences, without citation markers.",
            "last_changed": "Date of the last change to the case file (from git).",
        }
        for fw in self.catalogue.frameworks:
            described[fw.id] = f"Terms of {fw.name} the case shows."
        result_fields = self.case_schema["properties"]["results"]["items"]["properties"]
        results = {
            **described,
            **{name: sub["description"] for name, sub in result_fields.items()},
            "sources": "Keys of the sources the figure and its certainty cite (see the BibTeX file).",
            "note": "Anything a reader needs to interpret the figure, without citation markers.",
            "certainty_why": "Why this certainty, in one line, without citation markers (their keys are in sources).",
        }
        return {
            "cases.csv": [(name, described[name]) for name in exports.cases_csv_columns(self.catalogue)],
            "case-results.csv": [(name, results[name]) for name in exports.RESULTS_CSV_COLUMNS],
        }

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
