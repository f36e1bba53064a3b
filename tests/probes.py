"""Case files that exist only in the tests' scratch project (see the `scratch` fixture in conftest.py).

Each is a valid case with its own slug, so one build of the scratch project serves every test that
needs a changed catalogue.
"""

from __future__ import annotations

from pathlib import Path

import yaml

PAYLOADS = [
    line
    for line in (Path(__file__).parent / "xss-payloads.txt").read_text(encoding="utf-8").splitlines()
    if line.strip()
]

# A minimal valid case; tests/test_site.py breaks it in several ways.
PROBE = """slug: probe
name: Probe case
summary: A probe used by the tests [@src].
countries: [DE]
status: active
building_blocks:
  - term: financing-and-incentives
    how: Paid through a shared savings contract [@src, section 1].
evidence:
  grade: none
  why: No figures are reported [@src].
stage:
  grade: pilot
  why: Runs in one region [@src].
sources:
  - key: src
    type: report
    authors: [Doe J]
    year: 2020
    title: A test source
"""

INJECTION = "<script>alert('x')</script> <img src=x onerror=alert(1)> {{ 7*7 }} {% if true %}jinja{% endif %} **bold**"

# The probe with markup, Jinja and Markdown in its name and summary.
INJECTED = (
    PROBE.replace("slug: probe", "slug: injected")
    .replace("name: Probe case", f'name: "Probe {INJECTION}"')
    .replace("summary: A probe used by the tests [@src].", f'summary: "{INJECTION} [@src]."')
)


def poisoned_case() -> dict:
    """A case whose every text field carries a payload of xss-payloads.txt; prose fields keep their citation."""
    n = iter(range(10_000))

    def text(prose: bool = True) -> str:
        payload = PAYLOADS[next(n) % len(PAYLOADS)]
        return f"{payload} [@src]" if prose else payload

    return {
        "slug": "poisoned",
        "name": text(False),
        "also_known_as": [text(False)],
        "summary": text(),
        "countries": ["DE"],
        "region": text(False),
        "setting": text(False),
        "health_system": {"type": "mixed", "why": text()},
        "start_year": 2001,
        "start_year_note": text(),
        "status": "active",
        "population_served": text(),
        "target_population": text(),
        "context": text(),
        "financing": text(),
        "building_blocks": [{"term": "financing-and-incentives", "how": text(), "detail": text()}],
        "payment_instruments": [{"term": "shared-savings", "how": text()}],
        "timeline": [{"year": 2001, "kind": "start", "event": text()}],
        "results": [
            {
                "metric": text(False),
                "value": text(False),
                "unit": text(False),
                "baseline": text(False),
                "period": text(False),
                "direction": "improved",
                "cite": "[@src]",
                "note": text(False),
            }
        ],
        "evidence": {"grade": "none", "why": text()},
        "stage": {"grade": "pilot", "why": text()},
        "strengths": [text()],
        "weaknesses": [text()],
        "barriers": [text()],
        "facilitators": [text()],
        "lessons": [text()],
        "related": [{"slug": "gesundes-kinzigtal", "why": text(False)}],
        "sources": [
            {
                "key": "src",
                "type": "report",
                "authors": [text(False)],
                "year": 2020,
                "title": text(False),
                "container": text(False),
                "publisher": text(False),
                "note": text(False),
                "url": "https://example.org/report",
            }
        ],
    }


def scratch_cases() -> dict[str, str]:
    """File name under cases/ -> text, for the scratch project."""
    return {
        "probe.yaml": PROBE,
        "injected.yaml": INJECTED,
        "poisoned.yaml": yaml.safe_dump(poisoned_case(), allow_unicode=True, sort_keys=False),
    }
