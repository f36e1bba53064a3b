"""A synthetic catalogue of N cases, shaped like the real one, for benchmarks.

Every draw (number of tags per framework, text lengths, result rows, sources) is
sampled from the real cases under cases/, and the words come from their text, so
pages weigh what real pages weigh. Deterministic for a given seed. The project is
written to a scratch folder, never into cases/, and committed there to a git
repository of its own (one commit), so the build's history pass has history to read.

    python bench/synthetic.py 500 /tmp/casebook-500 [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This checkout's generator first: the virtualenv's editable install may point at another worktree.
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from generator import citations, schema  # noqa: E402
from generator.model import COUNTRIES  # noqa: E402
from generator.validate import load_catalogue  # noqa: E402

PROJECT_PARTS = ("mkdocs.yml", "glossary.yaml", "generator", "hooks", "overrides", "docs", "frameworks", "schema")

#: The one commit of a synthetic project: fixed, so two runs with one seed build the same site.
COMMIT_ENV = {
    "GIT_AUTHOR_NAME": "Casebook benchmark",
    "GIT_AUTHOR_EMAIL": "bench@example.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T12:00:00+00:00",
    "GIT_COMMITTER_NAME": "Casebook benchmark",
    "GIT_COMMITTER_EMAIL": "bench@example.invalid",
    "GIT_COMMITTER_DATE": "2026-01-01T12:00:00+00:00",
}


class Sampler:
    """Distributions measured on the real catalogue."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        catalogue = load_catalogue(ROOT)
        self.cases = catalogue.cases
        self.frameworks = catalogue.frameworks
        text = " ".join(
            citations.strip_markers(t)
            for c in self.cases
            for _, t, sub in schema.strings(c.data, schema.case_schema([f.data for f in self.frameworks]))
            if sub.get("x-prose")
        )
        self.words = re.findall(r"[A-Za-z][a-z]+", text)

    def like(self, pick):
        """The value `pick` takes on a randomly chosen real case."""
        return pick(self.rng.choice(self.cases))

    def sentence(self, words: int) -> str:
        out = " ".join(self.rng.choice(self.words) for _ in range(max(words, 3)))
        return out[0].upper() + out[1:]

    def prose(self, template: str | None, key: str = "src") -> str | None:
        """Text as long as a real field, paragraph by paragraph, each with a citation."""
        if not template:
            return None
        paragraphs = citations.paragraphs(citations.strip_markers(template)) or [template]
        return "\n\n".join(
            f"{self.sentence(len(p.split()))} [@{key}, section {self.rng.randint(1, 9)}.{self.rng.randint(1, 9)}]."
            for p in paragraphs
        )


def make_case(n: int, sampler: Sampler) -> dict:
    rng = sampler.rng
    base = rng.choice(sampler.cases).data
    slug = f"synthetic-case-{n:05d}"
    case: dict = {
        "slug": slug,
        "name": f"{sampler.sentence(rng.randint(2, 6))} {n}",
        "summary": sampler.prose(base["summary"]),
        "countries": rng.sample(sorted(COUNTRIES), k=1 if rng.random() < 0.9 else 2),
        "status": base["status"],
    }
    for field in ("region", "setting"):
        if base.get(field):
            case[field] = sampler.sentence(len(base[field].split()))
    if base.get("health_system"):
        case["health_system"] = {
            "type": base["health_system"]["type"],
            "why": sampler.prose(base["health_system"]["why"]),
        }
    if base.get("start_year"):
        case["start_year"] = rng.randint(1990, 2024)
    for field in ("population_served", "target_population", "context", "financing"):
        if base.get(field):
            case[field] = sampler.prose(base[field])
    if base.get("target_groups"):
        case["target_groups"] = base["target_groups"]
    for fw in sampler.frameworks:
        field = fw.case_field
        count = sampler.like(lambda c, field=field: len(c.data.get(field, [])))
        if field == "building_blocks":
            count = max(count, 2)
        terms = rng.sample(fw.terms, k=min(count, len(fw.terms)))
        tags = []
        for term in terms:
            model = sampler.like(lambda c, field=field: (c.data.get(field) or [{"how": "short line here [@src]"}])[0])
            tag = {"term": term.id, "how": sampler.prose(model["how"])}
            if model.get("detail"):
                tag["detail"] = sampler.prose(model["detail"])
            if fw.data.get("levels"):
                tag["level"] = rng.choice(fw.levels)
            tags.append(tag)
        if tags:
            case[field] = tags
    results = sampler.like(lambda c: c.data.get("results", []))
    if results:
        case["results"] = [
            {
                "metric": sampler.sentence(len(r["metric"].split())),
                "value": rng.randint(-90, 90),
                "unit": "%",
                "period": f"{rng.randint(2000, 2015)}-{rng.randint(2016, 2024)}",
                "direction": rng.choice(list(schema.DIRECTIONS)),
                "cite": "[@src]",
                "design": r["design"],
                "certainty": r["certainty"],
                "certainty_why": sampler.prose(r["certainty_why"]),
            }
            for r in results
        ]
    grades = list(schema.EVIDENCE_GRADES)  # strongest first; the grade may not claim more than the results show
    supported = schema.grade_supported(r["design"] for r in case.get("results", []))
    grade = max(base["evidence"]["grade"], supported, key=grades.index)
    case["evidence"] = {"grade": grade, "why": sampler.prose(base["evidence"]["why"])}
    search = base["evaluation_search"]
    case["evaluation_search"] = {
        "searched": search["searched"],
        "outcome": search["outcome"],
        "note": sampler.prose(search["note"]),
    }
    case["stage"] = {"grade": base["stage"]["grade"], "why": sampler.prose(base["stage"]["why"])}
    for field in ("strengths", "weaknesses", "barriers", "facilitators", "lessons"):
        if base.get(field):
            case[field] = [sampler.prose(item) for item in base[field]]
    case["sources"] = [
        {
            "key": "src",
            "type": "report",
            "authors": [f"Author{n} {chr(65 + n % 26)}"],
            "year": rng.randint(2000, 2024),
            "title": sampler.sentence(rng.randint(6, 16)),
            "publisher": sampler.sentence(3),
        }
    ]
    return case


def write_project(n_cases: int, target: Path, seed: int = 1) -> Path:
    """A complete scratch project (code, theme, frameworks) with N synthetic cases."""
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for part in PROJECT_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, target / part)
    (target / "cases").mkdir()
    sampler = Sampler(random.Random(seed))
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    for n in range(n_cases):
        case = make_case(n, sampler)
        text = "# yaml-language-server: $schema=../schema/case.schema.json\n" + yaml.dump(
            case, Dumper=dumper, allow_unicode=True, sort_keys=False, width=100
        )
        (target / "cases" / f"{case['slug']}.yaml").write_text(text, encoding="utf-8")
    commit(target)
    return target


def commit(project: Path) -> None:
    """Make the project a git repository with everything in one commit.

    The build reads `git log` of cases/ for each case's history and the catalogue's version; in a
    repository of its own, the synthetic project pays for that as the real one does (outside one,
    or inside the casebook's own checkout, git would find no history and the step would cost nothing)."""
    env = {**os.environ, **COMMIT_ENV}
    settings = ["-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "Synthetic catalogue"]):
        subprocess.run(["git", *settings, *command], cwd=project, env=env, check=True, capture_output=True, timeout=600)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("n", type=int)
    parser.add_argument("target", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.target.resolve() == ROOT or ROOT in args.target.resolve().parents:
        parser.error("write synthetic catalogues outside the project")
    write_project(args.n, args.target, args.seed)
    print(f"wrote {args.n} synthetic cases to {args.target}/cases")


if __name__ == "__main__":
    main()
