"""The national return's statement: what DfE's quarterly return asks of each LA beyond the
figures. Its layout is configuration, not code: DfE's operational guidance is not confirmed
(DOMAIN.md 5a.6), so what is asked comes from the trade press (October 2024): compliance with
each rule, with an explanation where an LA did not comply; price-cap breaches and who signed
them off; agencies whose behaviour affected compliance; total monthly agency cost.

A revision keeps the layout it was answered in (`Revision.statement_layout`), so changing
`settings.DATA_RETURN_STATEMENT_LAYOUT` to a new layout when DfE confirms it leaves earlier
returns readable as they were answered. Questions are keyed, and answers are stored against the
key (`ComplianceAnswer.question`): a new layout needs no migration.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import checks

from mou.models import RULE_DEFAULTS, RuleKind


@dataclass(frozen=True)
class Question:
    key: str
    label: str  # short, for lists, check messages and the register
    text: str  # the question as the form asks it
    hint: str


@dataclass(frozen=True)
class Layout:
    version: str
    title: str
    source: str
    questions: tuple[Question, ...]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions if q.key == key), None)


def _rule(kind: RuleKind, label: str) -> Question:
    return Question(
        key=str(kind),
        label=label,
        text=f"Did the local authority comply with the {label.lower()} rule in the quarter?",
        hint=RULE_DEFAULTS[kind].wording,
    )


PRESS_2024_10 = Layout(
    version="2024-10",
    title="Compliance with the national agency rules",
    source="The statutory guidance of 31 October 2024 as reported in the trade press; DfE's "
    "operational guidance is not yet confirmed",
    questions=(
        _rule(RuleKind.PRICE_CAPS, "Price caps"),
        _rule(RuleKind.MIN_PQE_YEARS, "Post-qualification experience"),
        _rule(RuleKind.REFERENCES_REQUIRED, "References"),
        _rule(RuleKind.NON_ENGAGEMENT_MONTHS, "Non-engagement period"),
        _rule(RuleKind.NOTICE_WEEKS, "Notice periods"),
        _rule(RuleKind.PROJECT_TEAM_CONTROLS, "Project teams"),
    ),
)

LAYOUTS: dict[str, Layout] = {layout.version: layout for layout in (PRESS_2024_10,)}


def current_layout() -> Layout:
    """The layout new revisions are answered in."""
    return LAYOUTS[settings.DATA_RETURN_STATEMENT_LAYOUT]


def layout_of(version: str) -> Layout:
    """The layout a revision was answered in (the current one for a revision not yet
    answered)."""
    return LAYOUTS.get(version) or current_layout()


def check_layout_setting(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A Django system check: the configured layout is one this module declares."""
    version = settings.DATA_RETURN_STATEMENT_LAYOUT
    if version in LAYOUTS:
        return []
    return [
        checks.Error(
            f"DATA_RETURN_STATEMENT_LAYOUT is {version!r}, not a layout of "
            "datasharing/national_return.py",
            hint=f"Use one of: {', '.join(sorted(LAYOUTS))}",
            id="datasharing.E001",
        )
    ]
