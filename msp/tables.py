"""The agency list's columns and rows, and the standing tag supplier pages share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.utils.html import format_html
from django.utils.safestring import SafeString

from kernel.tables import Column
from msp.models import Agency, StandingStatus

TAG_COLOURS = {"active": "green", "warned": "yellow", "suspended": "orange", "removed": "red"}

# The agency list's columns (templates/msp/agency_list.html draws the rows); the standing column
# shows when a region is chosen.
AGENCY_COLUMNS = [
    Column("Name", "name", ("name",)),
    Column("Companies House number", "company_number", ("company_number",)),
    Column("MSPs (tier)"),
]
STANDING_COLUMN = Column("Standing")


def standing_tag(status: str | None) -> SafeString:
    status = status or StandingStatus.ACTIVE
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        TAG_COLOURS[status],
        StandingStatus(status).label,
    )


class AgencyRow(TypedDict):
    """A row of the agency list, worded in Python: dict keys are the template engine's quickest
    lookups (an attribute lookup on a model first tries, and fails, a key)."""

    name: str
    url: str
    company_number: str
    msps: str
    standing: SafeString | None  # None: no region chosen


def agency_rows(agencies: Iterable[Agency], *, with_standing: bool) -> list[AgencyRow]:
    """The page's agencies as rows. `current_memberships` is prefetched by the view, and
    `standing` annotated for the chosen region."""
    return [
        {
            "name": a.name,
            "url": a.get_absolute_url(),
            "company_number": a.company_number,
            "msps": ", ".join(f"{m.msp.name} ({m.tier})" for m in a.current_memberships)  # type: ignore[attr-defined]
            or "None",
            "standing": standing_tag(getattr(a, "standing", None)) if with_standing else None,
        }
        for a in agencies
    ]
