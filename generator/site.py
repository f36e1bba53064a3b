"""The whole generator in one call: validated data in, site files out."""

from __future__ import annotations

import json
from pathlib import Path

from . import exports, htmlblocks, repository, schema
from .model import Catalogue
from .render import Renderer
from .validate import load_catalogue


def schema_files(catalogue: Catalogue) -> dict[str, str]:
    """The JSON Schemas, as published with the site and committed under schema/."""
    frameworks = [fw.data for fw in catalogue.frameworks]
    return {
        "schema/case.schema.json": json.dumps(schema.case_schema(frameworks), indent=2, ensure_ascii=False) + "\n",
        "schema/framework.schema.json": json.dumps(schema.framework_schema(), indent=2, ensure_ascii=False) + "\n",
    }


def build(root: Path, settings: dict | None = None) -> tuple[dict[str, tuple[str, list[str]]], dict[str, str]]:
    """The generated site: pages (Markdown with placeholders, and their HTML blocks) and other files,
    each by its path under the docs folder.

    Raises `ValidationFailed` before producing anything when a data file has a problem.
    """
    catalogue = load_catalogue(root)
    dates = repository.last_changed(root, "cases")
    for case in catalogue.cases:
        case.last_changed = dates.get(case.file)
    settings = {"edit_url": repository.edit_url(root), **(settings or {})}
    renderer = Renderer(catalogue, settings)
    pages = {path: htmlblocks.extract(text) for path, text in renderer.pages().items()}
    return pages, {**schema_files(catalogue), **exports.files(catalogue), **renderer.files()}
