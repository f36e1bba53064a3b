"""Shared fixtures: the project root, a built site, a local web server and a real browser.

Each kind of build is made once per run and shared (a test run should stay under four minutes):
- `built` / `site`: the real catalogue, as a contributor builds it;
- `scratch`: the real catalogue plus the probe cases of tests/probes.py, built with a public
  address, for every test that needs a changed catalogue or a deploy-style build.
A test that must change the project copies `scratch.project` (cheap) and builds that copy.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from importlib.util import module_from_spec, spec_from_file_location
from pathlib import Path
from types import SimpleNamespace

import probes
import pytest

from generator import localserver

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM, CHROMIUM_FLAGS = localserver.CHROMIUM, localserver.CHROMIUM_FLAGS


PUBLIC_URL = "https://casebook.example.org/"


def mkdocs_build(site_dir: Path, project: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of `project` into `site_dir`, as a contributor runs it."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site_dir)],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )


def copy_project(target: Path, source_root: Path = ROOT) -> Path:
    """A scratch copy of a project (data, generator, theme), for tests that change files."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "cases", "frameworks", "generator", "hooks", "overrides", "docs", "schema"):
        source = source_root / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="session")
def built(tmp_path_factory) -> subprocess.CompletedProcess:
    """The real catalogue, built once for the whole test session (its log is on stderr)."""
    out = tmp_path_factory.mktemp("site") / "site"
    result = mkdocs_build(out)
    assert result.returncode == 0, result.stderr
    result.site = out
    return result


@pytest.fixture(scope="session")
def site(built) -> Path:
    return built.site


@pytest.fixture(scope="session")
def server(site):
    """The built site on a local port, as any static host would serve it."""
    with localserver.serve(site) as url:
        yield url


@pytest.fixture(scope="session")
def scratch(tmp_path_factory) -> SimpleNamespace:
    """The real catalogue plus tests/probes.py's cases, built once with the public address the deploy
    workflow sets (CASEBOOK_SITE_URL). Fields: project, site, url (the site served locally), result."""
    project = copy_project(tmp_path_factory.mktemp("scratch") / "project")
    for name, text in probes.scratch_cases().items():
        (project / "cases" / name).write_text(text, encoding="utf-8")
    out = project.parent / "site"
    result = mkdocs_build(out, project, env={"CASEBOOK_SITE_URL": PUBLIC_URL})
    assert result.returncode == 0, result.stderr
    with localserver.serve(out) as url:
        yield SimpleNamespace(project=project, site=out, url=url, result=result)


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright. Missing Chromium fails loudly: `make test` installs it."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run the tests with `make test`, which installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def module_from_file(path: Path):
    """A project file outside any package (the MkDocs hook, the benchmark script) loaded as a module, with its
    folder on the import path while it loads, as when it runs."""
    sys.path.insert(0, str(path.parent))
    try:
        spec = spec_from_file_location(f"{path.parent.name}_{path.stem}", path)
        module = module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(path.parent))
    return module


def settle(page) -> None:
    """Wait until a page is ready to be judged: loaded, its own scripts done (no "Loading…" or "Searching…"
    left), and no new resource for 100 ms. (Playwright's "networkidle" waits for 500 ms without a request
    after every page load: over the suite's hundred-odd loads, nearly a minute.)"""
    page.wait_for_load_state("load")
    page.wait_for_function("() => !/Loading|Searching/.test(document.body.innerText)")
    page.evaluate("""() => new Promise((done) => {
        let seen = -1;
        const look = () => {
            const now = performance.getEntriesByType("resource").length;
            if (now === seen) done();
            else { seen = now; setTimeout(look, 100); }
        };
        look();
    })""")


def pytest_sessionfinish(session, exitstatus):
    """`make test` installs every tool the tests need, so a skipped test means one is missing: fail the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped and exitstatus == pytest.ExitCode.OK:
        reporter.write("\n")
        reporter.write_sep("=", f"{len(skipped)} skipped: the run fails, as no test may be skipped", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def page(browser, server):
    """A fresh browser context that records every request, including those of Pagefind's Web Worker."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    tab = context.new_page()
    tab.requests = requests
    yield tab
    outside = [url for url in requests if not url.startswith(server) and not url.startswith(("data:", "blob:"))]
    context.close()
    assert outside == [], f"requests left the site's host: {outside}"
