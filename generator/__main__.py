"""Command line: `python -m generator validate | schema | new <slug>`."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from . import schema, site
from .problems import ValidationFailed
from .validate import load_catalogue, reserved_slugs

ROOT = Path(__file__).resolve().parent.parent


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        catalogue = load_catalogue(args.root)
    except ValidationFailed as failed:
        for problem in failed.problems:
            print(problem)
        if os.environ.get("GITHUB_ACTIONS") == "true":
            for problem in failed.problems:
                print(problem.github_annotation())
        count = len(failed.problems)
        print(
            f"\n{count} problem{'s' if count != 1 else ''} found. "
            "Fix each at the line and column given, then run 'make validate' again.",
            file=sys.stderr,
        )
        return 1
    print(f"All good: {len(catalogue.cases)} cases and {len(catalogue.frameworks)} frameworks are valid.")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    try:
        catalogue = load_catalogue(args.root)
    except ValidationFailed as failed:
        print(failed, file=sys.stderr)
        return 1
    for path, text in site.schema_files(catalogue).items():
        target = args.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    slug = args.slug or ""
    if not slug:
        print(
            "Give the new case's slug (its file name, from the programme's name): "
            "make new SLUG=my-programme (or: python -m generator new my-programme)",
            file=sys.stderr,
        )
        return 2
    if not re.fullmatch(schema.SLUG_PATTERN, slug):
        print(f"'{slug}' is not a usable slug: {schema.PATTERN_HINTS[schema.SLUG_PATTERN]}", file=sys.stderr)
        return 2
    reserved = reserved_slugs(args.root)
    if slug in reserved:
        print(f"'{slug}' is taken by {reserved[slug]}: choose another slug, like '{slug}-programme'", file=sys.stderr)
        return 2
    target = args.root / "cases" / f"{slug}.yaml"
    if target.exists() or target.is_symlink():
        print(f"{target.relative_to(args.root)} already exists: edit it instead", file=sys.stderr)
        return 1
    template = (Path(__file__).parent / "templates" / "case-template.yaml").read_text(encoding="utf-8")
    name = args.name or slug.replace("-", " ").capitalize()
    target.write_text(template.replace("__SLUG__", slug).replace("__NAME__", name), encoding="utf-8")
    print(f"created {target.relative_to(args.root)}: fill it in, then run 'make validate'")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description="Integrated Care Casebook generator")
    parser.add_argument("--root", type=Path, default=ROOT, help="project folder (holding cases/ and frameworks/)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("validate", help="check every case and framework file; print all problems").set_defaults(
        run=cmd_validate
    )
    commands.add_parser("schema", help="write schema/*.schema.json from the data model").set_defaults(run=cmd_schema)
    new = commands.add_parser("new", help="create cases/<slug>.yaml from the commented template")
    new.add_argument("slug", nargs="?")
    new.add_argument("--name", help="the programme's name")
    new.set_defaults(run=cmd_new)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
