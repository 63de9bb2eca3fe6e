"""The region's governance drawn: its active groups, whom each reports to, and the escalation
ladder of the MOU version in force, as an SVG with a text alternative and the same facts in
tables (templates/governance/structure.html). Layout only: boxes in rows by depth below the
groups that report to no one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from governance.models import Group
from mou.models import EscalationLevel, MOUVersion, Region

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 220, 56, 24, 48, 16
LADDER_X_GAP = 48


@dataclass(frozen=True)
class Box:
    group: Group
    x: int
    y: int
    lines: tuple[tuple[str, int], ...]  # each line of its name and where it sits

    @property
    def cx(self) -> int:
        return self.x + BOX_W // 2


@dataclass(frozen=True)
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int


@dataclass(frozen=True)
class Rung:
    level: EscalationLevel
    x: int
    y: int


@dataclass(frozen=True)
class Drawing:
    boxes: list[Box]
    edges: list[Edge]
    rungs: list[Rung]
    width: int
    height: int
    ladder_x: int
    groups: list[Group]
    ladder: list[EscalationLevel]
    description: str


def _placed(text: str, top: int) -> tuple[tuple[str, int], ...]:
    lines = _wrap(text)
    first = top + (33 if len(lines) == 1 else 24)
    return tuple((line, first + i * 18) for i, line in enumerate(lines))


def _wrap(text: str, width: int = 28) -> tuple[str, ...]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return tuple(lines[:2])


def drawing(region: Region, today: datetime.date) -> Drawing:
    groups = [
        g
        for g in Group.objects.filter(region=region)
        .select_related("chair", "reports_to")
        .prefetch_related("local_authorities")
        .order_by("kind", "name")
        if g.is_active_on(today)
    ]
    ids = {g.pk for g in groups}
    depth: dict[int, int] = {}

    def depth_of(group: Group, seen: frozenset[int] = frozenset()) -> int:
        if group.pk in depth:
            return depth[group.pk]
        parent = group.reports_to
        if parent is None or parent.pk not in ids or group.pk in seen:
            depth[group.pk] = 0
        else:
            by_pk = next(g for g in groups if g.pk == parent.pk)
            depth[group.pk] = depth_of(by_pk, seen | {group.pk}) + 1
        return depth[group.pk]

    rows: dict[int, list[Group]] = {}
    for group in groups:
        rows.setdefault(depth_of(group), []).append(group)
    boxes: dict[int, Box] = {}
    for level, members in sorted(rows.items()):
        for i, group in enumerate(members):
            top = MARGIN + level * (BOX_H + GAP_Y)
            boxes[group.pk] = Box(
                group, MARGIN + i * (BOX_W + GAP_X), top, _placed(group.name, top)
            )
    edges = [
        Edge(
            box.cx,
            box.y,
            boxes[box.group.reports_to_id].cx,
            boxes[box.group.reports_to_id].y + BOX_H,
        )
        for box in boxes.values()
        if box.group.reports_to_id in boxes
    ]
    widest = max((len(m) for m in rows.values()), default=0)
    ladder_x = MARGIN + max(widest, 1) * (BOX_W + GAP_X) + LADDER_X_GAP
    version = MOUVersion.objects.in_force_in_region(region, on=today)
    ladder = list(version.escalation_levels.order_by("order")) if version else []
    rungs = [Rung(level, ladder_x, MARGIN + i * (BOX_H + 16)) for i, level in enumerate(ladder)]
    height = max(
        MARGIN * 2 + len(rows) * (BOX_H + GAP_Y),
        MARGIN * 2 + len(ladder) * (BOX_H + 16),
        120,
    )
    reporting = [
        f"{g.name} reports to {g.reports_to.name}"
        for g in groups
        if g.reports_to is not None and g.reports_to_id in ids
    ]
    description = (
        f"{len(groups)} group{'s' if len(groups) != 1 else ''}"
        + (": " + "; ".join(reporting) if reporting else ", none reporting to another")
        + (
            ". Escalation ladder: " + ", then ".join(level.name for level in ladder)
            if ladder
            else ". No escalation ladder in force"
        )
        + "."
    )
    return Drawing(
        boxes=list(boxes.values()),
        edges=edges,
        rungs=rungs,
        width=ladder_x + BOX_W + MARGIN,
        height=height,
        ladder_x=ladder_x,
        groups=groups,
        ladder=ladder,
        description=description,
    )
