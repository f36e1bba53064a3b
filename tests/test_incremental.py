"""Rebuilding after an edit: the generator rewrites only what changed, `make serve` rebuilds only those
pages (a contributor sees an edit in about a second, whatever the catalogue's size), and the work is
shared over every core without changing a byte of the result."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT, copy_project, module_from_file

from generator import parallel, search_index, site

EDITED = "alzira-model"  # any case; its page, and the pages listing it, change when its name does
LINKING = "kaiser-permanente"  # a case whose page links to the edited one (`related:` in its file)
UNRELATED = "nuka-system-of-care"  # a case whose page does not mention the edited one


def _mtimes(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def _edit(project: Path, slug: str, old: str, new: str) -> None:
    case = project / "cases" / f"{slug}.yaml"
    text = case.read_text(encoding="utf-8")
    assert old in text
    case.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    return copy_project(tmp_path_factory.mktemp("incremental") / "project")


def test_a_rebuild_rewrites_only_what_changed(project, tmp_path):
    out = tmp_path / "out"
    first = site.build(project, out)
    before = _mtimes(out)
    unrelated = (out / "docs" / f"cases/{UNRELATED}.md").read_text(encoding="utf-8")
    assert "Alzira" not in unrelated + (out / "blocks" / f"cases/{UNRELATED}.md.json").read_text(encoding="utf-8")

    again = site.build(project, out)
    assert _mtimes(out) == before, "a rebuild with no edit rewrote files"
    assert again.pages == first.pages and again.files == first.files

    _edit(project, EDITED, "name: The Alzira model", "name: The Alzira model, edited")
    site.build(project, out)
    after = _mtimes(out)
    changed = {path for path in before if after[path] != before[path]}
    assert f"docs/cases/{EDITED}.md" in changed
    assert "docs/cases/index.md" in changed, "the list of cases shows the new name"
    assert f"docs/api/cases/{EDITED}.json" in changed
    assert f"docs/cases/{UNRELATED}.md" not in changed
    assert f"docs/api/cases/{UNRELATED}.json" not in changed
    assert len(changed) < len(before) / 4


def test_a_change_inside_the_page_body_alone_still_marks_the_page_changed(project, tmp_path):
    """The page's Markdown holds only headings and placeholders: a change to a lesson's text changes
    its HTML blocks alone, and the Markdown file must still be written so MkDocs rebuilds the page."""
    out = tmp_path / "out"
    site.build(project, out)
    markdown = out / "docs" / f"cases/{EDITED}.md"
    text, stamp = markdown.read_text(encoding="utf-8"), markdown.stat().st_mtime_ns
    _edit(project, EDITED, "A fee per head that is set too low", "A fee per head, Edited, that is set too low")
    site.build(project, out)
    assert markdown.read_text(encoding="utf-8") == text
    assert markdown.stat().st_mtime_ns > stamp
    assert "Edited" in (out / "blocks" / f"cases/{EDITED}.md.json").read_text(encoding="utf-8")


def _same_outputs(a: site.Output, b: site.Output) -> None:
    assert a.pages == b.pages and a.files == b.files
    for path in a.pages | a.files:
        assert a.source(path).read_bytes() == b.source(path).read_bytes(), path
    for path in a.pages:
        assert a.blocks(path) == b.blocks(path), path


@pytest.mark.parametrize(
    "old, new",
    [
        ("name: The Alzira model", "name: The Alzira model, edited"),  # shown on other pages
        ("A fee per head that is set too low", "A fee per head, Edited, that is set too low"),  # its page only
        ("  - term: financing-and-incentives\n", "  - term: competent-workforce\n"),  # tagging
    ],
    ids=["name", "prose", "tags"],
)
@pytest.mark.parametrize("defer", [False, True], ids=["all-at-once", "many-case-pages-after"])
def test_a_rebuild_that_reuses_the_last_one_makes_exactly_what_a_fresh_build_makes(tmp_path, old, new, defer):
    """Under serve, a build reuses what the last one checked and rendered; after any edit its output must
    equal a fresh build's, byte for byte, while making far fewer pages. Deferred (as serve does), the
    edited case's page is made first and the pages listing many cases when `rest` runs."""
    project = copy_project(tmp_path / "project")
    reuse = site.Reuse()
    served = site.build(project, tmp_path / "served", reuse=reuse, defer=defer)
    assert served.rest is None, "a first build makes everything at once"
    before = _mtimes(tmp_path / "served")
    again = site.build(project, tmp_path / "served", reuse=reuse, defer=defer)
    assert (again.rest() if defer else False) is False, "the rest of a rebuild with no edit changes nothing"
    assert _mtimes(tmp_path / "served") == before, "a rebuild with no edit made something again"
    case = project / "cases" / f"{EDITED}.yaml"
    text = case.read_text(encoding="utf-8")
    assert old in text
    case.write_text(text.replace(old, new, 1), encoding="utf-8")
    served = site.build(project, tmp_path / "served", reuse=reuse, defer=defer)
    first = _mtimes(tmp_path / "served")
    assert first[f"docs/cases/{EDITED}.md"] != before[f"docs/cases/{EDITED}.md"]
    if defer:
        assert first["docs/cases/index.md"] == before["docs/cases/index.md"], "the case list comes second"
        assert served.rest() is True
    _same_outputs(served, site.build(project, tmp_path / "fresh"))
    after = _mtimes(tmp_path / "served")
    assert sum(after.get(path) != before[path] for path in before) < len(before) / 3


def test_deferred_the_edited_case_comes_first_and_the_pages_linking_to_it_with_the_rest(tmp_path):
    """Under serve, the build before MkDocs runs makes the edited case's own page and data files and
    nothing else: the page of a case that links to it shows the new name once `rest` has run."""
    project = copy_project(tmp_path / "project")
    reuse, out = site.Reuse(), tmp_path / "served"
    site.build(project, out, reuse=reuse, defer=True)
    linking = out / "blocks" / f"cases/{LINKING}.md.json"
    assert "The Alzira model" in linking.read_text(encoding="utf-8")
    before = _mtimes(out)
    _edit(project, EDITED, "name: The Alzira model", "name: The Alzira model, edited")
    served = site.build(project, out, reuse=reuse, defer=True)
    first = {path for path, stamp in _mtimes(out).items() if before.get(path) != stamp}
    assert first and all(EDITED in path for path in first), sorted(first)
    assert f"docs/cases/{EDITED}.md" in first and f"docs/api/cases/{EDITED}.json" in first
    assert "The Alzira model, edited" not in linking.read_text(encoding="utf-8")
    assert served.rest() is True
    assert "The Alzira model, edited" in linking.read_text(encoding="utf-8")


def test_an_edit_whose_build_failed_still_comes_first_in_the_next_build(tmp_path, monkeypatch):
    """A build that stops while making the edited case's page must leave the edit to the next build,
    which then makes that page before MkDocs runs, not in the background."""
    project = copy_project(tmp_path / "project")
    reuse, out = site.Reuse(), tmp_path / "served"
    site.build(project, out, reuse=reuse, defer=True)
    _edit(project, EDITED, "name: The Alzira model", "name: The Alzira model, edited")
    with monkeypatch.context() as patched:
        patched.setattr(site.Renderer, "case_page", lambda self, case: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            site.build(project, out, reuse=reuse, defer=True)
    site.build(project, out, reuse=reuse, defer=True)
    assert "The Alzira model, edited" in (out / "blocks" / f"cases/{EDITED}.md.json").read_text(encoding="utf-8")


def test_a_rename_keeps_what_does_not_show_the_name(tmp_path):
    """A new name moves the case in the name order; the ranking of similar cases and the term pages
    that do not list the case must not be made again for that (at 5,000 cases, seconds at each edit)."""
    project = copy_project(tmp_path / "project")
    reuse = site.Reuse()
    site.build(project, tmp_path / "served", reuse=reuse)
    ranking, before = reuse.similar, _mtimes(tmp_path / "served")
    _edit(project, EDITED, "name: The Alzira model", "name: Zzz, the Alzira model renamed")
    site.build(project, tmp_path / "served", reuse=reuse)
    after = _mtimes(tmp_path / "served")
    assert reuse.similar is ranking
    listing = "docs/frameworks/building-blocks/financing-and-incentives.md"
    not_listing = "docs/frameworks/building-blocks/competent-workforce.md"
    assert "Alzira" not in (tmp_path / "served" / "blocks" / f"{not_listing[5:]}.json").read_text(encoding="utf-8")
    assert after[listing] != before[listing] and after[not_listing] == before[not_listing]


def test_work_shared_over_cores_comes_back_in_order():
    assert parallel.map_everywhere(lambda n: n * n, list(range(101))) == [n * n for n in range(101)]
    # uneven costs: the process that draws the slow items takes fewer
    slow = [0.05 if n % 7 == 0 else 0 for n in range(60)]
    assert parallel.map_everywhere(lambda s: time.sleep(s) or os.getpid(), slow).count(os.getpid()) < 60
    # in workers only: the calling process (serve, answering the browser) computes nothing
    pids = [pid for _, pid in parallel.map_everywhere(lambda n: (n, os.getpid()), list(range(30)), here=False)]
    assert os.getpid() not in pids
    assert [n for n, _ in parallel.map_everywhere(lambda n: (n * n, 0), list(range(30)), here=False)] == [
        n * n for n in range(30)
    ]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def _wait_for(check, what: str, seconds: float = 60, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except OSError:
            pass
        time.sleep(0.2)
    said = ""
    if log:  # what serve printed last, without its log of the test's own requests
        lines = log.read_text(encoding="utf-8").splitlines()
        printed = [line for line in lines if '"GET /' not in line and not line.startswith("DEBUG")]
        said = "; what serve printed last:\n" + "\n".join(printed[-60:])
    raise AssertionError(f"{what} within {seconds} s{said}")


def _pages_built(site_dir: Path) -> dict[str, int]:
    """Each built page of the served folder with its modification time (not looking into the search
    bundle, which Pagefind may be rewriting in the background)."""
    pages = [site_dir / "index.html"]
    folders = [top for top in site_dir.iterdir() if top.is_dir() and top.name != "pagefind"]
    pages += [page for folder in folders for page in folder.rglob("index.html")]
    return {str(p.relative_to(site_dir)): p.stat().st_mtime_ns for p in pages}


def _rebuilt(before: dict[str, int], after: dict[str, int]) -> set[str]:
    return {page for page, stamp in after.items() if before.get(page) != stamp}


def test_make_serve_rebuilds_only_the_pages_an_edit_changes(tmp_path):
    """`make serve` runs `mkdocs serve --dirty`: an edited case shows, only the pages that changed are
    built again, a theme change rebuilds every page, and the search index follows in the background."""
    project = copy_project(tmp_path / "project")
    assert "serve --dirty" in (ROOT / "Makefile").read_text(encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/"
    log = tmp_path / "serve.log"
    with log.open("w") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-v", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"},
        )

    def wait(check, what: str, seconds: float = 60) -> None:
        _wait_for(check, what, seconds, log)

    try:
        wait(lambda: "The Alzira model" in _get(url + f"cases/{EDITED}/"), "the first build is served", 120)
        wait(lambda: "pagefind" in _get(url + "pagefind/pagefind.js"), "the search index is built")
        site_dir = Path(re.search(r"Config value 'site_dir' = '([^']+)'", log.read_text(encoding="utf-8")).group(1))
        first = _pages_built(site_dir)

        mark = len(log.read_text(encoding="utf-8"))
        _edit(project, EDITED, "name: The Alzira model", "name: The Alzira model, edited")
        wait(lambda: "The Alzira model, edited" in _get(url + f"cases/{EDITED}/"), "the edit shows")
        # the pages about many cases follow, in a second rebuild
        wait(lambda: "The Alzira model, edited" in _get(url + "cases/"), "the list of cases shows the edit")
        wait(lambda: log.read_text(encoding="utf-8")[mark:].count("Reloading browsers") >= 2, "the rebuilds end")
        after_edit = _pages_built(site_dir)
        rebuilt = _rebuilt(first, after_edit)
        assert f"cases/{EDITED}/index.html" in rebuilt and "cases/index.html" in rebuilt
        assert f"cases/{UNRELATED}/index.html" not in rebuilt
        assert len(rebuilt) < len(first) / 3, sorted(rebuilt)
        assert "Aborted" not in log.read_text(encoding="utf-8"), "a dirty rebuild must not stop in strict mode"

        mark = len(log.read_text(encoding="utf-8"))
        theme = project / "overrides" / "main.html"
        theme.write_text(theme.read_text(encoding="utf-8") + "\n{#- edited -#}\n", encoding="utf-8")
        wait(lambda: "Reloading browsers" in log.read_text(encoding="utf-8")[mark:], "the theme rebuild ends")
        assert _rebuilt(after_edit, _pages_built(site_dir)) == set(first), "a theme change rebuilds every page"
        # the theme change emptied the served folder, search bundle included
        wait(lambda: "pagefind" in _get(url + "pagefind/pagefind.js"), "the search index is rebuilt")
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl+C, as a contributor stops it: serve then cleans up
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
            raise


def test_a_theme_change_under_serve_waits_for_the_search_index_being_written(tmp_path, monkeypatch):
    """Under serve, a theme change empties the served folder while Pagefind may still be writing its bundle
    there (in the background, after the last rebuild). Emptying it then failed, and the rebuild with it;
    now it waits, so nothing of the old site stays."""
    hook = module_from_file(ROOT / "hooks" / "casebook.py")

    def slow_index(site_dir: Path, low_priority: bool = False) -> None:
        time.sleep(0.5)
        (site_dir / search_index.BUNDLE).mkdir(exist_ok=True)
        (site_dir / search_index.BUNDLE / "pagefind.js").write_text("the old site's index")

    monkeypatch.setattr(search_index, "build_index", slow_index)
    (tmp_path / "index.html").write_text("a page built with the old theme")
    search_index.build_index_in_background(tmp_path)
    hook._theme_changed(SimpleNamespace(site_dir=str(tmp_path)), "the new theme")
    search_index.wait()
    assert sorted(entry.name for entry in tmp_path.iterdir()) == [".casebook-theme"]
