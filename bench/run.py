"""Benchmark: build time, memory, size and search cost of the casebook at N = 50, 500, 1,000 and 5,000 cases.

    make bench                      # all sizes, writes BENCHMARKS.md and the README's headline
    python bench/run.py --sizes 500 # a quick run (does not write BENCHMARKS.md unless --write)

The method is METHOD below; it is written into BENCHMARKS.md with the numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import pstats
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import synthetic  # bench/synthetic.py, from the script's folder; it puts this checkout's generator first
import yaml

from generator import htmlblocks, localserver
from generator import site as site_module

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
README_HEADLINE = re.compile(r"(<!-- bench:headline -->\n).*?(<!-- /bench:headline -->)", re.S)

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
QUERY = "shared savings"

#: What runs after `python -m mkdocs` for the edit measurement; {port} is a free local port.
SERVE_COMMAND = ["serve", "--dirty", "--dev-addr", "127.0.0.1:{port}"]  # as `make serve` runs it

#: Every build, Pagefind run and profile is stopped (and the benchmark stops) after this long.
SUBPROCESS_TIMEOUT_S = 40 * 60
#: Each browser measurement runs in a newly launched Chromium, which is killed when the whole
#: measurement outlives its deadline; each Playwright step has its own, shorter timeout.
LAUNCH_TIMEOUT_MS = 60_000
STEP_TIMEOUT_MS = 120_000
SEARCH_DEADLINE_S = 6 * 60
THEME_SEARCH_DEADLINE_S = 12 * 60
#: Under serve: the first page load waits for the initial build (minutes at 5,000 cases); the edit then has 60 s.
SERVE_FIRST_LOAD_S = 15 * 60
SERVE_EDIT_TIMEOUT_S = 60
#: Edits measured one after another in one serve session: the result is their median, and each is shown.
SERVE_EDITS = 3
#: After each edit, the list of cases (made in the background) must show the new name within this long.
SERVE_LISTS_TIMEOUT_S = 3 * 60
SERVE_DEADLINE_S = SERVE_FIRST_LOAD_S + SERVE_EDITS * (SERVE_EDIT_TIMEOUT_S + SERVE_LISTS_TIMEOUT_S) + 3 * 60
#: Memory of a timed command's process tree is sampled this often.
MEMORY_SAMPLE_S = 0.1

TARGETS = {
    "full_build_s": 60,
    "full_over_baseline": 0.86,
    "growth_5000_over_500": 11,
    "peak_memory_mib": 1024,
    "text_search_kb": 300,
    "text_search_ms": 300,
    "filter_browse_kb": 1024,
    "page_growth": 1.1,
    "serve_edit_s": 3,
}

METHOD = """
- Synthetic catalogues come from bench/synthetic.py (seeded; field sizes, tags, results
  and sources drawn from the real cases), each in a scratch folder under bench/out/,
  committed to a git repository of its own (one commit) so the build's history pass runs
  as in the real project.
- Every timing is wall-clock time of a fresh process, taken once per size in one run,
  so ratios compare numbers measured side by side on the same machine. The load average
  (1 minute) at the start and end of each size is in the build table: other work on the
  machine slows every number down.
- "Generator" is validate + model + render in one process (`site.build`).
- "Full build" is `mkdocs build --strict` with the hook: generator + MkDocs + Pagefind.
- "Pagefind" is a separate run of Pagefind over the finished site; MkDocs time is
  full build - generator - Pagefind.
- "Peak memory" is the largest sum of the resident memory (RSS) of the full build's
  process and all its descendants (Pagefind, started beside MkDocs, included), read from
  /proc every {sample} s; memory shared between processes counts once per process.
- "Baseline" is the same pages written as plain Markdown files (no hook, no generator),
  built by MkDocs and indexed by Pagefind: the cost of the pages themselves.
- Search is measured in headless Chromium against a local static server: bytes are the
  response body sizes of every request in the browser context (the Web Worker's
  included), from typing the query or opening the filtered address to the results.
- The theme's own search is measured on the same pages built with Material's search
  plugin instead of Pagefind.
- Editing under `serve`: `mkdocs {serve}` runs on a copy of the real catalogue
  and on the 5,000-case synthetic project itself; once the first case's page is open (the
  first load waits for the initial build, up to {first_load} minutes), the `name:` in that
  case's file is changed {edits} times, one after another in the same session. Each time,
  two seconds after the last change's lists showed it, the clock runs until the open page's
  heading shows the new name (at most {edit} s), and on until the list of cases, made in the
  background, shows it too. The result is the median of the {edits} edits; each is shown.
  The first edit comes while the initial build's search index is still being made in the
  background, as when a contributor edits right after starting serve. The file is restored
  afterwards.
- Each browser measurement launches its own Chromium and closes it after; it is bounded
  in time and tried a second time after any failure. A measurement that fails twice is
  reported as "failed (reason)" and its targets as "not measured".
"""

NOTES = """
See the section "What stands in the way" below the tables when a target is missed; it is
kept up to date by hand after each run, from the profile above.
"""


# --- Timed commands and the memory of their process trees


def process_table() -> dict[int, tuple[int, int, str]]:
    """Every visible process: pid -> (parent pid, resident bytes, command name), from /proc/<pid>/stat."""
    page = os.sysconf("SC_PAGE_SIZE")
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_bytes()
        except OSError:  # ended meanwhile
            continue
        name = stat[stat.index(b"(") + 1 : stat.rindex(b")")].decode(errors="replace")
        fields = stat[stat.rindex(b")") + 2 :].split()  # fields 3.. of proc(5): state, ppid, ..., rss (24th)
        table[int(entry.name)] = (int(fields[1]), int(fields[21]) * page, name)
    return table


def process_tree(root: int, table: dict[int, tuple[int, int, str]]) -> list[int]:
    """`root` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, (parent, _, _) in table.items():
        children.setdefault(parent, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, []))
    return [pid for pid in tree if pid in table]


class PeakMemory(threading.Thread):
    """The largest resident memory of a process tree, sampled until stopped.

    A process's own peak (`ru_maxrss`) leaves out its children, and the children's figure is the
    largest single one: neither sees MkDocs and Pagefind together."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_bytes = 0
        self._done = threading.Event()

    def run(self) -> None:
        while True:
            table = process_table()
            self.peak_bytes = max(self.peak_bytes, sum(table[p][1] for p in process_tree(self.pid, table)))
            if self._done.wait(MEMORY_SAMPLE_S):
                return

    def stop(self) -> float:
        """Stops sampling; the peak in MiB."""
        self._done.set()
        self.join()
        return self.peak_bytes / 2**20


def timed(command: list[str], cwd: Path, label: str) -> tuple[float, float]:
    """Wall time (s) and peak memory of the process tree (MiB) of a command, in a fresh process.

    Raises RuntimeError naming the command when it fails or runs longer than SUBPROCESS_TIMEOUT_S."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    memory = PeakMemory(process.pid)
    memory.start()
    try:
        _, err = process.communicate(timeout=SUBPROCESS_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise RuntimeError(
            f"{label} ran longer than {SUBPROCESS_TIMEOUT_S / 60:g} min and was stopped: {' '.join(command)} (in {cwd})"
        ) from None
    finally:
        peak_mib = memory.stop()
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise RuntimeError(f"{label} failed (exit {process.returncode}): {' '.join(command)} (in {cwd})\n{err[-3000:]}")
    return seconds, peak_mib


def pagefind_command(site: Path) -> list[str]:
    return [
        *(sys.executable, "-m", "pagefind", "--site", str(site), "--output-subdir", "pagefind"),
        *("--force-language", "en", "--quiet"),
    ]


def du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build_sizes(n: int, seed: int) -> dict:
    project = synthetic.write_project(n, OUT / f"n{n}", seed)
    site = project / "site"
    rendered = OUT / f"n{n}-generator"  # where the generator alone writes; removed after the timing
    shutil.rmtree(rendered, ignore_errors=True)
    gen_s, _ = timed(
        [
            sys.executable,
            "-c",
            f"from pathlib import Path; from generator import site; site.build(Path('.'), Path({str(rendered)!r}))",
        ],
        project,
        f"generator at {n}",
    )
    shutil.rmtree(rendered)
    mkdocs = [sys.executable, "-m", "mkdocs", "build"]
    full_s, full_mib = timed([*mkdocs, "--strict", "-q", "-d", str(site)], project, f"full build at {n}")
    shutil.rmtree(site / "pagefind")
    pf_s, _ = timed(pagefind_command(site), project, f"Pagefind at {n}")
    case_pages = sorted(site.glob("cases/*/index.html"))
    sizes = sorted(p.stat().st_size for p in case_pages)
    baseline = write_baseline(project, search="pagefind")
    base_build_s, _ = timed([*mkdocs, "-q", "-d", str(baseline / "site")], baseline, f"baseline build at {n}")
    base_pf_s, _ = timed(pagefind_command(baseline / "site"), baseline, f"baseline Pagefind at {n}")
    return {
        "n": n,
        "project": project,
        "site": site,
        "generator_s": gen_s,
        "full_s": full_s,
        "pagefind_s": pf_s,
        "mkdocs_s": full_s - gen_s - pf_s,
        "peak_mib": full_mib,
        "site_mb": du(site) / 1e6,
        "largest_case_kb": sizes[-1] / 1024,
        "median_case_kb": sizes[len(sizes) // 2] / 1024,
        "baseline_s": base_build_s + base_pf_s,
    }


def write_baseline(project: Path, search: str) -> Path:
    """The project's generated pages as plain files, with no hook: MkDocs (and a search) on its own."""
    target = project.parent / f"{project.name}-baseline-{search}"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(project / "docs", target / "docs")
    shutil.copytree(project / "overrides", target / "overrides")
    with tempfile.TemporaryDirectory(prefix="casebook-bench-") as folder:
        output = site_module.build(project, Path(folder))
        for path in output.pages:
            out = target / "docs" / path
            out.parent.mkdir(parents=True, exist_ok=True)
            markdown = output.source(path).read_text(encoding="utf-8")
            out.write_text(htmlblocks.restore(markdown, output.blocks(path)), encoding="utf-8")
        for path in output.files:
            out = target / "docs" / path
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(output.source(path), out)
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"hooks:\n  - hooks/casebook.py\n", "", config)
    config = re.sub(r"watch:\n(  - .*\n)+", "", config)
    config = config.replace("strict: true", "strict: false")
    if search == "theme":
        config = config.replace("plugins: []", "plugins:\n  - search")
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    return target


# --- Browser measurements: a fresh browser each, a deadline, one retry


def kill_browsers(expired: threading.Event) -> None:
    """Kill the Chromium processes this benchmark started: the pending Playwright call then fails at once."""
    expired.set()
    table = process_table()
    for pid in process_tree(os.getpid(), table):
        if table[pid][2] in ("chromium", "chrome"):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


@contextlib.contextmanager
def fresh_browser(deadline_s: float) -> Iterator:
    """A newly launched headless Chromium (with its own Playwright driver), closed afterwards.

    Playwright's timeouts bound each step; the deadline bounds the whole measurement, including the
    calls that have no timeout of their own (opening a context waits for as long as the browser does)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=localserver.CHROMIUM, args=localserver.CHROMIUM_FLAGS, timeout=LAUNCH_TIMEOUT_MS
        )
        expired = threading.Event()
        watchdog = threading.Timer(deadline_s, kill_browsers, args=(expired,))
        watchdog.start()
        try:
            yield browser
        except Exception as error:
            if expired.is_set():
                raise TimeoutError(f"measurement over its {deadline_s:.0f} s deadline") from error
            raise
        finally:
            watchdog.cancel()
            with contextlib.suppress(Exception):  # a browser that crashed or was killed has nothing left to close
                browser.close()


def short_reason(error: BaseException) -> str:
    """The error's type and first line, short enough for a table cell."""
    first = (str(error).strip().splitlines() or [""])[0].rstrip(":")
    text = f"{type(error).__name__}: {first}".replace("|", "/").replace("`", "'")
    return text if len(text) <= 90 else text[:87] + "..."


def measured(label: str, measure: Callable, deadline_s: float):
    """`measure(browser)` in a fresh browser, tried twice at most. After two failures the result is
    {"failed": reason}: the run goes on and the report says what failed."""
    for attempt in (1, 2):
        try:
            with fresh_browser(deadline_s) as browser:
                return measure(browser)
        except Exception as error:
            reason = short_reason(error)
            detail = f"{type(error).__name__}: {error}" if attempt == 1 else reason
            then = "trying once more" if attempt == 1 else "recorded as failed"
            print(f"{label}: attempt {attempt} failed ({then}): {detail}", flush=True)
    return {"failed": reason}


def failure(value) -> str | None:
    """The reason a measurement failed, or None when it did not."""
    return value.get("failed") if isinstance(value, dict) else None


def fetched(context) -> list:
    sizes: list = []

    def done(request):
        try:
            sizes.append((request.url, request.sizes()["responseBodySize"]))
        except Exception:  # a request whose sizes are gone: count nothing
            pass

    context.on("requestfinished", done)
    return sizes


def new_context(browser):
    context = browser.new_context()
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context


def measure_pagefind_search(browser, url: str) -> dict:
    context = new_context(browser)
    sizes = fetched(context)
    page = context.new_page()
    page.goto(url + "search/")
    page.wait_for_function("() => /Type words|case/.test(document.getElementById('cb-search-status').textContent)")
    page.wait_for_load_state("networkidle")
    sizes.clear()
    start = time.perf_counter()
    page.fill("#cb-search-q", QUERY)
    page.wait_for_function("() => /\\d+ result/.test(document.getElementById('cb-search-status').textContent)")
    elapsed = time.perf_counter() - start - 0.25  # the page waits 250 ms after the last keystroke by design
    page.wait_for_load_state("networkidle")
    text = {"kb": sum(s for _, s in sizes) / 1024, "ms": elapsed * 1000, "requests": len(sizes)}
    context.close()

    context = new_context(browser)  # fresh: nothing cached
    sizes = fetched(context)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url + "search/?building-blocks=Financing+and+incentives")
    page.wait_for_function("() => /\\d+ case/.test(document.getElementById('cb-search-status').textContent)")
    elapsed = time.perf_counter() - start
    page.wait_for_load_state("networkidle")
    data = sum(s for u, s in sizes if "/api/" in u)
    browse = {
        "kb": sum(s for _, s in sizes) / 1024,
        "data_kb": data / 1024,
        "ms": elapsed * 1000,
        "index_requests": sum(bool(re.search(r"/pagefind/(index|filter|fragment)/", u)) for u, _ in sizes),
    }
    context.close()
    return {"text": text, "browse": browse}


def measure_theme_search(browser, url: str) -> dict:
    context = new_context(browser)
    sizes = fetched(context)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.click(".md-search__input")
    page.fill(".md-search__input", QUERY)
    page.wait_for_selector(".md-search-result__item", timeout=300_000)
    elapsed = time.perf_counter() - start
    index = next((s for u, s in sizes if u.endswith("search_index.json")), 0)
    context.close()
    return {"index_kb": index / 1024, "ms": elapsed * 1000}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def renamed(text: str, name: str) -> str:
    """A case file's text with its top-level `name:` line replaced (JSON quoting is valid YAML)."""
    edited = re.sub(r"^name:.*$", lambda _: "name: " + json.dumps(name, ensure_ascii=False), text, count=1, flags=re.M)
    if yaml.safe_load(edited).get("name") != name:
        raise ValueError("the case's name is not on one `name:` line; cannot edit it")
    return edited


def stop_server(server: subprocess.Popen) -> None:
    """Ctrl-C, as a person stops `mkdocs serve` (it then removes its temporary site); killed if it lingers."""
    if server.poll() is None:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def open_when_served(page, url: str, server: subprocess.Popen, log: Path) -> None:
    """Open `url` as soon as `mkdocs serve` answers: after its initial build, within SERVE_FIRST_LOAD_S."""
    deadline = time.monotonic() + SERVE_FIRST_LOAD_S
    while True:
        if server.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-1500:]
            raise RuntimeError(f"mkdocs serve exited (code {server.returncode}):\n{tail}")
        try:
            page.goto(url)
            return
        except Exception:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no page within {SERVE_FIRST_LOAD_S // 60} min of starting serve") from None
            time.sleep(1)


def shows(url: str, text: str) -> bool:
    """Whether the page at `url` holds `text` (escaped as the generator writes it into HTML)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return str(htmlblocks.text(text)) in response.read().decode("utf-8")
    except OSError:
        return False


def measure_serve_edit(browser, project: Path, case_slug: str) -> dict:
    """Under `mkdocs serve`, SERVE_EDITS changes of one case's name, one after another. For each, the seconds
    from saving the file to the open case page showing the new name ("edits"), and to the list of cases
    showing it too ("lists": the pages about many cases are made after the edited page, in the background).
    Each edit waits for the last one's lists."""
    case = project / "cases" / f"{case_slug}.yaml"
    original = case.read_text(encoding="utf-8")
    name = yaml.safe_load(original)["name"]
    port = free_port()
    log = OUT / f"serve-{project.name}.log"
    with log.open("w", encoding="utf-8") as log_file:
        server = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", *(part.format(port=port) for part in SERVE_COMMAND)],
            cwd=project,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env=ENV,
            start_new_session=True,
        )
    try:
        page = browser.new_page()
        page.set_default_timeout(STEP_TIMEOUT_MS)
        open_when_served(page, f"http://127.0.0.1:{port}/cases/{case_slug}/", server, log)
        edits, lists = [], []
        for number in range(1, SERVE_EDITS + 1):
            time.sleep(2)  # let the watcher settle
            edited_name = f"{name} Edited {number}"
            start = time.perf_counter()
            case.write_text(renamed(original, edited_name), encoding="utf-8")
            try:
                page.wait_for_function(
                    "name => (document.querySelector('h1')?.textContent || '').includes(name)",
                    arg=edited_name,
                    timeout=SERVE_EDIT_TIMEOUT_S * 1000,
                )
            except Exception as error:
                raise TimeoutError(f"edit {number} did not show within {SERVE_EDIT_TIMEOUT_S} s") from error
            edits.append(time.perf_counter() - start)
            deadline = time.monotonic() + SERVE_LISTS_TIMEOUT_S
            while not shows(f"http://127.0.0.1:{port}/cases/", edited_name):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the list of cases did not show edit {number} within {SERVE_LISTS_TIMEOUT_S} s")
                time.sleep(0.2)
            lists.append(time.perf_counter() - start)
        return {"edits": edits, "lists": lists, "at": datetime.datetime.now().isoformat(timespec="minutes")}
    finally:
        case.write_text(original, encoding="utf-8")
        stop_server(server)


def serve_copy_of_catalogue() -> Path:
    """A scratch copy of the real project, so the edit never touches cases/."""
    project = OUT / "serve"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(
        ROOT, project, ignore=shutil.ignore_patterns(".venv", "node_modules", "site", "bench", ".git", "__pycache__")
    )
    return project


def first_case(project: Path) -> str:
    return sorted(project.glob("cases/*.yaml"))[0].stem


def serve_edit(project: Path, label: str):
    """The serve-edit measurement on `project`'s first case, in a fresh browser, retried once."""
    slug = first_case(project)
    return measured(
        f"serve edit ({label})", lambda browser: measure_serve_edit(browser, project, slug), SERVE_DEADLINE_S
    )


# --- The profile of one build


#: Phases outside the generator, found by file and function name in the profile.
PROFILE_PHASES = [
    ("mkdocs/commands/build.py", "build", "MkDocs: build (everything inside `mkdocs build`)"),
    ("mkdocs/commands/build.py", "_populate_page", "MkDocs: _populate_page (Markdown to HTML), all pages"),
    ("mkdocs/commands/build.py", "_build_page", "MkDocs: _build_page (theme template), all pages"),
    ("generator/search_index.py", "build_index", "Pagefind subprocess: search_index.build_index"),
]


def function_label(key: tuple[str, int, str], project: Path) -> str:
    filename, line, name = key
    if filename == "~":
        return name
    path = Path(filename)
    if project in path.parents:
        shown = path.relative_to(project).as_posix()
    elif "site-packages" in path.parts:
        shown = "/".join(path.parts[path.parts.index("site-packages") + 1 :])
    else:
        shown = path.name
    return f"{shown}:{line} {name}"


def find_function(stats: dict, suffix: str, name: str) -> tuple | None:
    return next((key for key in stats if key[0].endswith(suffix) and key[2] == name), None)


def main_caller(callers: dict, project: Path) -> str:
    """The caller in whose calls a function spent most of its own time: for a built-in such as a regular
    expression search, the line that says whose work it is."""
    if not callers:
        return ""
    key, _ = max(callers.items(), key=lambda item: item[1][2])
    return function_label(key, project)


def profile_build(n: int, project: Path, unprofiled_s: float) -> dict:
    """One more `mkdocs build --strict` of `project` under cProfile, summed up by phase and by function."""
    output = OUT / f"profile-{project.name}.prof"
    site = project / "site-profile"
    command = [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "mkdocs", "build", "--strict", "-q"]
    seconds, _ = timed([*command, "-d", str(site)], project, f"profiled build of {project.name}")
    shutil.rmtree(site, ignore_errors=True)
    return {
        "n": n,
        "profiled_s": seconds,
        "unprofiled_s": unprofiled_s,
        "file": str(output.relative_to(ROOT)),
        **profile_summary(output, project),
    }


def profile_summary(output: Path, project: Path) -> dict:
    """The phases' cumulative seconds and the 12 functions with the most own time, from a cProfile file."""
    stats = pstats.Stats(str(output)).stats  # (file, line, name) -> (calls, calls, own s, cumulative s, callers)
    phases = []
    build = find_function(stats, "generator/site.py", "build")
    if build:
        phases.append(("generator: site.build", stats[build][3]))
        callees = [
            (function_label(key, project), callers[build][3])
            for key, (*_, callers) in stats.items()
            if build in callers
        ]
        share = stats[build][3] / 100  # callees under 1% of site.build are left out
        phases += [
            (f"generator: site.build > {label}", s) for label, s in sorted(callees, key=lambda c: -c[1]) if s >= share
        ]
    else:
        phases.append(("generator: site.build", None))
    for suffix, name, label in PROFILE_PHASES:
        key = find_function(stats, suffix, name)
        phases.append((label, stats[key][3] if key else None))
    own = sorted(stats.items(), key=lambda item: -item[1][2])[:12]
    return {
        "phases": phases,
        "functions": [
            (function_label(key, project), tt, nc, ct, main_caller(callers, project))
            for key, (_, nc, tt, ct, callers) in own
        ],
    }


def profile_section(profile: dict) -> list[str]:
    total = profile["profiled_s"]
    lines = [
        f"## Where the time goes (profile at {profile['n']:,} cases)",
        "",
        f"One more `mkdocs build --strict` of the {profile['n']:,}-case catalogue, after the timed runs, under "
        f"cProfile (`python -m cProfile -m mkdocs build --strict`): {total:.0f} s profiled, against "
        f"{profile['unprofiled_s']:.0f} s for the timed full build. cProfile adds a cost to every Python call, "
        "so its seconds are inflated, most in code that makes many small calls: read shares, not absolute times. "
        "Work in other processes (Pagefind; any process pool) shows only as the time waited for it. "
        f"The profile is kept in `{profile['file']}` until the next run.",
        "",
        "| phase | cumulative s | share of the profiled build |",
        "|---|---:|---:|",
    ]
    for label, seconds in profile["phases"]:
        if seconds is None:
            lines.append(f"| {label} | not found in the profile | |")
        else:
            lines.append(f"| {label} | {seconds:.1f} | {seconds / total:.0%} |")
    lines += [
        "",
        "The 12 functions with the most time of their own (not counting the functions they call):",
        "",
        "| function | own s | calls | cumulative s | mostly called from |",
        "|---|---:|---:|---:|---|",
        *(
            f"| `{label}` | {own:.1f} | {calls:,} | {cum:.1f} | {f'`{caller}`' if caller else ''} |"
            for label, own, calls, cum, caller in profile["functions"]
        ),
        "",
    ]
    return lines


# --- The report


def page_growth(small_site: Path, big_site: Path) -> float:
    """Largest ratio of a case page's size in the big catalogue to the same page in the small one.

    The synthetic cases are drawn in order from one seed, so the first cases are the same
    in every size; comparing the same pages isolates what grows with the catalogue.
    """
    ratios = [
        (big_site / page.relative_to(small_site)).stat().st_size / page.stat().st_size
        for page in small_site.glob("cases/*/index.html")
    ]
    return max(ratios)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {memory / 1024 / 1024:.0f} GiB memory, "
        f"Python {platform.python_version()}, {platform.platform()}"
    )


def shown(value, form: str = "{:.1f}") -> str:
    """A measured value for a table: formatted, 'failed (reason)' or 'not measured'."""
    if value is None:
        return "not measured"
    return f"failed ({failure(value)})" if failure(value) else form.format(value)


def seconds_shown(value) -> str:
    return shown(value, "{:.1f} s")


def median_edit(serve) -> object:
    """A serve measurement's result, the median of its edits; its failure, or None when not measured."""
    return serve if serve is None or failure(serve) else statistics.median(serve["edits"])


def search_value(row: dict | None, kind: str, field: str):
    """One number of a row's Pagefind search measurement; its failure, or None when not measured."""
    search = (row or {}).get("search")
    if search is None or failure(search):
        return search
    return search[kind][field]


def headline(by_n: dict, serve_catalogue) -> list[str]:
    big, small = by_n.get(5000), by_n.get(500)
    if not (big and small):
        return []
    theme = next((r for r in by_n.values() if r.get("theme") and not failure(r["theme"])), None)
    search = big["search"]
    if failure(search):
        searching = f"the search measurement {shown(search)}"
    else:
        index = search["browse"]["index_requests"]
        searching = (
            f"a first text search fetches {search['text']['kb']:.0f} KB in {search['text']['ms']:.0f} ms; "
            f"browsing by filters fetches {search['browse']['data_kb']:.0f} KB of data and "
            + ("no search index" if index == 0 else f"{index} search-index files")
        )
    text = (
        f"**Headline (5,000 cases, {os.cpu_count()} cores):** full build {big['full_s']:.0f} s "
        f"(generator {big['generator_s']:.0f} s, MkDocs {big['mkdocs_s']:.0f} s, Pagefind {big['pagefind_s']:.0f} s) "
        f"with a peak memory of {big['peak_mib']:.0f} MiB, "
        f"{big['full_s'] / big['baseline_s']:.2f}x the time MkDocs and "
        f"Pagefind take for the same pages without the generator; "
        f"{big['full_s'] / small['full_s']:.1f}x the time at 500 cases; {searching}"
        + (
            f"; a case page at 5,000 cases is {page_growth(by_n[50]['site'], big['site']):.3f}x its size at 50"
            if 50 in by_n
            else ""
        )
        + f"; an edited case shows under `serve`: {seconds_shown(median_edit(serve_catalogue))} on the real "
        f"catalogue, {seconds_shown(median_edit(big.get('serve')))} at 5,000 cases (median of {SERVE_EDITS} edits)"
        + (
            f". The theme's own search needs a {theme['theme']['index_kb'] / 1024:.0f} MB index "
            f"and {theme['theme']['ms'] / 1000:.1f} s at {theme['n']:,} cases."
            if theme
            else "."
        )
    )
    return [text, ""]


def build_table(rows: list[dict]) -> list[str]:
    lines = [
        "## Build",
        "",
        "| cases | generator (s) | MkDocs (s) | Pagefind (s) | full build (s) "
        "| baseline: same pages, no generator (s) | full / baseline | peak memory, full build (MiB) | site (MB) "
        "| largest case page (KB) | median case page (KB) | load avg start/end |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        load = "/".join(f"{x:.1f}" for x in r["load"]) if r.get("load") else "not measured"
        lines.append(
            f"| {r['n']:,} | {r['generator_s']:.1f} | {r['mkdocs_s']:.1f} | {r['pagefind_s']:.1f} "
            f"| {r['full_s']:.1f} | {r['baseline_s']:.1f} | {r['full_s'] / r['baseline_s']:.2f} "
            f"| {r['peak_mib']:.0f} | {r['site_mb']:.0f} | {r['largest_case_kb']:.1f} | {r['median_case_kb']:.1f} "
            f"| {load} |"
        )
    return lines


def search_cells(search) -> str:
    if failure(search):
        return " | ".join([shown(search)] + ["failed"] * 5)
    text, browse = search["text"], search["browse"]
    return (
        f"{text['kb']:.0f} | {text['ms']:.0f} | {browse['kb']:.0f} | {browse['data_kb']:.0f} "
        f"| {browse['ms']:.0f} | {browse['index_requests']}"
    )


def search_table(rows: list[dict]) -> list[str]:
    lines = [
        "## Search in the browser",
        "",
        f'Text search: the query "{QUERY}" typed on the open search page. '
        "Filter-only browse: the address search/?building-blocks=Financing+and+incentives "
        "opened in a fresh browser (everything counted: page, styles, scripts and data).",
        "",
        "| cases | first text search: KB fetched | ms to results | filter-only browse: KB fetched in all "
        "| of which data (api/) KB | ms to results | search-index requests while browsing "
        "| theme search: index KB | theme search: ms to results |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        theme = r.get("theme")
        if theme is None or failure(theme):
            theme_cells = f"{shown(theme)} | {shown(theme) if theme is None else 'failed'}"
        else:
            theme_cells = f"{theme['index_kb']:.0f} | {theme['ms']:.0f}"
        lines.append(f"| {r['n']:,} | {search_cells(r['search'])} | {theme_cells} |")
    return lines


def serve_table(by_n: dict, serve_catalogue) -> list[str]:
    real = len(list(ROOT.glob("cases/*.yaml")))
    rows = [(f"the real catalogue ({real} cases), a copy", serve_catalogue)]
    rows += [(f"{n:,} synthetic cases", r["serve"]) for n, r in sorted(by_n.items()) if "serve" in r]

    def each(serve, key: str) -> str:
        return shown(serve) if serve is None or failure(serve) else ", ".join(f"{s:.1f}" for s in serve[key])

    return [
        "## Editing under serve",
        "",
        f"`mkdocs {' '.join(SERVE_COMMAND).format(port='PORT')}`; one case's name changed in its file, "
        f"{SERVE_EDITS} times in one session.",
        "",
        "| catalogue | seconds from saving the file to the open page showing the new name: median "
        "| each edit (s) | the list of cases showing it too, each edit (s) | measured |",
        "|---|---:|---:|---:|---|",
        *(
            f"| {label} | {shown(median_edit(value))} | {each(value, 'edits')} | {each(value, 'lists')} "
            f"| {value.get('at', '') if isinstance(value, dict) else ''} |"
            for label, value in rows
        ),
    ]


def target_checks(by_n: dict, serve_catalogue) -> list[tuple[str, object, str, float]]:
    """(target, measured value or failure or None, format, limit) for every number to reach."""
    big, small, fifty = by_n.get(5000), by_n.get(500), by_n.get(50)
    return [
        (
            f"Full build at 5,000 at most {TARGETS['full_build_s']} s",
            big and big["full_s"],
            "{:.1f} s",
            TARGETS["full_build_s"],
        ),
        (
            f"Full build at 5,000 at most {TARGETS['full_over_baseline']}x MkDocs + Pagefind of the same pages",
            big and big["full_s"] / big["baseline_s"],
            "{:.2f}x",
            TARGETS["full_over_baseline"],
        ),
        (
            f"Time at 5,000 / time at 500 at most {TARGETS['growth_5000_over_500']}",
            big and small and big["full_s"] / small["full_s"],
            "{:.1f}",
            TARGETS["growth_5000_over_500"],
        ),
        (
            f"Peak memory of the full build at 5,000 at most 1 GB ({TARGETS['peak_memory_mib']} MiB)",
            big and big["peak_mib"],
            "{:.0f} MiB",
            TARGETS["peak_memory_mib"],
        ),
        (
            f"First text search at most {TARGETS['text_search_kb']} KB",
            search_value(big, "text", "kb"),
            "{:.0f} KB",
            TARGETS["text_search_kb"],
        ),
        (
            f"First text search at most {TARGETS['text_search_ms']} ms to results",
            search_value(big, "text", "ms"),
            "{:.0f} ms",
            TARGETS["text_search_ms"],
        ),
        (
            "Filter-only browse at most 1 MB (everything, page and assets included, nothing cached)",
            search_value(big, "browse", "kb"),
            "{:.0f} KB",
            TARGETS["filter_browse_kb"],
        ),
        (
            f"A case page at 5,000 at most {TARGETS['page_growth']}x its size at 50 "
            "(largest ratio over the 50 cases present in both)",
            big and fifty and page_growth(fifty["site"], big["site"]),
            "{:.3f}x",
            TARGETS["page_growth"],
        ),
        (
            "Filter-only browse at most 1 MB (data fetched for browsing)",
            search_value(big, "browse", "data_kb"),
            "{:.0f} KB",
            TARGETS["filter_browse_kb"],
        ),
        (
            f"Editing one case under serve shows in at most {TARGETS['serve_edit_s']} s (real catalogue; median)",
            median_edit(serve_catalogue),
            "{:.1f} s",
            TARGETS["serve_edit_s"],
        ),
        (
            f"Editing one case under serve shows in at most {TARGETS['serve_edit_s']} s at 5,000 (median)",
            median_edit(big and big.get("serve")),
            "{:.1f} s",
            TARGETS["serve_edit_s"],
        ),
    ]


def targets_table(by_n: dict, serve_catalogue) -> list[str]:
    lines = ["## The numbers to reach", "", "| target | measured | |", "|---|---:|---|"]
    for name, value, form, limit in target_checks(by_n, serve_catalogue):
        if value is None or failure(value):
            lines.append(f"| {name} | not measured | |")
        else:
            lines.append(f"| {name} | {form.format(value)} | {'met' if value <= limit else '**missed**'} |")
    return lines


def report(rows: list[dict], serve_catalogue, seed: int) -> str:
    by_n = {r["n"]: r for r in rows}
    profile = next((r["profile"] for r in rows if r.get("profile")), None)
    method = METHOD.format(
        sample=MEMORY_SAMPLE_S,
        serve=" ".join(SERVE_COMMAND).format(port="PORT"),
        first_load=SERVE_FIRST_LOAD_S // 60,
        edit=SERVE_EDIT_TIMEOUT_S,
        edits=SERVE_EDITS,
    )
    lines = [
        "# Benchmarks",
        "",
        *headline(by_n, serve_catalogue),
        f"Measured {datetime.date.today().isoformat()} on {machine()}, by `make bench` (bench/run.py, seed {seed}).",
        "",
        "## Method",
        "",
        method.strip(),
        "",
        *build_table(rows),
        "",
        *search_table(rows),
        "",
        *serve_table(by_n, serve_catalogue),
        "",
        *targets_table(by_n, serve_catalogue),
        "",
        *(profile_section(profile) if profile else []),
        "## Notes",
        "",
        NOTES.strip(),
        "",
    ]
    return "\n".join(lines)


def headline_line(text: str) -> str:
    """BENCHMARKS.md's headline: its line starting '**Headline', or '' when it has none."""
    return next((line for line in text.splitlines() if line.startswith("**Headline")), "")


def write_documents(text: str) -> None:
    """BENCHMARKS.md from the report, keeping the hand-written sections from "What stands in the way" on,
    and the same headline between the README's bench:headline markers."""
    benchmarks = ROOT / "BENCHMARKS.md"
    existing = benchmarks.read_text(encoding="utf-8") if benchmarks.exists() else ""
    kept = existing.split("## What stands in the way", 1)
    text += ("\n## What stands in the way" + kept[1]) if len(kept) == 2 else ""
    benchmarks.write_text(text, encoding="utf-8")
    readme = ROOT / "README.md"
    old = readme.read_text(encoding="utf-8")
    if not README_HEADLINE.search(old):
        print("wrote BENCHMARKS.md; README.md has no <!-- bench:headline --> block to update")
        return
    line = headline_line(text)
    readme.write_text(
        README_HEADLINE.sub(lambda m: m.group(1) + (line + "\n" if line else "") + m.group(2), old, count=1),
        encoding="utf-8",
    )
    print("wrote BENCHMARKS.md and the README's headline")


# --- The run


def load_average() -> float:
    return os.getloadavg()[0]


def measure_size(n: int, args) -> dict:
    """Build one size and take its browser measurements."""
    load_start = load_average()
    print(f"N = {n}: building (load average {load_start:.1f})", flush=True)
    row = build_sizes(n, args.seed)
    print(f"N = {n}: Pagefind search", flush=True)
    with localserver.serve(row["site"]) as url:
        row["search"] = measured(
            f"N = {n}: Pagefind search", lambda b: measure_pagefind_search(b, url), SEARCH_DEADLINE_S
        )
    if n in args.theme_search:
        print(f"N = {n}: theme search", flush=True)
        theme = write_baseline(row["project"], search="theme")
        timed([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(theme / "site")], theme, f"theme build at {n}")
        with localserver.serve(theme / "site") as url:
            row["theme"] = measured(
                f"N = {n}: theme search", lambda b: measure_theme_search(b, url), THEME_SEARCH_DEADLINE_S
            )
    if n in args.serve_sizes and not args.no_serve:
        print(f"N = {n}: editing under serve", flush=True)
        row["serve"] = serve_edit(row["project"], f"{n} cases")
    row["load"] = [load_start, load_average()]
    return row


def save(rows: list[dict], results: Path) -> None:
    results.write_text(
        json.dumps([{k: str(v) if isinstance(v, Path) else v for k, v in r.items()} for r in rows], indent=1)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark the casebook build and search.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 500, 1000, 5000])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--theme-search",
        type=int,
        nargs="*",
        default=[1000],
        help="sizes at which to measure the theme's built-in search",
    )
    parser.add_argument(
        "--serve-sizes",
        type=int,
        nargs="*",
        default=[5000],
        help="sizes at which to measure an edit under serve on the synthetic project itself",
    )
    parser.add_argument("--no-serve", action="store_true", help="measure no edit under serve")
    parser.add_argument("--no-profile", action="store_true", help="skip the profiled build of the largest size")
    parser.add_argument("--write", action="store_true", help="write BENCHMARKS.md (default when all sizes run)")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure serve again (on the real catalogue, and on the kept synthetic projects of --serve-sizes), "
        "then write the report from the last run's bench/out/results.json",
    )
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    results = OUT / "results.json"
    kept = [] if not args.report_only else json.loads(results.read_text())
    rows = [{**r, "site": Path(r["site"]), "project": Path(r["project"])} for r in kept]
    for n in [] if args.report_only else args.sizes:
        row = measure_size(n, args)
        print({k: v for k, v in row.items() if k not in ("project", "site")}, flush=True)
        rows.append(row)
        save(rows, results)
    if rows and not args.report_only and not args.no_profile:
        largest = max(rows, key=lambda r: r["n"])
        print(f"N = {largest['n']}: profiled build", flush=True)
        largest["profile"] = profile_build(largest["n"], largest["project"], largest["full_s"])
        save(rows, results)
    for row in rows if args.report_only and not args.no_serve else []:
        if row["n"] in args.serve_sizes:
            print(f"N = {row['n']}: editing under serve, again", flush=True)
            row["serve"] = serve_edit(row["project"], f"{row['n']} cases")
            save(rows, results)
    serve_catalogue = None
    if not args.no_serve:
        print("Editing under serve: the real catalogue", flush=True)
        serve_catalogue = serve_edit(serve_copy_of_catalogue(), "real catalogue")
    text = report(rows, serve_catalogue, args.seed)
    if args.write or args.report_only or set(args.sizes) >= {500, 1000, 5000}:
        write_documents(text)
    else:
        print(text)


if __name__ == "__main__":
    main()
