"""Generated pages reach MkDocs as opaque HTML: Markdown sees only the generator's own headings.

Templates write each section heading as a Markdown line (`## Results {#results}`), so that
MkDocs builds the table of contents, and everything else as HTML. Two rules make sure that
nothing a contributor writes is ever read as Markdown, whatever a field holds (blank lines,
indentation, list markers, fences, links, attribute lists, `{{ }}`):

1. Contributor text never starts a line. `text()` escapes it for HTML and also writes each
   newline, carriage return and `#` as a character reference (`&#10;`, `&#13;`, `&#35;`),
   which a browser reads as the same character. Every path from data to a page goes
   through it: Jinja's `finalize` for every `{{ }}` and the join filter (see render.py),
   and the code that builds HTML in Python (citations, references, charts, tables).
   So a line starting with `#` can only come from a template, and a field with a blank
   line cannot split anything.
2. `extract()` keeps those heading lines (a line of one to six `#` and a space, after a
   blank line, so a `# comment` inside a template's code sample stays HTML) for Markdown
   and swaps every run of other lines, blank lines included, for one placeholder comment;
   `restore()` puts the HTML back into the converted page. Markdown therefore never
   parses contributor text, MkDocs never validates links inside it (so it cannot cause
   a warning), and the pure-Python HTML parser of Python-Markdown never re-reads the
   generated HTML (most of the build time).

Heading lines themselves may hold contributor text (a framework's label) through
`heading_text()`, which folds it to one line and escapes it for both Markdown and HTML.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

PLACEHOLDER = "<!--cb:{}{}-->"
FOUND = re.compile(r"<!--cb:(\d+)(?::<h1)?-->")
HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
FRONT_MATTER_END = "\n---\n"
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def text(value) -> Markup:
    """Contributor text as HTML that can never start a line or a Markdown heading (see rule 1).

    Markup (HTML the generator built) passes through unchanged."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(
        str(value)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("#", "&#35;")
        .replace('"', "&#34;")
        .replace("'", "&#39;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def heading_text(value) -> Markup:
    """Text for a Markdown heading line: one line, Markdown punctuation backslash-escaped, then HTML-escaped."""
    return escape(_MARKDOWN_PUNCTUATION.sub(r"\\\1", " ".join(str(value).split())))


def extract(page: str) -> tuple[str, list[str]]:
    """The page with its front matter and heading lines kept and every run of other lines
    (blank lines included) replaced by one placeholder; and the runs in order."""
    front = ""
    if page.startswith("---\n"):
        end = page.index(FRONT_MATTER_END, 3) + len(FRONT_MATTER_END)
        front, page = page[:end], page[end:]
    blocks: list[str] = []
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        html = "\n".join(run).strip("\n")
        if html.strip():
            # A block with the page's title says so in its placeholder: the theme adds a title of its own
            # to a page whose converted content holds no "<h1", and blocks are put back only afterwards.
            out.append(PLACEHOLDER.format(len(blocks), ":<h1" if "<h1" in html else ""))
            blocks.append(html)
        run.clear()

    previous = ""
    for line in page.split("\n"):
        if HEADING.match(line) and not previous.strip():  # as templates write them: after a blank line
            flush()
            out.append(line)
        else:
            run.append(line)
        previous = line
    flush()
    return front + "\n\n".join(out) + "\n", blocks


def restore(html: str, blocks: list[str]) -> str:
    return FOUND.sub(lambda match: blocks[int(match.group(1))], html)
