"""What MkDocs gets of a generated page: placeholders and the template's own headings, nothing a contributor wrote."""

from __future__ import annotations

from test_quality import CATALOGUE, PROBES, _poisoned_case

from generator import htmlblocks, model
from generator.render import Renderer


def _case_markdown(data: dict) -> tuple[str, list[str]]:
    catalogue = model.build(
        [("cases/probe.yaml", data), *[(c.file, c.data) for c in CATALOGUE.cases]],
        [fw.data for fw in CATALOGUE.frameworks],
    )
    case = catalogue.case_by_slug[data["slug"]]
    return htmlblocks.extract(Renderer(catalogue, {}).case_page(case))


def test_markdown_holds_only_placeholders_and_template_headings():
    for slug in PROBES:
        markdown, blocks = _case_markdown(_poisoned_case(slug))
        body = markdown.split("\n---\n", 1)[1]
        lines = [line for line in body.split("\n") if line.strip()]
        assert [line for line in lines if not (htmlblocks.FOUND.fullmatch(line) or line.startswith("## "))] == []
        assert [line for line in lines if "INJECTED" in line or "xss" in line or "evil" in line] == []
        assert len(blocks) == sum(1 for line in lines if htmlblocks.FOUND.fullmatch(line))


def test_contributor_text_never_starts_a_line():
    for payload in ["a\n\n## b", "#x", "x\r\n# y", "\n- item"]:
        html = str(htmlblocks.text(payload))
        assert "\n" not in html and "\r" not in html and "#" not in html.replace("&#", "")


def test_a_block_with_blank_lines_stays_one_block():
    markdown, blocks = htmlblocks.extract("<p>a\n\n    still a\n\n- still a</p>\n\n## H {#h}\n\n<p>b</p>\n")
    assert blocks == ["<p>a\n\n    still a\n\n- still a</p>", "<p>b</p>"]
    assert markdown == "<!--cb:0-->\n\n## H {#h}\n\n<!--cb:1-->\n"
    assert htmlblocks.restore(markdown, blocks).startswith(blocks[0])
