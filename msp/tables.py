from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

import django_tables2 as tables
from django.utils.html import format_html

from kernel.tables import LINK_ATTRS
from msp.models import Agency, ChainMembership, StandingStatus

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class _CurrentMemberships(TypedDict):
    current_memberships: list[ChainMembership]  # prefetched by the view (to_attr)


TAG_COLOURS = {"active": "green", "warned": "yellow", "suspended": "orange", "removed": "red"}


def standing_tag(status: str | None) -> str:
    status = status or StandingStatus.ACTIVE
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        TAG_COLOURS[status],
        StandingStatus(status).label,
    )


class AgencyTable(tables.Table):
    name = tables.Column(linkify=True, attrs=LINK_ATTRS)
    company_number = tables.Column(verbose_name="Companies House number")
    msps = tables.Column(empty_values=(), orderable=False, verbose_name="MSPs (tier)")
    standing = tables.Column(empty_values=(), orderable=False, verbose_name="Standing")

    class Meta:
        model = Agency
        fields = ["name", "company_number", "msps", "standing"]
        empty_text = "No agencies match your filters."

    def __init__(self, *args, show_standing: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not show_standing:
            self.columns.hide("standing")

    def render_msps(self, record: WithAnnotations[Agency, _CurrentMemberships]) -> str:
        memberships = record.current_memberships  # prefetched by the view
        return ", ".join(f"{m.msp.name} ({m.tier})" for m in memberships) or "None"

    def render_standing(self, record: Agency) -> str:
        return standing_tag(getattr(record, "standing", None))
