"""The whole generator in one call: validated data in, site files out."""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
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

    Raises `ValidationFailed` before writing anything when a data file has a problem. Nothing is
    held in memory beyond one page at a time: MkDocs reads the pages back from the folder.
    """
    catalogue = load_catalogue(root)
    settings = {**repository_settings(root), **(settings or {})}
    histories = history.case_histories(root, "cases", settings["commit_url"])
    for case in catalogue.cases:
        case.history = histories.get(case.file, [])
        case.last_changed = case.history[0]["date"] if case.history else None
    feed_list = feeds.feed_list(catalogue)
    renderer = Renderer(catalogue, settings, feed_list)
    jobs: list[Callable[[], dict[str, str]]] = [
        partial(_one, path, render) for path, render in renderer.page_jobs().items()
    ]
    jobs += [partial(exports.case_files, case) for case in catalogue.cases]
    jobs += [
        partial(schema_files, catalogue),
        partial(exports.catalogue_files, catalogue, settings["version"]),
        renderer.files,
        partial(feeds.files, feed_list, settings.get("site_url")),
    ]
    written = _run_everywhere(jobs, folder)
    return Output(
        folder,
        pages=frozenset(p for p in written if p.endswith(".md")),
        files=frozenset(p for p in written if not p.endswith(".md")),
    )


def _one(path: str, render: Callable[[], str]) -> dict[str, str]:
    return {path: render()}


def _write(folder: Path, path: str, text: str) -> None:
    """One output file; a page is split into its Markdown and its HTML blocks. A file whose content
    is unchanged is left alone, so its modification time says when it last changed."""
    outputs = {folder / "docs" / path: text}
    if path.endswith(".md"):
        markdown, blocks = htmlblocks.extract(text)
        outputs = {folder / "docs" / path: markdown, folder / "blocks" / f"{path}.json": json.dumps(blocks)}
    for target, content in outputs.items():
        data = content.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)


_JOBS: list[Callable[[], dict[str, str]]] = []  # set while `_run_everywhere` runs; forked workers inherit it


def _run_share(share: int, shares: int, folder: Path) -> list[str]:
    written = []
    for job in _JOBS[share::shares]:
        for path, text in job().items():
            _write(folder, path, text)
            written.append(path)
    return written


def _run_everywhere(jobs: list[Callable[[], dict[str, str]]], folder: Path) -> list[str]:
    """Run the jobs on every usable core: this process takes every n-th job, forked copies of it the
    others. Forking shares the catalogue without copying or pickling it; only paths come back."""
    global _JOBS
    shares = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1
    _JOBS = jobs
    try:
        if shares == 1:
            return _run_share(0, 1, folder)
        with ProcessPoolExecutor(shares - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            others = [pool.submit(_run_share, share, shares, folder) for share in range(1, shares)]
            written = _run_share(0, shares, folder)
            for other in others:
                written += other.result()
        return written
    finally:
        _JOBS = []
