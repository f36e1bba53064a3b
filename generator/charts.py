"""Bar charts of the overview page, each shown with its data, its source and a CSV to download.

The bars are HTML, not a scaled SVG: their labels are page text at the page's own size, so
they stay legible from a phone to a wide screen and wrap instead of being cut off. Each bar
is a link to the cases behind it; its label and count are read out as text, and the bar's
length is drawn by CSS from a custom property.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from .exports import csv_text
from .htmlblocks import text


@dataclass
class Chart:
    id: str  # the section's id and the CSV's name
    title: str
    subtitle: str  # what a bar counts, in plain words
    column: str  # heading of the label column of the data table
    measure: str  # completes "counts of cases by ..." in the source line
    rows: list[tuple[str, int, str]]  # (label, count, link)

    @property
    def csv_name(self) -> str:
        return f"{self.id}.csv"

    def csv(self) -> str:
        return csv_text([self.column, "cases"], [[label, count] for label, count, _ in self.rows])


def bar_chart(chart: Chart, as_of: str) -> Markup:
    """A chart section: subtitle, bars, "Show the data" table, source line and download link."""
    top = max((count for _, count, _ in chart.rows), default=0) or 1
    bars = Markup("").join(
        Markup(
            '<li><a class="cb-bars__row" href="{href}"><span class="cb-bars__label">{label}</span>'
            '<span class="cb-bars__plot"><span class="cb-bars__bar" aria-hidden="true" style="--cb-bar: {pct}%"></span>'
            '<span class="cb-bars__value">{count}<span class="cb-sr-only"> case{s}</span></span></span></a></li>'
        ).format(
            href=href, label=text(label), pct=round(100 * count / top, 1), count=count, s="" if count == 1 else "s"
        )
        for label, count, href in chart.rows
    )
    table = Markup("").join(
        Markup('<tr><th scope="row"><a href="{}">{}</a></th><td class="cb-num">{}</td></tr>').format(
            href, text(label), count
        )
        for label, count, href in chart.rows
    )
    when = Markup(", as of {}").format(as_of) if as_of else ""
    return Markup(
        '<p class="cb-chart__subtitle">{subtitle}</p>'
        '<ol class="cb-bars" aria-label="{title}">{bars}</ol>'
        '<details class="cb-chart__data"><summary>Show the data</summary>'
        '<table class="cb-table"><caption class="cb-sr-only">{title}</caption>'
        '<thead><tr><th scope="col">{column}</th><th scope="col" class="cb-num">Cases</th></tr></thead>'
        "<tbody>{table}</tbody></table></details>"
        '<p class="cb-chart__source"><strong>Source:</strong> the casebook\'s case files; counts of cases by '
        "{measure}{when}. "
        '<a href="{csv}" download>Download the data (CSV)</a></p>'
    ).format(
        subtitle=chart.subtitle,
        title=chart.title,
        bars=bars,
        column=chart.column,
        table=table,
        measure=chart.measure,
        when=when,
        csv=chart.csv_name,
    )
