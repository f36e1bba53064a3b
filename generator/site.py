"""The whole generator in one call: validated data in, site files out."""

from __future__ import annotations

import json
from pathlib import Path

from . import exports, feeds, history, htmlblocks, repository, schema
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


def repository_settings(root: Path) -> dict:
    """What the site says about its repository: version, edit links, commit and permanent file links
    (the last three only when `origin` is on a host whose addresses are known)."""
    host = repository.github_repository(root)
    commit = repository.head_commit(root)
    return {
        "version": repository.version(root),
        "commit": commit,
        "edit_url": repository.edit_url(root),
        "commit_url": f"{host}/commit/" if host else None,
        "blob_url": f"{host}/blob/{commit}/" if host and commit else None,
    }


def build(root: Path, settings: dict | None = None) -> tuple[dict[str, tuple[str, list[str]]], dict[str, str]]:
    """The generated site: pages (Markdown with placeholders, and their HTML blocks) and other files,
    each by its path under the docs folder.

    Raises `ValidationFailed` before producing anything when a data file has a problem.
    """
    catalogue = load_catalogue(root)
    settings = {**repository_settings(root), **(settings or {})}
    histories = history.case_histories(root, "cases", settings["commit_url"])
    for case in catalogue.cases:
        case.history = histories.get(case.file, [])
        case.last_changed = case.history[0]["date"] if case.history else None
    feed_list = feeds.feed_list(catalogue)
    renderer = Renderer(catalogue, settings, feed_list)
    pages = {path: htmlblocks.extract(text) for path, text in renderer.pages().items()}
    return pages, {
        **schema_files(catalogue),
        **exports.files(catalogue, settings["version"]),
        **renderer.files(),
        **feeds.files(feed_list, settings.get("site_url")),
    }
