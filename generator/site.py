"""The whole generator in one call: validated data in, site files out."""

from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from contextlib import contextmanager
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
    #: with `build(..., defer=True)`: the work left to do (all but the edited cases' own pages and data
    #: files: the pages that link to them, the pages and files about many cases); whether it changed a file
    rest: Callable[[], bool] | None = None

    def source(self, path: str) -> Path:
        return self.folder / "docs" / path

    def blocks(self, path: str) -> list[str]:
        return json.loads((self.folder / "blocks" / f"{path}.json").read_text(encoding="utf-8"))

    def publish_files(self, site_dir: Path) -> None:
        """Put every data file into the built site as it is, without MkDocs: at 5,000 cases there are
        25,000 of them, and MkDocs' file list and copying cost seconds on every build, while no page
        links to them in a way MkDocs checks (generated pages reach it as opaque HTML blocks).

        Each file is a hard link where the file system allows (instant; under `serve`, a later rewrite
        of the file in place shows in the site at once), else a copy, made again when the file is newer.
        Plain strings, not Path objects: this runs over every file at every build."""
        docs, site = os.path.join(self.folder, "docs"), os.fspath(site_dir)
        made: set[str] = set()
        for path in self.files:
            source, target = os.path.join(docs, path), os.path.join(site, path)
            have = os.stat(source)
            try:
                old = os.lstat(target)
            except FileNotFoundError:
                old = None
            if old and (
                (old.st_ino, old.st_dev) == (have.st_ino, have.st_dev)
                or (old.st_mtime_ns >= have.st_mtime_ns and old.st_size == have.st_size)
            ):
                continue
            parent = os.path.dirname(target)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            if old:
                os.unlink(target)
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)


@dataclass
class Reuse:
    """What one build leaves for the next in the same process (`mkdocs serve`), so an edit costs what it
    changes: each case file's check result (validate.check_cases), the history of the commit, the
    ranking of similar cases, each case file's stamp (to tell which cases were edited since), and each
    output job's inputs fingerprint with the files it wrote. Writing into the same folder, the next
    build runs only jobs whose fingerprint changed."""

    checked: dict = field(default_factory=dict)
    stamps: dict[str, object] = field(default_factory=dict)  # case slug: its file's stamp at the last build
    history: tuple[str | None, dict] | None = None
    similar: tuple[str, dict[str, list[str]]] | None = None  # the similar-case ranking, with its inputs' fingerprint
    jobs: dict[str, tuple[str, list[str]]] = field(default_factory=dict)


@dataclass
class Job:
    id: str
    run: Callable[[], dict[str, str]]
    #: computes a fingerprint of everything the job's output depends on (None: not fingerprinted, a fresh build)
    fingerprint: Callable[[], str] | None = None
    #: the slug of the case its output is about (its page or its data files); None: about many cases
    case: str | None = None


def _fingerprint(*parts) -> str:
    """A digest of `parts`. Fingerprints are compared only within one process (serve's `Reuse`), so
    `repr` serves as the encoding: several times faster than JSON over 10,000 outputs at every edit, and
    a dict built in another order at worst makes an output again that did not need it."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def build(
    root: Path, folder: Path, settings: dict | None = None, reuse: Reuse | None = None, defer: bool = False
) -> Output:
    """Validate the catalogue, then render every page and data file into `folder`, on every core.

    Raises `ValidationFailed` before writing anything when a data file has a problem. The pages are
    not kept in memory: MkDocs reads them back from the folder. With `reuse` (the same object and
    folder as the previous build), only what the changes touch is checked and rendered again. With
    `defer` too, once a previous build's output is in the folder, only the edited cases' own pages and
    data files are made before returning; everything else an edit touches (the pages of cases that link
    to an edited one; the pages and files about many cases, the slow part at thousands of cases) is left
    in `Output.rest`, for the caller to run when the edited page is out (in worker processes only: the
    caller's process stays free to answer meanwhile).
    """
    keyed, reuse = reuse is not None, reuse or Reuse()
    with _no_collector():
        catalogue = load_catalogue(root, reuse.checked)
    settings = {**repository_settings(root), **(settings or {})}
    if reuse.history is None or reuse.history[0] != settings["commit"]:
        reuse.history = (settings["commit"], history.case_histories(root, "cases", settings["commit_url"]))
    stamps = {case.slug: reuse.checked[root / case.file][0] for case in catalogue.cases}
    edited = {slug for slug, stamp in stamps.items() if reuse.stamps.get(slug) != stamp}
    for case in catalogue.cases:
        case.history = reuse.history[1].get(case.file, [])
        case.last_changed = case.history[0]["date"] if case.history else None
    feed_list = feeds.feed_list(catalogue)
    renderer = Renderer(catalogue, settings, feed_list)
    jobs = _jobs(catalogue, renderer, feed_list, settings, stamps, reuse if keyed else None)
    deferring = defer and bool(reuse.jobs)
    current = {job.id for job in jobs}
    reuse.jobs = {id_: done for id_, done in reuse.jobs.items() if id_ in current}
    _run_due(folder, [job for job in jobs if not deferring or job.case in edited], reuse)
    reuse.stamps = stamps  # only now: a build that fails before this leaves its edits to the next one
    written = [path for _, paths in reuse.jobs.values() for path in paths]
    rest = [job for job in jobs if deferring and job.case not in edited]
    return Output(
        folder,
        pages=frozenset(p for p in written if p.endswith(".md")),
        files=frozenset(p for p in written if not p.endswith(".md")),
        rest=partial(_run_due, folder, rest, reuse, here=False) if rest else None,
    )


@contextmanager
def _no_collector():
    """Python's cycle collector paused while the catalogue is built: every object made then lives on,
    yet each full collection walks all of them (and, under serve, the last build's too). At 5,000 cases
    that was half the time of reading the catalogue again after an edit (0.8 s of 1.1 s)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _run_due(folder: Path, jobs: list[Job], reuse: Reuse, here: bool = True) -> bool:
    """Run, on every core, those of `jobs` whose fingerprint differs from the one they last ran with
    (all of them in a fresh build), noting in `reuse` what each wrote; whether any file changed.
    `here=False`: in worker processes only (see parallel.map_everywhere)."""
    due = []
    for job in jobs:
        key = job.fingerprint() if job.fingerprint else None
        if key is None or reuse.jobs.get(job.id, ("",))[0] != key:
            due.append((job, key))
    done = parallel.map_everywhere(partial(_run, folder), [job.run for job, _ in due], here)
    for (job, key), (paths, _) in zip(due, done, strict=True):
        reuse.jobs[job.id] = (key, paths)
    return any(wrote for _, wrote in done)


def _jobs(
    catalogue: Catalogue,
    renderer: Renderer,
    feed_list: list,
    settings: dict,
    stamps: dict[str, object],
    reuse: Reuse | None,
) -> list[Job]:
    """Every output as a job; given what the last build left (`reuse`), each with its fingerprint (see `_Keys`).
    The catalogue-wide files come first: they take longest, and the cores share out the rest as they finish."""
    keys = _Keys(catalogue, feed_list, settings, stamps, reuse) if reuse is not None else None
    whole = keys.catalogue_wide if keys else None
    jobs = [
        Job(f"data:catalogue:{i}", run, whole)
        for i, run in enumerate(exports.catalogue_jobs(catalogue, settings["version"]))
    ]
    jobs += [
        Job("data:feeds", partial(feeds.files, feed_list, settings.get("site_url")), whole),
        Job("data:charts", renderer.files, whole),
        Job("data:schema", partial(schema_files, catalogue), whole),
    ]
    case_pages = {f"cases/{case.slug}.md": case.slug for case in catalogue.cases}
    for path, render in renderer.page_jobs().items():
        key = partial(keys.page, path) if keys else None
        jobs.append(Job(path, partial(_one, path, render), key, case_pages.get(path)))
    for case in catalogue.cases:
        key = partial(keys.case_data, case) if keys else None
        jobs.append(Job(f"data:{case.slug}", partial(exports.case_files, case), key, case.slug))
    return jobs


class _Keys:
    """What each output depends on, as a fingerprint. Everything depends on the settings, frameworks,
    glossary, feeds and templates. A case page also depends on its own file and on the names of the cases
    it links to (related and similar, ranked afresh each time); a term page on the files of the cases it
    lists and on how every case is tagged (it shows the other terms' counts); a case's data files on its
    own file; the pages and files about the whole catalogue on every case file (`everything`)."""

    def __init__(self, catalogue: Catalogue, feed_list: list, settings: dict, stamps: dict, reuse: Reuse):
        self.stamps = stamps  # each case file as validation saw it, not as it may be by now
        self.common = _fingerprint(
            settings,
            [fw.data for fw in catalogue.frameworks],
            catalogue.glossary,
            [(feed.path, feed.title) for feed in feed_list],
            {p.name: p.read_text(encoding="utf-8") for p in sorted(TEMPLATES.glob("*"))},
        )
        by_slug = sorted(catalogue.cases, key=lambda c: c.slug)  # a renamed case moves in the name order
        self.tagging = _fingerprint(
            [(c.slug, sorted((fw, t.term.id) for fw, ts in c.tags.items() for t in ts)) for c in by_slug]
        )
        self.everything = _fingerprint(self.common, sorted(self.stamps.items()))
        self.shown = {c.slug: (c.name, c.country_names) for c in catalogue.cases}  # what a link to a case shows
        self.cases = {f"cases/{case.slug}.md": case for case in catalogue.cases}
        similarity = _fingerprint(
            self.tagging,
            [(c.slug, sorted(c.target_groups or ()), (c.health_system or {}).get("type")) for c in by_slug],
        )
        if reuse.similar is None or reuse.similar[0] != similarity:
            ranked = parallel.map_everywhere(lambda case: [o.slug for o, _ in catalogue.similar(case)], catalogue.cases)
            reuse.similar = (similarity, dict(zip((case.slug for case in catalogue.cases), ranked, strict=True)))
        self.similar = reuse.similar[1]
        self.terms = {f"frameworks/{fw.id}/{term.id}.md": term for fw in catalogue.frameworks for term in fw.terms}

    def page(self, path: str) -> str:
        if path in self.cases:
            case = self.cases[path]
            linked = [rel.case.slug for rel in case.related] + self.similar[case.slug]
            return _fingerprint(self.common, self.stamps[case.slug], [(s, self.shown[s]) for s in linked])
        if path in self.terms:
            return _fingerprint(
                self.common, self.tagging, [(c.slug, self.stamps[c.slug]) for c in self.terms[path].cases]
            )
        return self.everything

    def catalogue_wide(self) -> str:
        return self.everything

    def case_data(self, case) -> str:
        return _fingerprint(self.common, self.stamps[case.slug])


def _one(path: str, render: Callable[[], str]) -> dict[str, str]:
    return {path: render()}


def _write(folder: Path, path: str, text: str) -> bool:
    """One output file, and whether it changed; a page is split into its Markdown and its HTML blocks
    (written first).

    Nothing is written when the content is unchanged, so a file's modification time says when it last
    changed: `mkdocs serve --dirty` rebuilds exactly the pages whose Markdown file is newer than their
    HTML. A page whose blocks alone changed has its Markdown file written again for that reason."""
    if not path.endswith(".md"):
        return _replace(folder / "docs" / path, text.encode())
    markdown, blocks = htmlblocks.extract(text)
    changed = _replace(folder / "blocks" / f"{path}.json", json.dumps(blocks).encode())
    return _replace(folder / "docs" / path, markdown.encode(), always=changed)


def _replace(target: Path, data: bytes, always: bool = False) -> bool:
    """Write `data` to `target` unless it already holds exactly that; whether it wrote."""
    if not always and target.is_file() and target.read_bytes() == data:
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return True


def _run(folder: Path, job: Callable[[], dict[str, str]]) -> tuple[list[str], bool]:
    """Run one job and write what it made; only the paths, and whether any file changed, go back to
    the calling process."""
    made = job()
    wrote = [_write(folder, path, text) for path, text in made.items()]
    return list(made), any(wrote)
