"""Bar charts drawn on the server as SVG (docs/adr/0010-dashboards.md).

A chart is a picture of a figure's table, which is always shown beside it: the table is what
screen readers, keyboard users and people without JavaScript read, so the chart needs no script,
no library and nothing from another origin. Each axis has a title naming what it shows (the
table's first column along the bottom, the measure up the side). Colours are from the GOV.UK palette and each has at
least 3:1 contrast with the white background (WCAG 2.2, 1.4.11); series are also told apart by
the legend's order and each bar's own title.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from dashboards.figures import Figure

WIDTH, HEIGHT = 640, 280
# Room for the value axis's title and labels, and for the quarter labels and their title.
LEFT, RIGHT, TOP, BOTTOM = 72, 8, 12, 62
TABLE_BESIDE_ROWS = 12  # longer tables go under the chart, which would float in empty space
# GOV.UK blue, green, purple, dark grey, red, dark blue: each >= 3:1 against white.
COLOURS = ["#1d70b8", "#00703c", "#4c2c92", "#505a5f", "#d4351c", "#003078"]


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class Label:
    x: float
    text: str


@dataclass(frozen=True)
class Series:
    name: str
    colour: str


@dataclass(frozen=True)
class AxisTitle:
    x: float
    y: float
    text: str
    rotate: int = 0  # degrees about (x, y): -90 reads upwards, beside the value axis


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: float
    bars: list[Bar]
    ticks: list[Tick]
    labels: list[Label]
    series: list[Series]
    x_title: AxisTitle
    y_title: AxisTitle
    table_beside: bool  # a short table of one series fits beside the chart on wide screens

    @property
    def axis_titles(self) -> tuple[AxisTitle, AxisTitle]:
        return (self.x_title, self.y_title)

    @property
    def description(self) -> str:
        return (
            f"Bar chart of the table next to it: {self.y_title.text.lower()} (up the side) by "
            f"{self.x_title.text.lower()} (along the bottom)."
        )


def _nice_step(largest: float) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving four or five ticks."""
    if largest <= 0:
        return 1
    raw = largest / 4
    power = 10 ** math.floor(math.log10(raw))
    for multiple in (1, 2, 5, 10):
        if raw <= multiple * power:
            return max(multiple * power, 1)
    return 10 * power


def bar_chart(figure: Figure) -> Chart:
    """Grouped bars: one group per row (its first cell), one bar per numeric column."""
    names = figure.columns[1:]
    values = [
        [v if isinstance(v, int | float) else float(v or 0) for v in r[1:]] for r in figure.rows
    ]
    largest = max((v for row in values for v in row), default=0)
    step = _nice_step(largest)
    top = step * max(math.ceil(largest / step), 1)
    plot_height = HEIGHT - TOP - BOTTOM
    baseline = TOP + plot_height
    group_width = (WIDTH - LEFT - RIGHT) / max(len(values), 1)
    bar_width = group_width * 0.7 / max(len(names), 1)
    bars, labels = [], []
    label_every = math.ceil(len(values) / 8)  # at most eight labels along the bottom
    for i, (row, numbers) in enumerate(zip(figure.rows, values, strict=True)):
        group_left = LEFT + i * group_width + group_width * 0.15
        for j, value in enumerate(numbers):
            height = plot_height * value / top
            shown = "no figure" if row[j + 1] is None else row[j + 1]
            bars.append(
                Bar(
                    x=round(group_left + j * bar_width, 1),
                    y=round(baseline - height, 1),
                    width=round(max(bar_width - 1, 1), 1),  # a 1px gap between touching bars
                    height=round(height, 1),
                    colour=COLOURS[j % len(COLOURS)],
                    title=f"{row[0]}, {names[j]}: {shown}",
                )
            )
        if i % label_every == 0:
            labels.append(Label(x=round(LEFT + (i + 0.5) * group_width, 1), text=str(row[0])))
    ticks = [
        Tick(y=round(baseline - plot_height * n * step / top, 1), label=f"{n * step:g}")
        for n in range(round(top / step) + 1)
    ]
    series = [Series(name, COLOURS[j % len(COLOURS)]) for j, name in enumerate(names)]
    # A figure of several series names its measure; one series is its column.
    measure = figure.value_axis or names[0]
    return Chart(
        slug=figure.slug,
        title=figure.title,
        width=WIDTH,
        height=HEIGHT,
        plot_left=LEFT,
        plot_right=WIDTH - RIGHT,
        baseline=baseline,
        bars=bars,
        ticks=ticks,
        labels=labels,
        series=series if len(series) > 1 else [],
        x_title=AxisTitle(
            x=round(LEFT + (WIDTH - LEFT - RIGHT) / 2, 1), y=HEIGHT - 8, text=figure.columns[0]
        ),
        y_title=AxisTitle(x=16, y=round(TOP + plot_height / 2, 1), text=measure, rotate=-90),
        table_beside=len(names) == 1 and len(figure.rows) <= TABLE_BESIDE_ROWS,
    )
