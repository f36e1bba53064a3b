"""The whole generator in one call: validated data in, site files out."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import exports, feeds, history, htmlblocks, parallel, repository, schema
from .model import Catalogue
from .render import TEMPLATES, Renderer
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


@dataclass
class Reuse:
    """What one build leaves for the next in the same process (`mkdocs serve`), so an edit costs what it
    changes: each case file's check result (validate.check_cases), the history of the commit, and each
    output job's inputs fingerprint with the files it wrote. Writing into the same folder, the next
    build runs only jobs whose fingerprint changed, and the pages that list every case."""

    checked: dict = field(default_factory=dict)
    history: tuple[str | None, dict] | None = None
    jobs: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


@dataclass
class Job:
    id: str
    run: Callable[[], dict[str, str]]
    #: a fingerprint of everything the job's output depends on; None: it depends on the whole catalogue
    key: str | None = None


def _fingerprint(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def build(root: Path, folder: Path, settings: dict | None = None, reuse: Reuse | None = None) -> Output:
    """Validate the catalogue, then render every page and data file into `folder`, on every core.

    Raises `ValidationFailed` before writing anything when a data file has a problem. The pages are
    not kept in memory: MkDocs reads them back from the folder. With `reuse` (the same object and
    folder as the previous build), only what the changes touch is checked and rendered again.
    """
    keyed, reuse = reuse is not None, reuse or Reuse()
    catalogue = load_catalogue(root, reuse.checked)
    settings = {**repository_settings(root), **(settings or {})}
    if reuse.history is None or reuse.history[0] != settings["commit"]:
        reuse.history = (settings["commit"], history.case_histories(root, "cases", settings["commit_url"]))
    for case in catalogue.cases:
        case.history = reuse.history[1].get(case.file, [])
        case.last_changed = case.history[0]["date"] if case.history else None
    feed_list = feeds.feed_list(catalogue)
    renderer = Renderer(catalogue, settings, feed_list)
    jobs = _jobs(root, catalogue, renderer, feed_list, settings, reuse.checked if keyed else None)
    due = [job for job in jobs if job.key is None or reuse.jobs.get(job.id, ("",))[0] != job.key]
    for job, paths in zip(due, parallel.map_everywhere(partial(_run, folder), [j.run for j in due]), strict=True):
        reuse.jobs[job.id] = (job.key, paths)
    current = {job.id for job in jobs}
    reuse.jobs = {id_: done for id_, done in reuse.jobs.items() if id_ in current}
    written = [path for _, paths in reuse.jobs.values() for path in paths]
    return Output(
        folder,
        pages=frozenset(p for p in written if p.endswith(".md")),
        files=frozenset(p for p in written if not p.endswith(".md")),
    )


def _jobs(
    root: Path, catalogue: Catalogue, renderer: Renderer, feed_list: list, settings: dict, checked: dict | None
) -> list[Job]:
    """Every output as a job; given what validation `checked`, each with its fingerprint (see `_Keys`).
    The catalogue-wide files come first: they take longest, and the cores share out the rest as they finish."""
    keys = _Keys(root, catalogue, feed_list, settings, checked) if checked is not None else None
    jobs = [
        Job(f"data:catalogue:{i}", run) for i, run in enumerate(exports.catalogue_jobs(catalogue, settings["version"]))
    ]
    jobs += [
        Job("data:feeds", partial(feeds.files, feed_list, settings.get("site_url"))),
        Job("data:charts", renderer.files),
        Job("data:schema", partial(schema_files, catalogue)),
    ]
    for path, render in renderer.page_jobs().items():
        jobs.append(Job(path, partial(_one, path, render), keys.page(path) if keys else None))
    jobs += [
        Job(f"data:{case.slug}", partial(exports.case_files, case), keys.case_data(case) if keys else None)
        for case in catalogue.cases
    ]
    return jobs


class _Keys:
    """What each output depends on, as a fingerprint. Everything depends on the settings, frameworks,
    glossary, feeds and templates. A case page also depends on its own file and on the names of the cases
    it links to (related and similar, ranked afresh each time); a term page on the files of the cases it
    lists and on how every case is tagged (it shows the other terms' counts); a case's data files on its
    own file. Pages and files about the whole catalogue have no fingerprint: they are made every time."""

    def __init__(self, root: Path, catalogue: Catalogue, feed_list: list, settings: dict, checked: dict):
        self.catalogue = catalogue
        # each case file as validation saw it (its stamp), not as it may be by now
        self.stamps = {case.slug: checked[root / case.file][0] for case in catalogue.cases}
        self.common = _fingerprint(
            settings,
            [fw.data for fw in catalogue.frameworks],
            catalogue.glossary,
            [(feed.path, feed.title) for feed in feed_list],
            {p.name: p.read_text(encoding="utf-8") for p in sorted(TEMPLATES.glob("*"))},
        )
        self.tagging = _fingerprint(
            [(c.slug, sorted((fw, t.term.id) for fw, ts in c.tags.items() for t in ts)) for c in catalogue.cases]
        )
        self.cases = {f"cases/{case.slug}.md": case for case in catalogue.cases}
        ranked = parallel.map_everywhere(lambda case: [o.slug for o, _ in catalogue.similar(case)], catalogue.cases)
        self.similar = dict(zip((case.slug for case in catalogue.cases), ranked, strict=True))
        self.terms = {f"frameworks/{fw.id}/{term.id}.md": term for fw in catalogue.frameworks for term in fw.terms}

    def page(self, path: str) -> str | None:
        if path in self.cases:
            case = self.cases[path]
            linked = [rel.case for rel in case.related] + [
                self.catalogue.case_by_slug[s] for s in self.similar[case.slug]
            ]
            return _fingerprint(
                self.common, self.stamps[case.slug], [(o.slug, o.name, o.country_names) for o in linked]
            )
        if path in self.terms:
            return _fingerprint(
                self.common, self.tagging, [(c.slug, self.stamps[c.slug]) for c in self.terms[path].cases]
            )
        return None

    def case_data(self, case) -> str:
        return _fingerprint(self.common, self.stamps[case.slug])


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
