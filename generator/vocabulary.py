"""The search vocabulary: names, aliases, synonyms and glossary words, from one source each.

- A case's other names (`also_known_as`) and a term's `synonyms` are printed on its page and weighted
  for Pagefind, so a search for any of them finds the page.
- glossary.yaml's groups are general words readers use: a page that uses one word of a group gets the
  group's other words as hidden search text (`search_words`), so "elderly" and "older people" find the
  same pages.
- `vocabulary_file` is the small file the search page reads for "best match", "Did you mean" and the
  filter chips. It stays small at thousands of cases: terms, frameworks, countries and the glossary are
  listed whole, case names only as their distinct words, up to a byte budget.
"""

from __future__ import annotations

import re
from collections import Counter

from .model import Case, Catalogue, Term

#: Bytes the words of case names may take in the vocabulary file (the whole file stays under 30 KB).
WORD_BUDGET = 12_000

#: English names of the languages original-language names are given in (code -> name); others show the code.
LANGUAGES = {
    "ca": "Catalan",
    "da": "Danish",
    "de": "German",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "hr": "Croatian",
    "hu": "Hungarian",
    "it": "Italian",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "sl": "Slovenian",
    "sv": "Swedish",
}


def language(code: str) -> str:
    return LANGUAGES.get(code.split("-")[0], code)


#: Words and single punctuation marks: text and glossary words are compared as sequences of these.
_TOKEN = re.compile(r"\w+|[^\w\s]")


def _joined(tokens) -> str:
    """Tokens between single spaces (a token never holds one), so a phrase is a substring search."""
    return " " + " ".join(tokens) + " "


class Glossary:
    """glossary.yaml's groups, prepared once for matching page text.

    A word matches where its tokens appear in a row in the text (whole words, any spacing between
    them); abbreviations in capitals (EHR, GP, US) match only in capitals, other words in any case.
    The text is split into tokens once and each word is one substring search, so a page costs a few
    passes over its text, not one regular-expression search per glossary word.
    """

    def __init__(self, groups: list[dict]):
        self.groups = [g for g in groups if not g.get("filter_only")]
        self.phrases = [
            [(w.isupper(), _joined(_TOKEN.findall(w if w.isupper() else w.casefold()))) for w in g["words"]]
            for g in self.groups
        ]

    def search_words(self, text: str) -> list[str]:
        """The words of every group that `text` uses one word of, the used ones included."""
        exact = _joined(_TOKEN.findall(text))
        folded = _joined(_TOKEN.findall(text.casefold()))
        out: list[str] = []
        for group, phrases in zip(self.groups, self.phrases, strict=True):
            if any(phrase in (exact if is_exact else folded) for is_exact, phrase in phrases):
                out += group["words"]
        return out


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def case_names(case: Case) -> list[str]:
    return [case.name, *(a["name"] for a in case.also_known_as or [])]


def case_search_words(case: Case, glossary: Glossary) -> list[str]:
    return glossary.search_words("\n".join(_strings(case.data)))


def term_search_words(term: Term, glossary: Glossary) -> list[str]:
    return glossary.search_words("\n".join([term.label, *term.synonyms, term.definition]))


def _name_words(catalogue: Catalogue) -> str:
    """Distinct words of case names and aliases, most used first, within WORD_BUDGET bytes."""
    counts = Counter(
        word
        for case in catalogue.cases
        for name in case_names(case)
        for word in {w.casefold() for w in re.findall(r"\w{4,}", name) if not w.isdigit()}
    )
    kept, size = [], 0
    for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        size += len(word.encode()) + 1
        if size > WORD_BUDGET:
            break
        kept.append(word)
    return " ".join(sorted(kept))


def vocabulary_file(catalogue: Catalogue) -> dict:
    """What the search page matches queries against, addresses relative to the site's root.

    `terms`: [label, address, synonyms]; `frameworks`: [name, address]; `countries`: the countries
    cases are in; `glossary`: [words, filter id or "", filter value or "", whether the words only stand for
    the filter]; `words`: words of case names.
    """
    return {
        "terms": [[t.label, t.url, t.synonyms] for fw in catalogue.frameworks for t in fw.terms],
        "frameworks": [[fw.name, fw.url] for fw in catalogue.frameworks],
        "countries": sorted({name for case in catalogue.cases for name in case.country_names}),
        "glossary": [
            [
                g["words"],
                g.get("filter", {}).get("facet", ""),
                g.get("filter", {}).get("value", ""),
                bool(g.get("filter_only")),
            ]
            for g in catalogue.glossary
        ],
        "words": _name_words(catalogue),
    }
