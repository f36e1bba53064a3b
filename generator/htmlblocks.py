"""Keeping generated HTML away from the Markdown converter.

Generated pages are mostly HTML, and Python-Markdown re-parses every raw HTML
block with a pure-Python HTML parser: that was most of the build time. So each
HTML block of a generated page is swapped for a short comment before MkDocs
converts the page, and put back into the converted HTML afterwards. Markdown
then handles only the headings (which make the table of contents).
"""

from __future__ import annotations

import re

PLACEHOLDER = "<!--cb:{}-->"
FOUND = re.compile(r"<!--cb:(\d+)-->")


def extract(markdown: str) -> tuple[str, list[str]]:
    """Markdown with every raw HTML block (a blank-line-separated block starting with '<')
    replaced by a placeholder, and the blocks in order."""
    blocks: list[str] = []
    out = []
    for part in markdown.split("\n\n"):
        if part.lstrip("\n").startswith("<"):
            out.append(PLACEHOLDER.format(len(blocks)))
            blocks.append(part.strip("\n"))
        else:
            out.append(part)
    return "\n\n".join(out), blocks


def restore(html: str, blocks: list[str]) -> str:
    return FOUND.sub(lambda match: blocks[int(match.group(1))], html)
