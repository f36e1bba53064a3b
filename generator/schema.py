"""The data model of case files and framework files, as JSON Schema.

This module is the single source of truth for what a case or framework file
may contain: the validator checks files against these schemas, the field
reference page is rendered from their descriptions, and
`schema/case.schema.json` / `schema/framework.schema.json` are written from
them (`python -m generator schema`), so editors can complete fields.

Tag fields (building_blocks, payment_instruments, ...) come from the
frameworks: each framework file names the case field that tags into it, and
the schema lists that framework's term ids, so a misspelt id is caught by the
editor as well as by the validator.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
KEY_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"
DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
URL_PATTERN = r"^https?://[^\s<>\"]+$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"
ISBN_PATTERN = r"^(?:97[89]-?)?(?:\d-?){9}[\dX]$"
DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
FIELD_PATTERN = r"^[a-z_]+(?:\[\d+\]|\.[a-z_]+)*$"

#: Messages for pattern mismatches, by pattern: what to write instead.
#: A language code (ISO 639-1, optionally with a region), like 'de' or 'pt-BR'.
LANG_PATTERN = r"^[a-z]{2,3}(-[A-Z]{2})?$"

PATTERN_HINTS = {
    LANG_PATTERN: "write the language as a lowercase code, like 'de' for German or 'nl' for Dutch",
    SLUG_PATTERN: "use lowercase letters, digits and single hyphens, like 'gesundes-kinzigtal'",
    KEY_PATTERN: "use lowercase letters, digits and hyphens, like 'stein2016'",
    DOI_PATTERN: "write the DOI alone, starting with '10.', like '10.5334/ijic.7736' (no 'https://doi.org/')",
    URL_PATTERN: "write a full web address starting with https:// or http://",
    COUNTRY_PATTERN: "use a two-letter ISO 3166-1 code in capitals, like 'DE' or 'GB'",
    ISBN_PATTERN: "write the ISBN with digits and hyphens, like '978-83-944034-1-6'",
    DATE_PATTERN: "write the date as YYYY-MM-DD, like '2025-03-12'",
    FIELD_PATTERN: "name a field as in validator messages, like 'start_year' or 'results[2].value'",
}

PROSE = (
    "Plain text in your own words (no HTML, no Markdown). Separate paragraphs with a blank line. "
    "Every paragraph cites its source with a marker such as [@stein2016, section 4.1]."
)

#: Choices with a plain-language label (shown on pages, facets and charts) and what the label means.
#: The one source of these labels: templates, facets, charts and exports read them from here.
EVIDENCE_GRADES = {
    "controlled": {
        "label": "Controlled evaluation",
        "description": "effects measured against a comparison group or region.",
    },
    "before-after": {
        "label": "Uncontrolled figures",
        "description": "outcomes measured without a controlled comparison: before and after the start, from "
        "routine records, or once, at one point in time.",
    },
    "programme-reported": {
        "label": "Reported by the programme",
        "description": "figures published by the programme or its funders, not independently evaluated.",
    },
    "qualitative": {
        "label": "Qualitative study only",
        "description": "interviews, observation or documents, no outcome figures.",
    },
    "none": {"label": "None reported", "description": "the sources give no evidence of effect."},
}

#: How a result's figure was obtained, strongest design first. `grade` is the strongest case evidence grade
#: (a key of EVIDENCE_GRADES) that a result of this design can support.
STUDY_DESIGNS = {
    "randomised-trial": {
        "label": "Randomised trial",
        "description": "people or places were assigned by chance to the programme or to usual care, then compared.",
        "grade": "controlled",
    },
    "controlled-before-after": {
        "label": "Controlled before-after comparison",
        "description": "change in the programme's group was compared with change in a similar group with usual care.",
        "grade": "controlled",
    },
    "interrupted-time-series": {
        "label": "Interrupted time series",
        "description": "a trend measured many times before and after the start, to see whether it changed course.",
        "grade": "controlled",
    },
    "uncontrolled-before-after": {
        "label": "Before-after, no comparison group",
        "description": "measured before and after the start, with nothing to show what would have happened anyway.",
        "grade": "before-after",
    },
    "routine-monitoring": {
        "label": "Routine monitoring data",
        "description": "figures from records kept for running or paying for care, not gathered for an evaluation.",
        "grade": "before-after",
    },
    "cross-sectional-survey": {
        "label": "Survey at one point in time",
        "description": "people were asked once; it shows a state of affairs, not a change.",
        "grade": "before-after",
    },
    "qualitative-interviews": {
        "label": "Interviews or observation",
        "description": "what people involved said or were seen to do; no measured effect.",
        "grade": "qualitative",
    },
    "programme-self-report": {
        "label": "Reported by the programme",
        "description": "a figure the programme or its funders published, without a stated method.",
        "grade": "programme-reported",
    },
    "not-stated": {
        "label": "Method not stated",
        "description": "the source gives the figure but not how it was obtained.",
        "grade": "programme-reported",
    },
}

#: How sure one can be of a result, highest first: in the manner of GRADE, not a formal GRADE rating.
CERTAINTY_LEVELS = {
    "high": {"label": "High", "description": "the true effect is very likely close to the figure."},
    "moderate": {
        "label": "Moderate",
        "description": "the true effect is probably close to the figure, but may differ.",
    },
    "low": {"label": "Low", "description": "the true effect may be clearly different from the figure."},
    "very-low": {"label": "Very low", "description": "the figure says little about the true effect."},
}

#: The fields that say how a result was obtained and how sure one can be of it: every result row has all three.
RESULT_EVIDENCE_FIELDS = ["design", "certainty", "certainty_why"]

#: What a search for published evaluations of the programme found.
EVALUATION_OUTCOMES = {
    "found": {"label": "Found", "description": "at least one published evaluation was found and read."},
    "none-found": {"label": "None found", "description": "no published evaluation was found."},
}


def grade_supported(designs: Iterable[str]) -> str:
    """The strongest evidence grade that results of these designs support ('qualitative' when there are none)."""
    order = list(EVIDENCE_GRADES)
    ranks = [order.index(STUDY_DESIGNS[d]["grade"]) for d in designs if d in STUDY_DESIGNS]
    return order[min(ranks, default=order.index("qualitative"))]


STAGES = {
    "pilot": {"label": "Pilot", "description": "tried in a limited setting or for a limited time."},
    "scaling": {"label": "Scaling", "description": "extending beyond its first setting."},
    "mainstream": {"label": "Mainstream", "description": "part of routine care or funding."},
    "ended": {"label": "Ended or stalled", "description": "stopped, or not taken further."},
}

#: The part a framework plays on the site, set by `role:` in its file: the case page's "How it was paid
#: for" section and the payment guide read the `payment` framework; "How it works" and the building-block
#: charts read `how-it-works`; the failures page reads `conditions`.
FRAMEWORK_ROLES = {
    "how-it-works": "the framework a case page's 'How it works' section is organised by",
    "payment": "the payment instruments, shown under 'How it was paid for'",
    "conditions": "the conditions for success, gathered on the 'What did not work' page",
}


def describe(choices: dict[str, dict]) -> str:
    """'key: Label, what it means' for each choice, for schema descriptions and the field reference."""
    return " ".join(f"{key}: {c['label']}, {c['description']}" for key, c in choices.items())


STATUSES = {
    "active": "running at the time of the latest source",
    "ended": "stopped",
    "stalled": "not taken further, without a formal end",
    "unknown": "the sources do not say",
}

HEALTH_SYSTEMS = {
    "national-health-service": "national health service",
    "social-health-insurance": "social health insurance",
    "regulated-competition": "regulated competition between insurers",
    "mixed": "mixed public and private funding",
    "private": "mainly private insurance and providers",
}

DIRECTIONS = {
    "improved": "the outcome got better",
    "worsened": "the outcome got worse",
    "no-change": "no measurable change",
    "mixed": "better on some measures, worse on others",
}

TARGET_GROUPS = {
    "whole-population": "a whole population (population health management)",
    "frail-elderly": "frail older people",
    "multimorbidity": "people with several chronic conditions",
    "palliative-oncology": "palliative or cancer care",
    "several-life-domains": "people with problems in several life domains (health, social, financial)",
    "named-condition": "people with one named condition",
    "socioeconomically-vulnerable": "socioeconomically vulnerable groups",
    "children": "children and young people",
}

LEVELS = ["micro", "meso", "macro"]

TIMELINE_KINDS = ["start", "pilot", "scale-up", "contract", "law", "funding", "evaluation", "end", "other"]

SOURCE_TYPES = ["report", "article", "preprint", "book", "chapter", "abstract", "web", "law"]


def _text(description: str, **extra: Any) -> dict:
    return {"type": "string", "minLength": 1, "description": description, **extra}


def _prose(description: str) -> dict:
    return _text(f"{description} {PROSE}", **{"x-prose": True})


def _list_of_prose(description: str) -> dict:
    return {
        "type": "array",
        "description": f"{description} A list: one item per point, each citing its source.",
        "items": _text("One point. It cites its source with a marker such as [@key, section].", **{"x-prose": True}),
    }


def _year(description: str) -> dict:
    """A year: a whole number written in decimal digits (the validator refuses 2010.0 and '0x7DA')."""
    return {"type": "integer", "minimum": 1900, "description": description, "x-year": True}


def _citation(description: str) -> dict:
    return _text(description, pattern=r"^\[@[^\]]+\]$", **{"x-citation": True})


def _source_schema() -> dict:
    return {
        "type": "object",
        "description": "One source document, cited in the text as [@key].",
        "additionalProperties": False,
        "required": ["key", "type", "authors", "title"],
        "properties": {
            "key": _text("Short name used in citation markers, like 'stein2016'.", pattern=KEY_PATTERN),
            "type": {"enum": SOURCE_TYPES, "description": "Kind of document: " + ", ".join(SOURCE_TYPES) + "."},
            "authors": {
                "type": "array",
                "minItems": 1,
                "description": "Authors as 'Family Initials' (like 'Stein KV'), or an organisation's name.",
                "items": _text("One author."),
            },
            "year": _year("Year of publication. Leave out if the source gives none."),
            "title": _text("Title of the document, as published."),
            "container": _text("Journal, series or report the document appeared in."),
            "volume": {"type": ["string", "integer"], "description": "Journal volume."},
            "issue": {"type": ["string", "integer"], "description": "Journal issue."},
            "pages": {"type": ["string", "integer"], "description": "Pages or article number."},
            "publisher": _text("Publisher or commissioning body."),
            "place": _text("Place of publication."),
            "date": _text("Full date where the source gives one (YYYY-MM-DD)", pattern=DATE_PATTERN),
            "doi": _text(
                "DOI as the source gives it, like '10.5334/ijic.7736'. Leave out if there is none.", pattern=DOI_PATTERN
            ),
            "url": _text("Web address as the source gives it. Leave out if there is none.", pattern=URL_PATTERN),
            "isbn": _text("ISBN as the source gives it.", pattern=ISBN_PATTERN),
            "licence": _text("Licence of the document, like 'CC-BY 4.0'."),
            "note": _text("Anything a reader needs to find the document."),
        },
    }


def _grade(description: str, grades: dict[str, str], what: str) -> dict:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["grade", "why"],
        "description": description,
        "properties": {
            "grade": {"enum": list(grades), "description": describe(grades)},
            "why": _prose(f"One line: why this {what}."),
        },
    }


def _tag_schema(term_ids: list[str], framework_name: str) -> dict:
    return {
        "type": "object",
        "description": f"One term of {framework_name} that this case shows.",
        "additionalProperties": False,
        "required": ["term", "how"],
        "properties": {
            "term": {"enum": term_ids, "description": f"Term id from {framework_name}."},
            "how": _prose("One line: how this case did it."),
            "detail": _prose("Optional longer account of what the case did on this term."),
            "level": {
                "enum": LEVELS,
                "description": (
                    "Level at which the case shows the term (micro, meso or macro), for frameworks with levels."
                ),
            },
            "met": {
                "type": "boolean",
                "description": (
                    "For conditions (the framework with role 'conditions'): true if the cited source judges the "
                    "condition met in this case, false if it judges it not met. Leave it out when the source does "
                    "not say. The 'What did not work' page lists the conditions set to false."
                ),
            },
        },
    }


def case_schema(frameworks: Iterable[dict]) -> dict:
    """The JSON Schema of a case file, with one tag field per framework."""
    tag_fields = {}
    for fw in frameworks:
        ids = [t["id"] for t in fw.get("terms", [])]
        tag_fields[fw["case_field"]] = {
            "type": "array",
            "description": f"Terms of {fw['name']} this case shows, each with how the case did it.",
            "x-framework": fw["id"],
            "items": _tag_schema(ids, fw["name"]),
            **({"minItems": fw["case_minimum"]} if fw.get("case_minimum") else {}),
        }
    properties = {
        "slug": _text("The case's id: the file name without '.yaml'.", pattern=SLUG_PATTERN),
        "name": _text("The programme's name as its sources give it."),
        "also_known_as": {
            "type": "array",
            "description": (
                "Other names: abbreviations, earlier names, and the programme's own name in its language. Search "
                "finds the case by any of them; no two cases may share a name or an alias."
            ),
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": _text("One other name, like 'GK' or 'Gesundes Kinzigtal'."),
                    "lang": _text(
                        "The language of a name in its original language, as a code like 'de', 'nl', 'ca', 'es', "
                        "'hr', 'hu' or 'no'. Give one only when a source the case cites uses that name.",
                        pattern=LANG_PATTERN,
                    ),
                },
            },
        },
        "summary": _prose("Two or three sentences: what the programme is and what it achieved."),
        "countries": {
            "type": "array",
            "minItems": 1,
            "description": "Countries as ISO 3166-1 alpha-2 codes, like [DE] or [GB].",
            "items": {"type": "string", "pattern": COUNTRY_PATTERN, "description": "ISO 3166-1 alpha-2 code."},
        },
        "region": _text("Region, city or area served."),
        "setting": _text("Short description of the setting, like 'rural region, all health services'."),
        "health_system": {
            "type": "object",
            "additionalProperties": False,
            "required": ["type", "why"],
            "description": "The kind of health system the case works in.",
            "properties": {
                "type": {
                    "enum": list(HEALTH_SYSTEMS),
                    "description": "; ".join(f"{k}: {v}" for k, v in HEALTH_SYSTEMS.items()),
                },
                "why": _prose("One line on the system, with its source."),
            },
        },
        "start_year": _year("Year the programme started."),
        "start_year_note": _prose("Where sources disagree on the start, say so here."),
        "end_year": _year("Year the programme ended, if it did."),
        "status": {"enum": list(STATUSES), "description": "; ".join(f"{k}: {v}" for k, v in STATUSES.items())},
        "status_as_of": {
            "type": "integer",
            "minimum": 1900,
            "description": "Year of the latest source that confirms the status.",
        },
        "last_reviewed": _text(
            "Date (YYYY-MM-DD) a person last checked this case's figures and grades against its sources. "
            "Set it only when you did that check.",
            pattern=DATE_PATTERN,
        ),
        "evaluation_search": {
            "type": "object",
            "additionalProperties": False,
            "required": ["searched", "outcome", "note"],
            "description": "Whether published evaluations of the programme were looked for, and what was found.",
            "properties": {
                "searched": _text("Date (YYYY-MM-DD) the search was made.", pattern=DATE_PATTERN),
                "outcome": {"enum": list(EVALUATION_OUTCOMES), "description": describe(EVALUATION_OUTCOMES)},
                "note": _prose("What was looked for and what was found."),
            },
        },
        "corrections": {
            "type": "array",
            "description": (
                "Where a cited source is wrong and another source shows it. The field concerned holds the "
                "corrected value; the wrong statement stays visible here."
            ),
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["field", "said", "correction"],
                "properties": {
                    "field": _text(
                        "The field the correction concerns, named as in validator messages, like 'start_year' or "
                        "'results[2].value' (list items count from 0).",
                        pattern=FIELD_PATTERN,
                    ),
                    "said": _prose("What the source says, cited to it."),
                    "correction": _prose("What is right instead, cited to the source that shows it."),
                },
            },
        },
        "population_served": _prose("How many people the programme serves, with its source."),
        "target_population": _prose("Who the programme is for, with its source."),
        "target_groups": {
            "type": "array",
            "description": "Groups the programme targets, for filtering: "
            + "; ".join(f"{k}: {v}" for k, v in TARGET_GROUPS.items())
            + ".",
            "items": {"enum": list(TARGET_GROUPS)},
        },
        "context": _prose("The situation the programme started from."),
        "financing": _prose("How the programme is paid for and how money flows."),
        **tag_fields,
        "results": {
            "type": "array",
            "description": "Results as figures, one row per measure.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["metric", "value", "cite", *RESULT_EVIDENCE_FIELDS],
                "properties": {
                    "metric": _text("What was measured, like 'Hospital days per 1,000 patients'."),
                    "value": {
                        "type": ["number", "string"],
                        "description": "The figure: a number, or text like '-36' or 'about a third'.",
                    },
                    "unit": _text("Unit of the value, like '%' or 'EUR per insured person'."),
                    "baseline": {
                        "type": ["string", "number"],
                        "description": "What the value is compared with, like '1999' or 'national average'.",
                    },
                    "period": {"type": ["string", "number"], "description": "When, like '2006-2015' or 2014."},
                    "direction": {
                        "enum": list(DIRECTIONS),
                        "description": "; ".join(f"{k}: {v}" for k, v in DIRECTIONS.items()),
                    },
                    "cite": _citation("The source of this figure, like [@stein2016, section 4.1]."),
                    "note": _text("Anything a reader needs to interpret the figure."),
                    "design": {
                        "enum": list(STUDY_DESIGNS),
                        "description": "How the figure was obtained. Choices, strongest design first: "
                        + describe(STUDY_DESIGNS),
                    },
                    "certainty": {
                        "enum": list(CERTAINTY_LEVELS),
                        "description": "How sure one can be of the figure, in the manner of GRADE (not a formal "
                        "GRADE rating). " + describe(CERTAINTY_LEVELS),
                    },
                    "certainty_why": _prose("One line: why this certainty (design, sample, comparison, who reported)."),
                },
            },
        },
        "timeline": {
            "type": "array",
            "description": (
                "Dated events (start, pilot, scale-up, contract or law, funding, evaluation, end), "
                "where the sources give dates."
            ),
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["year", "kind", "event"],
                "properties": {
                    "year": _year("Year of the event."),
                    "kind": {
                        "enum": TIMELINE_KINDS,
                        "description": "Kind of event: " + ", ".join(TIMELINE_KINDS) + ".",
                    },
                    "event": _prose("One line: what happened."),
                },
            },
        },
        "evidence": _grade("Grade of the evidence of effect, with a one-line justification.", EVIDENCE_GRADES, "grade"),
        "stage": _grade("Implementation stage, with a one-line justification.", STAGES, "stage"),
        "strengths": _list_of_prose("What worked well."),
        "weaknesses": _list_of_prose("What did not work, or limits."),
        "barriers": _list_of_prose("What stood in the way of implementation."),
        "facilitators": _list_of_prose("What helped implementation."),
        "lessons": _list_of_prose("Lessons for others."),
        "related": {
            "type": "array",
            "description": "Other cases of the casebook this one relates to. The link shows on both pages.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["slug", "why"],
                "properties": {
                    "slug": _text("The other case's slug (its file name without '.yaml').", pattern=SLUG_PATTERN),
                    "why": _text("One line: what the two cases share."),
                },
            },
        },
        "sources": {
            "type": "array",
            "minItems": 1,
            "description": "Every document this case cites, numbered on the page in this order.",
            "items": _source_schema(),
        },
    }
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "case.schema.json",
        "title": "Integrated Care Casebook: case",
        "description": "One integrated care programme. One file per case under cases/, named <slug>.yaml.",
        "type": "object",
        "additionalProperties": False,
        "required": [
            "slug",
            "name",
            "summary",
            "countries",
            "status",
            "building_blocks",
            "evidence",
            "evaluation_search",
            "stage",
            "sources",
        ],
        "properties": properties,
    }


def framework_schema() -> dict:
    """The JSON Schema of a framework file under frameworks/."""
    term = {
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "label", "definition"],
        "properties": {
            "id": _text("The term's id, used by cases to tag it.", pattern=SLUG_PATTERN),
            "label": _text("The term's name as shown on the site."),
            "synonyms": {
                "type": "array",
                "description": "Other words readers use for this term; search finds the term's page by any of them.",
                "items": _text("One synonym."),
            },
            "definition": _prose("What the term means, in the casebook's own words."),
            "parent": _text("Id of the parent term, where the framework nests terms.", pattern=SLUG_PATTERN),
            "axis": _text("Axis or group of the framework the term belongs to (one of the framework's `axes`)."),
            "enabler": _text(
                "For a building block that is a precondition others must check, like a law or a data system: its "
                "short name as an enabling condition (like 'legal basis'). The 'Cases like my system' page lists a "
                "case's tags of such terms as conditions to check. Leave out for other terms."
            ),
            "attributes": {
                "type": "array",
                "description": "Further facts about the term, shown as a table (evidence, caveats, dimensions...).",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name", "value"],
                    "properties": {
                        "name": _text("What the fact is about, like 'Evidence' or 'Time horizon'."),
                        "value": _prose("The fact."),
                    },
                },
            },
            "see_also": {
                "type": "array",
                "description": (
                    "Crosswalks: terms of other frameworks that cover the same ground. Shown on both term pages."
                ),
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["framework", "term", "why"],
                    "properties": {
                        "framework": _text("Id of the other framework.", pattern=SLUG_PATTERN),
                        "term": _text("Id of the term in that framework.", pattern=SLUG_PATTERN),
                        "why": _prose("One line: why the two correspond."),
                    },
                },
            },
        },
    }
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "framework.schema.json",
        "title": "Integrated Care Casebook: framework",
        "description": "A framework or taxonomy of integrated care. One file per framework under frameworks/.",
        "type": "object",
        "additionalProperties": False,
        "required": ["id", "name", "case_field", "description", "sources", "terms"],
        "properties": {
            "id": _text("The framework's id: the file name without '.yaml'.", pattern=SLUG_PATTERN),
            "name": _text("Full name of the framework."),
            "short_name": _text("Short name for navigation."),
            "case_field": _text("The case field that tags into this framework.", pattern=r"^[a-z]+(?:_[a-z]+)*$"),
            "order": {"type": "integer", "description": "Position among the frameworks."},
            "case_minimum": {
                "type": "integer",
                "minimum": 0,
                "description": "Fewest terms of this framework a case must tag (leave out when a case may tag none).",
            },
            "role": {
                "enum": list(FRAMEWORK_ROLES),
                "description": "The part the framework plays on the site, if any: "
                + "; ".join(f"{k}: {v}" for k, v in FRAMEWORK_ROLES.items())
                + ". At most one framework has each role.",
            },
            "feeds": {
                "type": "boolean",
                "description": "Whether the site publishes a feed of new and changed cases for each term.",
            },
            "question": _text("The question this framework helps a reader answer."),
            "description": _prose("What the framework is and where it comes from."),
            "how_to_read": _prose("How to read the framework's layout."),
            "layout": {
                "enum": ["list", "grid", "axis"],
                "description": (
                    "list: terms grouped by axis; grid: terms by levels (SELFIE); "
                    "axis: terms placed along an ordered axis (payment continuum)."
                ),
            },
            "axes": {
                "type": "array",
                "description": "The framework's axes or groups, in display order.",
                "items": _text("One axis name."),
            },
            "levels": {
                "type": "array",
                "description": "Levels a case can show each term at (for grids), like [micro, meso, macro].",
                "items": {"enum": LEVELS},
            },
            "aims": {
                "type": "array",
                "description": (
                    "For the payment framework: aims a payer may have (like 'reward coordination'), each with the "
                    "terms its sources connect to it. The payment guide shows them; an aim with no cited connection "
                    "says so."
                ),
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["id", "label", "instruments"],
                    "properties": {
                        "id": _text("The aim's id, used in the guide's address.", pattern=SLUG_PATTERN),
                        "label": _text("The aim in a reader's words, like 'Reward coordination'."),
                        "instruments": {
                            "type": "array",
                            "description": "Terms of this framework that the sources connect to the aim.",
                            "items": {
                                "type": "object",
                                "additionalProperties": False,
                                "required": ["term", "why"],
                                "properties": {
                                    "term": _text("Id of a term of this framework.", pattern=SLUG_PATTERN),
                                    "works_against": {
                                        "type": "boolean",
                                        "description": "true when the source says the instrument works against "
                                        "the aim rather than for it.",
                                    },
                                    "why": _prose("One or two lines: what the source says links the two."),
                                },
                            },
                        },
                    },
                },
            },
            "sources": {"type": "array", "minItems": 1, "items": _source_schema()},
            "terms": {"type": "array", "minItems": 1, "items": term},
        },
    }


def strings(value: Any, sub: dict, path: tuple = ()):
    """Yield (path, text, subschema) for every string, following the schema alongside the data."""
    if isinstance(value, str):
        yield path, value, sub
    elif isinstance(value, dict):
        props = sub.get("properties", {})
        for key, item in value.items():
            if key in props:
                yield from strings(item, props[key], path + (key,))
    elif isinstance(value, list):
        items = sub.get("items", {})
        for index, item in enumerate(value):
            yield from strings(item, items, path + (index,))


def glossary_schema() -> dict:
    """The JSON Schema of glossary.yaml: general words readers use for the catalogue's words."""
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "glossary.schema.json",
        "title": "Integrated Care Casebook: glossary",
        "description": (
            "Groups of words that mean the same in this catalogue. A page that uses one word of a group is "
            "found by a search for any other; a group may also name the search filter it stands for."
        ),
        "type": "object",
        "additionalProperties": False,
        "required": ["groups"],
        "properties": {
            "groups": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["words"],
                    "dependentRequired": {"filter_only": ["filter"]},
                    "properties": {
                        "words": {
                            "type": "array",
                            "minItems": 2,
                            "description": "Words or phrases that mean the same here, the catalogue's own first.",
                            "items": _text("One word or phrase."),
                        },
                        "filter_only": {
                            "type": "boolean",
                            "description": (
                                "true: the words only offer the filter; a page using one word is not found by "
                                "the others (for words like 'stopped' and 'failed' that differ in prose)."
                            ),
                        },
                        "filter": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["facet", "value"],
                            "description": "The search filter a query of these words stands for.",
                            "properties": {
                                "facet": _text("A filter's id, like 'stage', 'evidence' or 'target'."),
                                "value": _text("One of that filter's values, as the search page shows it."),
                            },
                        },
                    },
                },
            }
        },
    }
