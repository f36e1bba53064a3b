"""Case files that exist only in the tests' scratch project (see the `scratch` fixture in conftest.py).

Each is a valid case with its own slug, so one build of the scratch project serves every test that
needs a changed catalogue.
"""

from __future__ import annotations

# A minimal valid case; tests/test_site.py breaks it in several ways.
PROBE = """slug: probe
name: Probe case
summary: A probe used by the tests [@src].
countries: [DE]
status: active
building_blocks:
  - term: financing-and-incentives
    how: Paid through a shared savings contract [@src, section 1].
  - term: competent-workforce
    how: Staff were trained together [@src, section 2].
evidence:
  grade: none
  why: No figures are reported [@src].
stage:
  grade: pilot
  why: Runs in one region [@src].
evaluation_search:
  searched: "2026-11-30"
  outcome: none-found
  note: No published evaluation was found [@src].
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


def scratch_cases() -> dict[str, str]:
    """File name under cases/ -> text, for the scratch project."""
    return {
        "probe.yaml": PROBE,
        "injected.yaml": INJECTED,
    }
