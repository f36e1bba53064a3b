"""Bar charts drawn at build time as SVG, each paired with a table for screen readers and print."""

from __future__ import annotations

from markupsafe import Markup

from .htmlblocks import text

BAR_HEIGHT = 22
LABEL_WIDTH = 300
BAR_WIDTH = 380


def bar_chart(title: str, rows: list[tuple[str, int, str]]) -> Markup:
    """Horizontal bars: (label, count, link) rows, as given. The SVG is hidden from screen
    readers, which read the table that follows it."""
    top = max((count for _, count, _ in rows), default=0) or 1
    height = BAR_HEIGHT * len(rows) + 8
    bars = []
    for i, (label, count, href) in enumerate(rows):
        y = 4 + i * BAR_HEIGHT
        width = round(BAR_WIDTH * count / top, 1)
        bars.append(
            Markup(
                '<a href="{href}"><text class="cb-chart__label" x="{lx}" y="{ty}" text-anchor="end">{label}</text>'
                '<rect class="cb-chart__bar" x="{bx}" y="{y}" width="{w}" height="{h}" rx="2"/>'
                '<text class="cb-chart__count" x="{cx}" y="{ty}">{count}</text></a>'
            ).format(
                href=href,
                lx=LABEL_WIDTH - 8,
                ty=y + 15,
                label=text(label),
                bx=LABEL_WIDTH,
                y=y + 3,
                w=width,
                h=BAR_HEIGHT - 6,
                cx=LABEL_WIDTH + width + 6,
                count=count,
            )
        )
    svg = Markup(
        '<svg class="cb-chart" viewBox="0 0 {w} {h}" aria-hidden="true" focusable="false">{bars}</svg>'
    ).format(w=LABEL_WIDTH + BAR_WIDTH + 50, h=height, bars=Markup("").join(bars))
    table = Markup("").join(
        Markup('<tr><th scope="row"><a href="{}">{}</a></th><td class="cb-num">{}</td></tr>').format(
            href, text(label), count
        )
        for label, count, href in rows
    )
    return Markup(
        '<figure class="cb-figure">{svg}<figcaption>{title}</figcaption></figure>'
        '<details class="cb-chart-table"><summary>{title}: the figures as a table</summary>'
        '<table class="cb-table"><thead><tr><th scope="col">{title}</th><th scope="col">Cases</th></tr></thead>'
        "<tbody>{table}</tbody></table></details>"
    ).format(svg=svg, title=title, table=table)
