"""The change history of each case, field by field, from the committed versions of its file.

`repository.file_versions` lists each file's versions (one `git log` for the whole folder) and
`repository.read_blobs` reads them (one `git cat-file` for all), each blob parsed once: the work for a
case grows with its own commits, not with the catalogue. Successive versions are compared as data, so a
change to comments or layout alone is no change. A version that does not parse is skipped.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import yaml

from . import parallel, repository

#: Values shown in full in a change ("status changed from active to ended"); longer text is only named.
SHORT = 40
#: List items are matched across versions by the first of these fields they have.
IDENTITIES = ("key", "term", "metric", "case", "year", "field")


def _label(path: str) -> str:
    return path.replace("_", " ").replace(".", " ")


def _shown(value) -> str | None:
    """The value in words, when it is short enough to quote in a change; else None."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float) or (isinstance(value, str) and len(value) <= SHORT and "\n" not in value):
        return str(value)
    if not isinstance(value, dict | list | str) and value is not None:  # a date parsed by YAML
        return str(value)
    return None


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _identity(item):
    if isinstance(item, dict):
        for name in IDENTITIES:
            if name in item:
                return name, _canonical(item[name])
    return None


def _list_change(path: str, old: list, new: list) -> str | None:
    """'results: 2 added, 1 changed': the items of a list, matched by content, then by identity."""
    before = Counter(_canonical(i) for i in old)
    after = Counter(_canonical(i) for i in new)
    removed = [json.loads(t) for t in (before - after).elements()]
    added = [json.loads(t) for t in (after - before).elements()]
    left = Counter(_identity(item) for item in removed if _identity(item) is not None)
    changed = 0
    for item in added:
        key = _identity(item)
        if key is not None and left[key] > 0:
            left[key] -= 1
            changed += 1
    parts = [
        f"{len(added) - changed} added" if len(added) > changed else "",
        f"{len(removed) - changed} removed" if len(removed) > changed else "",
        f"{changed} changed" if changed else "",
    ]
    if not any(parts) and old != new:
        parts = ["reordered"]
    words = ", ".join(p for p in parts if p)
    return f"{_label(path)}: {words}" if words else None


def changes(old, new, path: str = "") -> list[str]:
    """What changed from `old` to `new`, in words, one item per field."""
    if old == new:
        return []
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for key in [*old, *(k for k in new if k not in old)]:
            name = f"{path}.{key}" if path else str(key)
            if key not in new:
                out.append(f"{_label(name)} removed")
            elif key not in old and isinstance(new[key], list):
                out.append(f"{_label(name)}: {len(new[key])} added")
            elif key not in old:
                shown = _shown(new[key])
                out.append(f"{_label(name)} set to {shown}" if shown is not None else f"{_label(name)} added")
            else:
                out += changes(old[key], new[key], name)
        return out
    if isinstance(old, list) and isinstance(new, list):
        change = _list_change(path, old, new)
        return [change] if change else []
    before, after = _shown(old), _shown(new)
    if before is not None and after is not None:
        return [f"{_label(path)} changed from {before} to {after}"]
    return [f"{_label(path)} changed"]


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: about ten times faster


def _parse(text: str):
    try:
        data = yaml.load(text, Loader=_LOADER)
    except yaml.YAMLError:
        return None
    return data if isinstance(data, dict) else None


def case_histories(root: Path, folder: str, commit_url: str | None = None) -> dict[str, list[dict]]:
    """Each case file's history by path, newest first: [{commit, date, time, changes, last_reviewed?, url?}].

    `commit_url` is the repository host's address of a commit without its hash
    ('https://github.com/owner/repo/commit/'), when the deploy knows it.
    """
    versions = repository.file_versions(root, folder)
    blobs = sorted({v.blob for vs in versions.values() for v in vs})
    texts = repository.read_blobs(root, blobs)
    # by blob hash: identical content is parsed once, the blobs shared out over every core
    parsed = dict(zip(blobs, parallel.map_everywhere(lambda blob: _parse(texts.get(blob, "")), blobs), strict=True))
    histories: dict[str, list[dict]] = {}
    for path, file_versions in versions.items():
        entries = []
        previous = None
        for version in file_versions:
            data = parsed[version.blob]
            if data is None:
                continue
            found = ["case added"] if previous is None else changes(previous, data)
            previous = data
            if not found:
                continue
            entry = {"commit": version.commit, "date": version.date, "time": version.time, "changes": found}
            if data.get("last_reviewed"):
                entry["last_reviewed"] = str(data["last_reviewed"])
            if commit_url:
                entry["url"] = commit_url + version.commit
            entries.append(entry)
        histories[path] = entries[::-1]
    return histories
