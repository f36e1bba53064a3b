"""Benchmark: build time, size and search cost of the casebook at N = 500, 1,000 and 5,000 cases.

    make bench                      # all sizes, writes BENCHMARKS.md
    python bench/run.py --sizes 500 # a quick run (does not write BENCHMARKS.md unless --write)

Method (also written into BENCHMARKS.md):
- Synthetic catalogues come from bench/synthetic.py (seeded; field sizes, tags, results
  and sources drawn from the real cases), each in a scratch folder under bench/out/.
- Every timing is wall-clock time of a fresh process, taken once per size in one run,
  so ratios compare numbers measured side by side on the same machine.
- "Generator" is validate + model + render in one process (`site.build`).
- "Full build" is `mkdocs build --strict` with the hook: generator + MkDocs + Pagefind.
- "Pagefind" is a separate run of Pagefind over the finished site; MkDocs time is
  full build - generator - Pagefind.
- "Baseline" is the same pages written as plain Markdown files (no hook, no generator),
  built by MkDocs and indexed by Pagefind: the cost of the pages themselves.
- Search is measured in headless Chromium against a local static server: bytes are the
  response body sizes of every request in the browser context (the Web Worker's
  included), from typing the query or opening the filtered address to the results.
- The theme's own search is measured on the same pages built with Material's search
  plugin instead of Pagefind.
- Editing under `serve`: the real catalogue is copied to a scratch folder and served;
  one case file's name is changed; the time runs until the open page shows the new name.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import synthetic  # bench/synthetic.py: the script's own folder is on the import path

from generator import htmlblocks, localserver
from generator import site as site_module

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
QUERY = "shared savings"

TARGETS = {
    "full_build_s": 60,
    "full_over_baseline": 1.25,
    "growth_5000_over_500": 11,
    "text_search_kb": 300,
    "text_search_ms": 300,
    "filter_browse_kb": 1024,
    "page_growth": 1.1,
    "serve_edit_s": 3,
}


def timed(command: list[str], cwd: Path) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time and peak memory (KiB) of a command, in a fresh process."""
    probe = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "print(json.dumps({'s': time.perf_counter() - t, "
        "'kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
        "'rc': r.returncode, 'err': r.stderr[-3000:]}))\n"
    )
    run = subprocess.run([sys.executable, "-c", probe, *command], cwd=cwd, capture_output=True, text=True, env=ENV)
    result = json.loads(run.stdout)
    if result["rc"] != 0:
        raise RuntimeError(f"{' '.join(command)} failed:\n{result['err']}")
    return result["s"], result["kib"], run


def du(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def build_sizes(n: int, seed: int) -> dict:
    project = synthetic.write_project(n, OUT / f"n{n}", seed)
    site = project / "site"
    gen_s, gen_kib, _ = timed(
        [
            sys.executable,
            "-c",
            "from pathlib import Path; from generator import site; site.build(Path('.'))",
        ],
        project,
    )
    full_s, full_kib, _ = timed([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], project)
    shutil.rmtree(site / "pagefind")
    pf_s, _, _ = timed(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(site),
            "--output-subdir",
            "pagefind",
            "--force-language",
            "en",
            "--quiet",
        ],
        project,
    )
    case_pages = sorted(site.glob("cases/*/index.html"))
    sizes = sorted(p.stat().st_size for p in case_pages)
    baseline = write_baseline(project, search="pagefind")
    base_build_s, _, _ = timed([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(baseline / "site")], baseline)
    base_pf_s, _, _ = timed(
        [
            sys.executable,
            "-m",
            "pagefind",
            "--site",
            str(baseline / "site"),
            "--output-subdir",
            "pagefind",
            "--force-language",
            "en",
            "--quiet",
        ],
        baseline,
    )
    return {
        "n": n,
        "project": project,
        "site": site,
        "generator_s": gen_s,
        "full_s": full_s,
        "pagefind_s": pf_s,
        "mkdocs_s": full_s - gen_s - pf_s,
        "peak_mib": max(gen_kib, full_kib) / 1024,
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
    pages, files = site_module.build(project)
    for path, (markdown, blocks) in pages.items():
        out = target / "docs" / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(htmlblocks.restore(markdown, blocks), encoding="utf-8")
    for path, content in files.items():
        out = target / "docs" / path
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(content, encoding="utf-8")
    config = (project / "mkdocs.yml").read_text(encoding="utf-8")
    config = re.sub(r"hooks:\n  - hooks/casebook.py\n", "", config)
    config = re.sub(r"watch:\n(  - .*\n)+", "", config)
    config = config.replace("strict: true", "strict: false")
    if search == "theme":
        config = config.replace("plugins: []", "plugins:\n  - search")
    (target / "mkdocs.yml").write_text(config, encoding="utf-8")
    return target


def fetched(context) -> list:
    sizes: list = []

    def done(request):
        try:
            sizes.append((request.url, request.sizes()["responseBodySize"]))
        except Exception:  # a request whose sizes are gone: count nothing
            pass

    context.on("requestfinished", done)
    return sizes


def measure_pagefind_search(browser, url: str) -> dict:
    context = browser.new_context()
    sizes = fetched(context)
    page = context.new_page()
    page.goto(url + "search/")
    page.wait_for_function("() => /Type words|case/.test(document.getElementById('cb-search-status').textContent)")
    page.wait_for_load_state("networkidle")
    sizes.clear()
    start = time.perf_counter()
    page.fill("#cb-search-q", QUERY)
    page.wait_for_function(
        "() => /\\d+ result/.test(document.getElementById('cb-search-status').textContent)", timeout=120_000
    )
    elapsed = time.perf_counter() - start - 0.25  # the page waits 250 ms after the last keystroke by design
    page.wait_for_load_state("networkidle")
    text = {"kb": sum(s for _, s in sizes) / 1024, "ms": elapsed * 1000, "requests": len(sizes)}
    context.close()

    context = browser.new_context()  # fresh: nothing cached
    sizes = fetched(context)
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url + "search/?building-blocks=Financing+and+incentives")
    page.wait_for_function(
        "() => /\\d+ case/.test(document.getElementById('cb-search-status').textContent)", timeout=120_000
    )
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
    context = browser.new_context()
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


def measure_serve_edit(browser) -> float:
    """Seconds from saving a case file to the open page showing the change, under `mkdocs serve`."""
    project = OUT / "serve"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(
        ROOT, project, ignore=shutil.ignore_patterns(".venv", "node_modules", "site", "bench", ".git", "__pycache__")
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        page = browser.new_page()
        deadline = time.time() + 120
        while True:
            try:
                page.goto(f"http://127.0.0.1:{port}/cases/salford-together/")
                break
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.5)
        time.sleep(2)  # let the watcher settle
        case = project / "cases" / "salford-together.yaml"
        start = time.perf_counter()
        case.write_text(
            case.read_text(encoding="utf-8").replace("name: Salford Together", "name: Salford Together Edited", 1),
            encoding="utf-8",
        )
        page.wait_for_function("() => /Edited/.test(document.querySelector('h1').textContent)", timeout=60_000)
        return time.perf_counter() - start
    finally:
        server.terminate()
        server.wait()


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


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def headline(by_n: dict, serve_s: float | None) -> list[str]:
    big, small = by_n.get(5000), by_n.get(500)
    if not (big and small):
        return []
    theme = next((r for r in by_n.values() if r.get("theme")), None)
    text = (
        f"**Headline (5,000 cases, {os.cpu_count()} cores):** full build {big['full_s']:.0f} s "
        f"(generator {big['generator_s']:.0f} s, "
        f"MkDocs {big['mkdocs_s']:.0f} s, Pagefind {big['pagefind_s']:.0f} s), "
        f"{big['full_s'] / big['baseline_s']:.2f}x the time MkDocs and "
        f"Pagefind take for the same pages without the generator; "
        f"{big['full_s'] / small['full_s']:.1f}x the time at 500 cases; a first "
        f"text search fetches {big['search']['text']['kb']:.0f} KB in {big['search']['text']['ms']:.0f} ms; "
        f"browsing by filters fetches "
        f"{big['search']['browse']['data_kb']:.0f} KB of data and no search index"
        + (
            f"; a case page at 5,000 cases is {page_growth(by_n[50]['site'], big['site']):.3f}x its size at 50"
            if 50 in by_n
            else ""
        )
        + (f"; an edited case shows under `serve` in {serve_s:.1f} s" if serve_s is not None else "")
        + (
            f". The theme's own search needs a {theme['theme']['index_kb'] / 1024:.0f} MB index "
            f"and {theme['theme']['ms'] / 1000:.1f} s at {theme['n']:,} cases."
            if theme
            else "."
        )
    )
    return [text, ""]


def report(rows: list[dict], serve_s: float | None, seed: int) -> str:
    by_n = {r["n"]: r for r in rows}
    lines = [
        "# Benchmarks",
        "",
        *headline(by_n, serve_s),
        f"Measured {datetime.date.today().isoformat()} on {machine()}, by `make bench` (bench/run.py, seed {seed}).",
        "",
        "## Method",
        "",
        (__doc__ or "").split("Method (also written into BENCHMARKS.md):", 1)[1].strip(),
        "",
        "## Build",
        "",
        "| cases | generator (s) | MkDocs (s) | Pagefind (s) | full build (s) "
        "| baseline: same pages, no generator (s) | full / baseline | peak memory (MiB) | site (MB) "
        "| largest case page (KB) | median case page (KB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['n']:,} | {r['generator_s']:.1f} | {r['mkdocs_s']:.1f} | {r['pagefind_s']:.1f} "
            f"| {r['full_s']:.1f} | {r['baseline_s']:.1f} | {r['full_s'] / r['baseline_s']:.2f} "
            f"| {r['peak_mib']:.0f} | {r['site_mb']:.0f} | {r['largest_case_kb']:.1f} | {r['median_case_kb']:.1f} |"
        )
    lines += [
        "",
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
        s, t = r["search"], r.get("theme") or {}
        theme = f"{t['index_kb']:.0f} | {t['ms']:.0f}" if t else "not measured | not measured"
        lines.append(
            f"| {r['n']:,} | {s['text']['kb']:.0f} | {s['text']['ms']:.0f} | {s['browse']['kb']:.0f} "
            f"| {s['browse']['data_kb']:.0f} | {s['browse']['ms']:.0f} | {s['browse']['index_requests']} | {theme} |"
        )
    lines += ["", "## The numbers to reach", ""]
    big, small = by_n.get(5000), by_n.get(500)
    if big and small:
        checks = [
            ("Full build at 5,000 at most 60 s", f"{big['full_s']:.1f} s", big["full_s"] <= TARGETS["full_build_s"]),
            (
                "Full build at most 1.25x MkDocs + Pagefind of the same pages",
                f"{big['full_s'] / big['baseline_s']:.2f}x",
                big["full_s"] / big["baseline_s"] <= TARGETS["full_over_baseline"],
            ),
            (
                "Time at 5,000 / time at 500 at most 11",
                f"{big['full_s'] / small['full_s']:.1f}",
                big["full_s"] / small["full_s"] <= TARGETS["growth_5000_over_500"],
            ),
            (
                "First text search at most 300 KB",
                f"{big['search']['text']['kb']:.0f} KB",
                big["search"]["text"]["kb"] <= TARGETS["text_search_kb"],
            ),
            (
                "First text search at most 300 ms to results",
                f"{big['search']['text']['ms']:.0f} ms",
                big["search"]["text"]["ms"] <= TARGETS["text_search_ms"],
            ),
            (
                "Filter-only browse at most 1 MB (everything, page and assets included, nothing cached)",
                f"{big['search']['browse']['kb']:.0f} KB",
                big["search"]["browse"]["kb"] <= TARGETS["filter_browse_kb"],
            ),
        ]
        if 50 in by_n:
            growth = page_growth(by_n[50]["site"], big["site"])
            checks.append(
                (
                    "A case page at 5,000 at most 1.1x its size at 50 "
                    "(largest ratio over the 50 cases present in both)",
                    f"{growth:.3f}x",
                    growth <= TARGETS["page_growth"],
                )
            )
            data_kb = big["search"]["browse"]["data_kb"]
            checks.append(
                (
                    "Filter-only browse at most 1 MB (data fetched for browsing)",
                    f"{data_kb:.0f} KB",
                    data_kb <= TARGETS["filter_browse_kb"],
                )
            )
        if serve_s is not None:
            checks.append(
                (
                    "Editing one case under serve shows in at most 3 s",
                    f"{serve_s:.1f} s",
                    serve_s <= TARGETS["serve_edit_s"],
                )
            )
        lines += ["| target | measured | |", "|---|---:|---|"] + [
            f"| {name} | {value} | {verdict(ok)} |" for name, value, ok in checks
        ]
    lines += ["", "## Notes", "", NOTES.strip(), ""]
    return "\n".join(lines)


NOTES = """
See the section "What stands in the way" below the tables when a target is missed; it is
kept up to date by hand after each run, from profiles of the build.
"""


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
    parser.add_argument("--no-serve", action="store_true")
    parser.add_argument("--write", action="store_true", help="write BENCHMARKS.md (default when all sizes run)")
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="measure serve, then write the report from the last run's bench/out/results.json",
    )
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    results = OUT / "results.json"
    rows = [] if not args.report_only else [{**r, "site": Path(r["site"])} for r in json.loads(results.read_text())]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=localserver.CHROMIUM, args=localserver.CHROMIUM_FLAGS)
        for n in [] if args.report_only else args.sizes:
            print(f"N = {n}: building", flush=True)
            row = build_sizes(n, args.seed)
            with localserver.serve(row["site"]) as url:
                row["search"] = measure_pagefind_search(browser, url)
            if n in args.theme_search:
                print(f"N = {n}: theme search", flush=True)
                theme = write_baseline(row["project"], search="theme")
                subprocess.run(
                    [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(theme / "site")],
                    cwd=theme,
                    env=ENV,
                    check=True,
                    capture_output=True,
                )
                with localserver.serve(theme / "site") as url:
                    row["theme"] = measure_theme_search(browser, url)
            print({k: v for k, v in row.items() if k not in ("project", "site")}, flush=True)
            rows.append(row)
            results.write_text(
                json.dumps([{k: str(v) if isinstance(v, Path) else v for k, v in r.items()} for r in rows], indent=1)
            )
        serve_s = None if args.no_serve else measure_serve_edit(browser)
        browser.close()
    text = report(rows, serve_s, args.seed)
    if args.write or args.report_only or set(args.sizes) >= {500, 1000, 5000}:
        existing = (ROOT / "BENCHMARKS.md").read_text(encoding="utf-8") if (ROOT / "BENCHMARKS.md").exists() else ""
        kept = existing.split("## What stands in the way", 1)
        text += ("\n## What stands in the way" + kept[1]) if len(kept) == 2 else ""
        (ROOT / "BENCHMARKS.md").write_text(text, encoding="utf-8")
        print("wrote BENCHMARKS.md")
    else:
        print(text)


if __name__ == "__main__":
    main()
