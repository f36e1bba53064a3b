"""Open data: the catalogue as JSON, CSV and bibliographies, from the same model as the pages.

Multi-valued CSV cells are joined with MULTI ("; "). Every file is written in
a fixed order with no timestamps, so two builds of one commit are identical.

Contributor text is data here, and each format gets it safely:
- CSV starts with a UTF-8 byte order mark (so spreadsheets read accents and '£'
  right; Python reads it with encoding='utf-8-sig'), and a cell that a spreadsheet
  would run as a formula (first character =, +, -, @, tab or carriage return) gets a
  leading single quote, as OWASP's CSV-injection guidance says. Plain decimal
  numbers such as -12 or +3.5 are left as they are: they are numbers, not formulas.
- BibTeX values are escaped once (`bibtex_text`): LaTeX's special characters become
  commands and braces become \textbraceleft{} and \textbraceright{}, so every brace in
  the file is one the generator wrote and a value cannot end its field.
- RIS values are folded to one line (`one_line`), so no value can start a tag line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable

from . import citations, facets, schema, vocabulary
from .model import Case, Catalogue

VERSION = 1
MULTI = "; "
API = "api/"


def _json(data) -> str:
    """Compact JSON: the C encoder only runs without indentation, and these files are for programs."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"


def case_record(case: Case) -> dict:
    """One case: what its file says (`data`, valid against the case schema) and what the site derives."""
    return {
        "slug": case.slug,
        "url": case.url,
        "last_changed": case.last_changed,
        "history": case.history,
        "data": case.data,
    }


def frameworks_record(catalogue: Catalogue) -> dict:
    return {
        "version": VERSION,
        "schema": "../schema/framework.schema.json",
        "frameworks": [
            {
                "url": fw.url,
                "data": fw.data,
                "cases_by_term": {term.id: sorted({tag.case.slug for tag in term.uses}) for term in fw.terms},
            }
            for fw in catalogue.frameworks
        ],
    }


def terms_record(catalogue: Catalogue) -> dict:
    """Labels and page addresses of every framework and term: small, for the compare page."""
    return {
        fw.data["case_field"]: {
            "id": fw.id,
            "label": fw.label,
            "role": fw.role,
            "url": fw.url,
            "terms": {t.id: [t.label, t.url] for t in fw.terms},
        }
        for fw in catalogue.frameworks
    }


BOM = "\ufeff"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _is_number(value: str) -> bool:
    """'-12', '+3.5', '.5': a plain decimal number, which a spreadsheet reads as a number."""
    digits = value[1:] if value[:1] in ("+", "-") else value
    whole, _, fraction = digits.partition(".")
    return bool(whole + fraction) and (whole + fraction).isascii() and (whole + fraction).isdigit()


def csv_cell(value):
    """A cell a spreadsheet shows as text, never runs as a formula (OWASP: prefix a single quote)."""
    if isinstance(value, str) and value.startswith(FORMULA_START) and not _is_number(value):
        return "'" + value
    return value


def labels_record() -> dict:
    """Plain-language labels of the coded fields (grades, status, groups), for the compare page."""
    return {
        "evidence": schema.EVIDENCE_GRADES,
        "stage": schema.STAGES,
        "status": schema.STATUSES,
        "target_groups": schema.TARGET_GROUPS,
        "health_systems": schema.HEALTH_SYSTEMS,
        "directions": schema.DIRECTIONS,
    }


def csv_text(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return out.getvalue()


def cases_csv_columns(catalogue: Catalogue) -> list[str]:
    """The columns of cases.csv, in order (the Data page documents each)."""
    return [
        "slug",
        "name",
        "url",
        "countries",
        "country_names",
        "region",
        "setting",
        "health_system",
        "start_year",
        "end_year",
        "status",
        "target_groups",
        "population_served",
        "evidence_grade",
        "stage_grade",
        *[fw.id for fw in catalogue.frameworks],
        "results",
        "sources",
        "summary",
        "last_changed",
    ]


def cases_csv(catalogue: Catalogue) -> str:
    """One row per case; frameworks as columns of term labels joined with MULTI."""
    header = cases_csv_columns(catalogue)
    rows = []
    for case in catalogue.cases:
        rows.append(
            [
                case.slug,
                case.name,
                case.url,
                MULTI.join(case.countries),
                MULTI.join(case.country_names),
                case.region or "",
                case.setting or "",
                (case.health_system or {}).get("type", ""),
                case.start_year or "",
                case.end_year or "",
                case.status,
                MULTI.join(case.target_groups or []),
                citations.strip_markers(case.population_served or ""),
                case.evidence["grade"],
                case.stage["grade"],
                *[MULTI.join(_tag_label(tag) for tag in case.tags[fw.id]) for fw in catalogue.frameworks],
                len(case.results or []),
                len(case.sources),
                case.plain_summary,
                case.last_changed or "",
            ]
        )
    return csv_text(header, rows)


def _tag_label(tag) -> str:
    return tag.term.label + (f" ({tag.level})" if tag.level else "")


def _keys(text: str) -> str:
    return MULTI.join(dict.fromkeys(cite.key for marker in citations.markers(text) for cite in marker.cites))


def tags_csv(catalogue: Catalogue) -> str:
    """Long format: one row per case and term, with the case's 'how'."""
    rows = [
        [
            case.slug,
            case.name,
            fw.id,
            tag.term.id,
            tag.term.label,
            tag.level or "",
            citations.strip_markers(tag.how),
            _keys(tag.how),
        ]
        for case in catalogue.cases
        for fw in catalogue.frameworks
        for tag in case.tags[fw.id]
    ]
    return csv_text(["slug", "case", "framework", "term", "term_label", "level", "how", "sources"], rows)


#: Columns of case-results.csv, in order: the result fields, between the case and its source keys.
RESULTS_CSV_COLUMNS = [
    "slug",
    "case",
    "metric",
    "value",
    "unit",
    "baseline",
    "period",
    "direction",
    "design",
    "certainty",
    "certainty_why",
    "sources",
    "note",
]


def results_csv(catalogue: Catalogue) -> str:
    """Long format: one row per result figure, with how it was obtained and how sure one can be of it."""
    rows = []
    for case in catalogue.cases:
        for r in case.results or []:
            plain = {name: r.get(name, "") for name in RESULTS_CSV_COLUMNS}
            plain |= {
                "slug": case.slug,
                "case": case.name,
                "certainty_why": citations.strip_markers(r.get("certainty_why", "")),
                "note": citations.strip_markers(r.get("note", "")),
                "sources": _keys(r["cite"] + " " + r.get("certainty_why", "")),
            }
            rows.append([plain[name] for name in RESULTS_CSV_COLUMNS])
    return csv_text(RESULTS_CSV_COLUMNS, rows)


# --- bibliographies -------------------------------------------------------------------------


def _split_author(author: str) -> tuple[str, str] | None:
    """('Stein', 'K. V.') from 'Stein KV'; None for an organisation.

    String methods, not a pattern like `(.+?)\\s+([A-Z]{1,4})`, which takes quadratic time on long whitespace."""
    words = author.strip().rsplit(None, 1)
    if len(words) != 2:
        return None
    family, initials = words
    if not (len(initials) <= 4 and initials.isascii() and initials.isalpha() and initials.isupper()):
        return None
    return family, " ".join(f"{letter}." for letter in initials)


# C0 and C1 control characters: whitespace ones become a space (then folded), the others go.
_CONTROLS = {code: " " if chr(code).isspace() else None for code in [*range(0x20), *range(0x7F, 0xA0)]}


def one_line(value) -> str:
    """The value on one line: control characters removed, every run of whitespace one space."""
    return " ".join(str(value).translate(_CONTROLS).split())


_LATEX = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "&": r"\&",
        "%": r"\%",
        "$": r"\$",
        "#": r"\#",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_URL_UNSAFE = str.maketrans({"{": "%7B", "}": "%7D", "\\": "%5C"})


def bibtex_text(value) -> str:
    """Text for a BibTeX field, escaped once: the only braces in the result are balanced pairs."""
    return one_line(value).translate(_LATEX)


def bibtex_url(value) -> str:
    """A DOI or URL for a BibTeX field (read verbatim by biblatex): braces and backslashes percent-encoded."""
    return one_line(value).translate(_URL_UNSAFE)


BIBTEX_TYPES = {
    "article": "article",
    "preprint": "misc",
    "report": "techreport",
    "book": "book",
    "chapter": "incollection",
    "abstract": "misc",
    "web": "misc",
    "law": "misc",
}
RIS_TYPES = {
    "article": "JOUR",
    "preprint": "JOUR",
    "report": "RPRT",
    "book": "BOOK",
    "chapter": "CHAP",
    "abstract": "ABST",
    "web": "ELEC",
    "law": "STAT",
}
CSL_TYPES = {
    "article": "article-journal",
    "preprint": "article",
    "report": "report",
    "book": "book",
    "chapter": "chapter",
    "abstract": "paper-conference",
    "web": "webpage",
    "law": "legislation",
}


def casebook_citation(case: Case, url: str, version: str = "unreleased", file_url: str | None = None) -> dict[str, str]:
    """How to cite the casebook's own entry for a case, at the catalogue's `version`: APA, Vancouver and BibTeX.

    `file_url` is the permanent address of this version of the case file, when the deploy knows it.
    """
    date = case.last_changed
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    if date:
        year, month, day = (int(x) for x in date.split("-"))
        apa_date, vancouver_date = f"{year}, {months[month - 1]} {day}", f"{year} {months[month - 1][:3]} {day}"
    else:
        year, apa_date, vancouver_date = None, "n.d.", "n.d."
    who = "Integrated Care Casebook contributors"
    note = "; ".join(
        part
        for part in (
            f"Catalogue version {version}",
            f"last changed {date}" if date else "",
            f"this version of the case file: {file_url}" if file_url else "",
        )
        if part
    )
    return {
        "APA": f"{who}. ({apa_date}). {case.name} (Version {version}) [Data set]. Integrated Care Casebook. {url}",
        "Vancouver": (
            f"{who}. {case.name} [Internet]. Version {version}. Integrated Care Casebook; [updated {vancouver_date}]. "
            f"Available from: {url}"
        ),
        "BibTeX": (
            f"@misc{{casebook-{case.slug},\n  author = {{{{{who}}}}},\n  title = {{{bibtex_text(case.name)}}},\n"
            f"  howpublished = {{Integrated Care Casebook}},\n  version = {{{bibtex_text(version)}}},\n"
            + (f"  year = {{{year}}},\n" if date else "")
            + f"  note = {{{bibtex_text(note)}}},\n"
            + f"  url = {{{bibtex_url(url)}}}\n}}"
        ),
    }


def _bibtex_author(author: str) -> str:
    """'Stein, K. V.'; an organisation, or a family name BibTeX would split (a comma or 'and'), in braces."""
    parts = _split_author(author)
    if not parts:
        return "{" + bibtex_text(author) + "}"
    family = bibtex_text(parts[0])
    if "," in family or "and" in family.casefold().split():
        family = "{" + family + "}"
    return f"{family}, {parts[1]}"


def bibtex_entry(key: str, source: dict) -> str:
    fields = [
        ("author", " and ".join(_bibtex_author(a) for a in source["authors"])),
        ("title", "{" + bibtex_text(source["title"]) + "}"),
    ]
    container = source.get("container")
    if container:
        fields.append(
            ("journal" if source["type"] in ("article", "preprint") else "howpublished", bibtex_text(container))
        )
    for name, field in (
        ("year", "year"),
        ("volume", "volume"),
        ("issue", "number"),
        ("pages", "pages"),
        ("publisher", "publisher"),
        ("place", "address"),
        ("doi", "doi"),
        ("url", "url"),
        ("isbn", "isbn"),
        ("note", "note"),
    ):
        if source.get(name) not in (None, ""):
            fields.append((field, bibtex_url(source[name]) if name in ("doi", "url") else bibtex_text(source[name])))
    if source["type"] == "report" and source.get("publisher"):
        fields.append(("institution", bibtex_text(source["publisher"])))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{BIBTEX_TYPES[source['type']]}{{{key},\n{body}\n}}\n"


def ris_entry(source: dict) -> str:
    lines = [("TY", RIS_TYPES[source["type"]])]
    for author in source["authors"]:
        parts = _split_author(author)
        lines.append(("AU", f"{parts[0]}, {parts[1]}" if parts else author))
    lines.append(("TI", source["title"]))
    for name, tag in (
        ("container", "T2"),
        ("year", "PY"),
        ("volume", "VL"),
        ("issue", "IS"),
        ("pages", "SP"),
        ("publisher", "PB"),
        ("place", "CY"),
        ("doi", "DO"),
        ("url", "UR"),
        ("isbn", "SN"),
        ("note", "N1"),
    ):
        if source.get(name) not in (None, ""):
            lines.append((tag, source[name]))
    lines.append(("ER", ""))
    return "".join(f"{tag}  - {one_line(value)}".rstrip() + "\n" for tag, value in lines)


def csl_entry(key: str, source: dict) -> dict:
    authors = []
    for author in source["authors"]:
        parts = _split_author(author)
        authors.append({"family": parts[0], "given": parts[1]} if parts else {"literal": author})
    entry = {"id": key, "type": CSL_TYPES[source["type"]], "title": source["title"], "author": authors}
    if source.get("year"):
        entry["issued"] = {"date-parts": [[source["year"]]]}
    for name, field in (
        ("container", "container-title"),
        ("volume", "volume"),
        ("issue", "issue"),
        ("pages", "page"),
        ("publisher", "publisher"),
        ("place", "publisher-place"),
        ("doi", "DOI"),
        ("url", "URL"),
        ("isbn", "ISBN"),
        ("note", "note"),
    ):
        if source.get(name) not in (None, ""):
            entry[field] = str(source[name])
    return entry


def _unique_sources(catalogue: Catalogue) -> list[tuple[str, dict]]:
    """Every source of the catalogue once: the same document cited by many cases appears once.

    Documents are the same when DOI, or else title and year, match; a key used for two
    different documents gets a numeric suffix.
    """
    found: dict[tuple, tuple[str, dict]] = {}
    used: set[str] = set()
    next_suffix: dict[str, int] = {}  # per key: the first suffix not yet tried, so a key shared by many is cheap
    holders = [*catalogue.frameworks, *catalogue.cases]
    for holder in holders:
        for source in holder.sources:
            data = source.data
            identity = (
                ("doi", data["doi"].lower())
                if data.get("doi")
                else ("title", data["title"].casefold(), data.get("year"))
            )
            if identity not in found:
                key, n = data["key"], next_suffix.get(data["key"], 2)
                while key in used:
                    key, n = f"{data['key']}-{n}", n + 1
                next_suffix[data["key"]] = n
                used.add(key)
                found[identity] = (key, data)
    return sorted(found.values())


def bibliography_files(prefix: str, sources: list[tuple[str, dict]]) -> dict[str, str]:
    return {
        f"{prefix}.bib": "".join(bibtex_entry(key, data) + "\n" for key, data in sources),
        f"{prefix}.ris": "".join(ris_entry(data) + "\n" for _, data in sources),
        f"{prefix}.csl.json": _json([csl_entry(key, data) for key, data in sources]),
    }


def case_sources(case: Case) -> list[tuple[str, dict]]:
    return [(s.key, s.data) for s in case.sources]


def files(catalogue: Catalogue, catalogue_version: str = "unreleased") -> dict[str, str]:
    """Every data file of the site, by path. `version` is the shape of the data (VERSION);
    `catalogue_version` the release or commit the content comes from (repository.version)."""
    out = {path: text for job in catalogue_jobs(catalogue, catalogue_version) for path, text in job().items()}
    for case in catalogue.cases:
        out.update(case_files(case))
    return out


def catalogue_jobs(catalogue: Catalogue, catalogue_version: str = "unreleased") -> list[Callable[[], dict[str, str]]]:
    """The data files of the whole catalogue as separate pieces of work, each making one file or a few, so they can
    run side by side (the largest, at thousands of cases, take seconds each)."""
    return [
        lambda: {
            f"{API}cases.json": _json(
                {
                    "version": VERSION,
                    "catalogue_version": catalogue_version,
                    "schema": "../schema/case.schema.json",
                    "count": len(catalogue.cases),
                    "cases": [case_record(c) for c in catalogue.cases],
                }
            )
        },
        lambda: {
            f"{API}frameworks.json": _json(frameworks_record(catalogue)),
            f"{API}terms.json": _json(terms_record(catalogue)),
            f"{API}labels.json": _json(labels_record()),
        },
        lambda: {f"{API}facets.json": _json(facets.facet_file(catalogue))},
        lambda: {f"{API}vocabulary.json": _json(vocabulary.vocabulary_file(catalogue))},
        lambda: {"cases.csv": cases_csv(catalogue)},
        lambda: {"case-terms.csv": tags_csv(catalogue)},
        lambda: {"case-results.csv": results_csv(catalogue)},
        lambda: bibliography_files(f"{API}sources", _unique_sources(catalogue)),
    ]


def case_files(case: Case) -> dict[str, str]:
    """The data files of one case, by path: its record and its sources in three citation formats."""
    return {
        f"{API}cases/{case.slug}.json": _json(
            {"version": VERSION, "schema": "../../schema/case.schema.json", **case_record(case)}
        ),
        **bibliography_files(f"{API}cases/{case.slug}.sources", case_sources(case)),
    }
