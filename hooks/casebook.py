"""MkDocs glue for the casebook generator: the only file that knows MkDocs.

- on_config: the catalogue's version (from git) for the footer, as config.extra.casebook.version.
- on_pre_build: validate and render everything in memory. It runs before
  MkDocs empties the output folder, so a broken case file stops the build and
  leaves the previous site untouched.
- on_files: hand the rendered pages and data files to MkDocs as generated files.
- on_page_content: put each page's HTML blocks back (see generator/htmlblocks.py).
- on_post_page / on_post_template: add each page's Content-Security-Policy (not under
  `mkdocs serve`, whose live-reload script is added to every page afterwards).
- on_post_build: build the Pagefind index over the finished HTML.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator import csp, htmlblocks, repository, search_index, site  # noqa: E402
from generator.problems import ValidationFailed  # noqa: E402

_pages: dict[str, tuple[str, list[str]]] = {}
_files: dict[str, str] = {}
_serving = False


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"


def on_config(config):
    config.extra.setdefault("casebook", {})["version"] = repository.version(ROOT)
    return config


def on_pre_build(config) -> None:
    try:
        pages, other = site.build(ROOT, {"site_url": config.site_url, **config.extra.get("casebook", {})})
    except ValidationFailed as failed:
        raise PluginError(str(failed)) from None
    _pages.clear()
    _pages.update(pages)
    _files.clear()
    _files.update(other)


def on_files(files: Files, config) -> Files:
    for path, (markdown, _) in _pages.items():
        files.append(File.generated(config, path, content=markdown))
    for path, content in _files.items():
        files.append(File.generated(config, path, content=content))
    return files


def on_page_content(html: str, page, config, files) -> str:
    generated = _pages.get(page.file.src_uri)
    return htmlblocks.restore(html, generated[1]) if generated else html


def on_post_page(output: str, page, config) -> str:
    return output if _serving else csp.with_csp(output)


def on_post_template(output_content: str, template_name: str, config) -> str:
    return csp.with_csp(output_content) if template_name.endswith(".html") and not _serving else output_content


def on_post_build(config) -> None:
    try:
        search_index.build_index(Path(config.site_dir))
    except search_index.IndexFailed as failed:
        raise PluginError(str(failed)) from None
