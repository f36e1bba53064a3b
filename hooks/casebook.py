"""MkDocs glue for the casebook generator: the only file that knows MkDocs.

- on_config / on_shutdown: `mkdocs build` writes into a sibling staging folder
  (`.<site>.staging`) and on_shutdown swaps it in only when the whole build, strict
  warnings check and Pagefind included, succeeded; on_build_error removes it. So a
  build that fails at any point leaves the previous site untouched. (`mkdocs serve`
  builds into its own temporary folder and is left alone.)
- on_config also puts the catalogue's version (repository.version: release tag, else commit date and hash)
  into config.extra.casebook.version, for the footer.
- on_pre_build: validate, then render every page and data file into a folder of their own
  (generator/site.py), so a broken case file stops the build with file and line before
  anything is written to the site. A build uses a new temporary folder, removed when it ends.
  `mkdocs serve --dirty` (`make serve`) keeps one folder for the session, and the generator
  checks and renders again only what an edit touches (site.Reuse) and rewrites only files whose
  content changed, so MkDocs rebuilds only the pages an edit changed. There, only the edited case's
  own page and data files are made before MkDocs runs; the pages of the cases that link to it and
  the pages and files about many cases (term pages, the case list, the catalogue-wide data) follow
  in the background once its page is out, and a second, quick rebuild shows them (on_serve).
- on_files: hand the rendered pages to MkDocs as generated files, read from that folder
  (MkDocs never holds the whole catalogue in memory). The data files bypass MkDocs: they are
  put into the site as they are (site.Output.publish_files), in on_post_build.
- on_env: the theme's templates are compiled once per process (under serve, not at every rebuild).
- on_post_page: put each generated page's HTML blocks back into the finished page (see
  generator/htmlblocks.py), then add its Content-Security-Policy (on_post_template too;
  not under `mkdocs serve`, whose live-reload script is added to every page afterwards).
- on_post_build: build the Pagefind index over the finished HTML; under `serve`, in the
  background, so an edited page shows without waiting for the index.
- on_serve: watch a folder of our own, with one file in it that is touched when the background work
  changed a file, so that serve rebuilds then.
"""

from __future__ import annotations

import gc
import hashlib
import logging
import os
import shutil
import tempfile
import threading
import traceback
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from generator import csp, htmlblocks, render, repository, search_index, site
from generator.problems import ValidationFailed

ROOT = Path(__file__).resolve().parent.parent

_output: dict[str, site.Output] = {}  # while a build runs: what the generator wrote ("now"); under serve, "last"
_reuse = site.Reuse()  # under serve: what one build leaves for the next (see site.Reuse)
_serving = False
_removals: list[threading.Thread] = []  # temporary folders being removed while the build goes on
_staging: dict = {}  # while a build runs: the config, the final and the staging folder, and success
_after = threading.Lock()  # under serve: held while a build's background work runs (_after_build)
_rebuild: list[Path] = []  # under serve: the file, in a watched folder, that asks for a rebuild when touched


class _QuietDirty(logging.Filter):
    """Under `serve --dirty`, MkDocs warns on every rebuild that a dirty build may show stale navigation.
    Here it cannot: the navigation is fixed in mkdocs.yml, and a change to mkdocs.yml or the theme
    rebuilds every page (`_theme_changed`). In strict mode the warning would also stop each rebuild."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def on_startup(command: str, dirty: bool) -> None:
    global _serving
    _serving = command == "serve"
    _staging.clear()
    _staging["enabled"] = command in ("build", "gh-deploy")
    if _serving and dirty:
        logging.getLogger("mkdocs.commands.build").addFilter(_QuietDirty())


def on_config(config):
    config.extra.setdefault("casebook", {})["version"] = repository.version(ROOT)
    if _staging.get("enabled"):
        final = Path(config.site_dir)
        staging = final.with_name(f".{final.name}.staging")
        shutil.rmtree(staging, ignore_errors=True)  # left over from a killed build
        _staging.update(config=config, final=final, staging=staging, ok=False)
        config.site_dir = str(staging)
    return config


def _remove_output() -> None:
    """Remove a build's temporary folder in the background (tens of thousands of files at scale);
    on_shutdown waits for it. A serve session keeps its folder until the end."""
    output = _output.pop("now", None)
    if output and not _serving:
        removal = threading.Thread(target=shutil.rmtree, args=(output.folder,), kwargs={"ignore_errors": True})
        removal.start()
        _removals.append(removal)


def on_build_error(error: Exception) -> None:
    _remove_output()
    gc.enable()
    if "staging" in _staging:
        _staging["ok"] = False
        shutil.rmtree(_staging["staging"], ignore_errors=True)


def on_shutdown() -> None:
    """Swap the finished site in: the old one is moved aside first, then removed."""
    for removal in _removals:
        removal.join()
    with _after:  # background work of serve's last build
        if "last" in _output:
            shutil.rmtree(_output.pop("last").folder, ignore_errors=True)
    for changed in _rebuild:
        shutil.rmtree(changed.parent, ignore_errors=True)
    search_index.wait()
    if not _staging.get("ok"):
        return
    final, staging = _staging["final"], _staging["staging"]
    previous = final.with_name(f".{final.name}.previous")
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        final.rename(previous)
    staging.rename(final)
    shutil.rmtree(previous, ignore_errors=True)
    _staging["config"].site_dir = str(final)  # for gh-deploy, which reads it after the build
    _staging["ok"] = False


def _theme_fingerprint() -> str:
    """mkdocs.yml and the theme's templates: a change to them changes every page."""
    files = [ROOT / "mkdocs.yml", *sorted((ROOT / "overrides").rglob("*"))]
    return hashlib.sha256(
        "".join(f"{f}:{f.stat().st_mtime_ns}:{f.stat().st_size}\n" for f in files if f.is_file()).encode()
    ).hexdigest()


def _theme_changed(config, fingerprint: str) -> None:
    """Under `serve --dirty`, a change to mkdocs.yml or the theme empties the served folder, so every
    page is built again (a dirty build otherwise rebuilds only pages whose source changed)."""
    stamp = Path(config.site_dir) / ".casebook-theme"
    if stamp.is_file() and stamp.read_text() == fingerprint:
        return
    search_index.wait()  # emptying the folder while Pagefind writes its bundle there would fail
    for entry in Path(config.site_dir).iterdir():
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()
    stamp.write_text(fingerprint)


def on_pre_build(config) -> None:
    _remove_output()
    with _after:  # the previous build's background work is done
        pass
    if _serving:
        gc.disable()  # until the build's background work is done: see _after_build
    last = _output.get("last")
    folder = last.folder if last else Path(tempfile.mkdtemp(prefix="casebook-"))
    try:
        output = site.build(
            ROOT,
            folder,
            {"site_url": config.site_url, **config.extra.get("casebook", {})},
            _reuse if _serving else None,
            defer=_serving,
        )
    except ValidationFailed as failed:
        if not last:
            shutil.rmtree(folder, ignore_errors=True)
        raise PluginError(str(failed)) from None
    _output["now"] = output
    if _serving:
        _output["last"] = output
        _theme_changed(config, _theme_fingerprint())


def on_files(files: Files, config) -> Files:
    output = _output["now"]
    for path in output.pages:
        files.append(File.generated(config, path, abs_src_path=str(output.source(path))))
    return files


def on_env(env, config, files):
    env.bytecode_cache = render.COMPILED  # the theme's templates compiled once per process, not per build
    return env


def on_post_page(output: str, page, config) -> str:
    generated = _output["now"]
    if page.file.src_uri in generated.pages:
        output = htmlblocks.restore(output, generated.blocks(page.file.src_uri))
    return output if _serving else csp.with_csp(output)


def on_post_template(output_content: str, template_name: str, config) -> str:
    return csp.with_csp(output_content) if template_name.endswith(".html") and not _serving else output_content


def on_post_build(config) -> None:
    output = _output["now"]
    output.publish_files(Path(config.site_dir))
    _remove_output()
    if _serving:
        _after.acquire()  # released by the thread when it is done
        threading.Thread(target=_after_build, args=(output.rest,), daemon=True).start()
        search_index.build_index_in_background(Path(config.site_dir))
        return
    try:
        search_index.build_index(Path(config.site_dir))
    except search_index.IndexFailed as failed:
        raise PluginError(str(failed)) from None
    if "staging" in _staging:
        _staging["ok"] = True  # unless MkDocs' strict check fails next: then on_build_error runs


def _after_build(rest) -> None:
    """Under serve, once the edited case's page is out: the rest of the build (the pages that link to it,
    the pages and files about many cases) at low priority (on Linux `nice` applies to this thread, and
    the workers it forks inherit it); then Python's cycle collector, paused since the build began: at
    thousands of cases one full collection walks every object of this build and the last, half a second
    that the edit would otherwise wait for. A rebuild follows if the rest changed a file."""
    changed = False
    try:
        if rest:
            os.nice(10)
            changed = rest()
    except Exception:
        traceback.print_exc()
    finally:
        gc.enable()
        gc.collect()
        _after.release()
    if changed and _rebuild:
        os.utime(_rebuild[0])  # one step: serve's watcher, polling meanwhile, sees one change, not two


def on_serve(server, config, builder):
    folder = Path(tempfile.mkdtemp(prefix="casebook-rebuild-"))
    (folder / "changed").touch()
    _rebuild[:] = [folder / "changed"]
    server.watch(str(folder))
    return server
