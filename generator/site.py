"""The whole generator in one call: validated data in, site files out."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import exports, feeds, history, htmlblocks, parallel, repository, schema
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


@dataclass
class Output:
    """What `build` wrote into its folder: each page's Markdown (with placeholders) and every other file
    under `docs/`, each page's HTML blocks under `blocks/` (see htmlblocks.py); paths as under the docs folder."""

    folder: Path
    pages: frozenset[str]
    files: frozenset[str]

    def source(self, path: str) -> Path:
        return self.folder / "docs" / path

    def blocks(self, path: str) -> list[str]:
        return json.loads((self.folder / "blocks" / f"{path}.json").read_text(encoding="utf-8"))


def build(root: Path, folder: Path, settings: dict | None = None) -> Output:
    """Validate the catalogue, then render every page and data file into `folder`, on every core.

    Raises `ValidationFailed` before writing anything when a data file has a problem. The pages are
    not kept in memory: MkDocs reads them back from the folder.
    """
    catalogue = load_catalogue(root)
    settings = {**repository_settings(root), **(settings or {})}
    histories = history.case_histories(root, "cases", settings["commit_url"])
    for case in catalogue.cases:
        case.history = histories.get(case.file, [])
        case.last_changed = case.history[0]["date"] if case.history else None
    feed_list = feeds.feed_list(catalogue)
    renderer = Renderer(catalogue, settings, feed_list)
    # The catalogue-wide files first: they take longest, and the cores share out the rest as they finish.
    jobs: list[Callable[[], dict[str, str]]] = [
        partial(exports.catalogue_files, catalogue, settings["version"]),
        partial(feeds.files, feed_list, settings.get("site_url")),
        renderer.files,
        partial(schema_files, catalogue),
    ]
    jobs += [partial(_one, path, render) for path, render in renderer.page_jobs().items()]
    jobs += [partial(exports.case_files, case) for case in catalogue.cases]
    written = [path for paths in parallel.map_everywhere(partial(_run, folder), jobs) for path in paths]
    return Output(
        folder,
        pages=frozenset(p for p in written if p.endswith(".md")),
        files=frozenset(p for p in written if not p.endswith(".md")),
    )


def _one(path: str, render: Callable[[], str]) -> dict[str, str]:
    return {path: render()}


def _write(folder: Path, path: str, text: str) -> None:
    """One output file; a page is split into its Markdown and its HTML blocks (written first).

    Nothing is written when the content is unchanged, so a file's modification time says when it last
    changed: `mkdocs serve --dirty` rebuilds exactly the pages whose Markdown file is newer than their
    HTML. A page whose blocks alone changed has its Markdown file written again for that reason."""
    if not path.endswith(".md"):
        _replace(folder / "docs" / path, text.encode())
        return
    markdown, blocks = htmlblocks.extract(text)
    changed = _replace(folder / "blocks" / f"{path}.json", json.dumps(blocks).encode())
    _replace(folder / "docs" / path, markdown.encode(), always=changed)


def _replace(target: Path, data: bytes, always: bool = False) -> bool:
    """Write `data` to `target` unless it already holds exactly that; whether it wrote."""
    if not always and target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True


def _run(folder: Path, job: Callable[[], dict[str, str]]) -> list[str]:
    """Run one job and write what it made; only the paths go back to the calling process."""
    made = job()
    for path, text in made.items():
        _write(folder, path, text)
    return list(made)
