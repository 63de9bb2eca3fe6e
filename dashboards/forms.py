"""The dashboard filters: a period of whole quarters, and a region and an LA where they apply."""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django import forms

from dashboards.periods import Period, offered_quarters, parse_quarter, quarter_key, quarter_label
from kernel.forms import GovukForm, choice_field
from mou.models import LocalAuthority, Region


class DashboardFilterForm(GovukForm):
    """Read from the query string. An invalid choice is explained beside its field and the
    dashboard shows its default period meanwhile, so nothing is lost and nothing fails."""

    start = forms.ChoiceField(
        label="From quarter", error_messages={"invalid_choice": "Select a quarter from the list"}
    )
    end = forms.ChoiceField(
        label="To quarter", error_messages={"invalid_choice": "Select a quarter from the list"}
    )

    def __init__(
        self,
        data,
        *,
        today: datetime.date,
        regions: list[Region] | None = None,
        local_authorities: Sequence[LocalAuthority] | None = None,
    ) -> None:
        self.default = Period.default(today)
        initial = {"start": quarter_key(self.default.first), "end": quarter_key(self.default.last)}
        # Only the fields a person filled in count: an empty query string is the default view.
        data = {**initial, **{k: v for k, v in data.items() if v}} if data else None
        super().__init__(data, initial=initial)
        choices = [(quarter_key(q), quarter_label(q)) for q in offered_quarters(today)]
        choice_field(self, "start").choices = choices
        choice_field(self, "end").choices = choices
        if regions is not None:
            self.fields["region"] = forms.ChoiceField(
                label="Region",
                required=False,
                choices=[(r.code, r.name) for r in regions],
                error_messages={"invalid_choice": "Select a region from the list"},
            )
        self.local_authorities: dict[str, LocalAuthority] = {}
        if local_authorities is not None:
            self.local_authorities = {la.la_code: la for la in local_authorities}
            self.fields["la"] = forms.ChoiceField(
                label="Local authority",
                required=False,
                choices=[("", "All local authorities")]
                + [(la.la_code, la.name) for la in local_authorities],
                error_messages={"invalid_choice": "Select a local authority from the list"},
            )

    def clean(self):
        cleaned = super().clean()
        start, end = parse_quarter(cleaned.get("start", "")), parse_quarter(cleaned.get("end", ""))
        if start and end and start > end:
            self.add_error("end", "The end quarter must be the same as or after the start quarter")
        return cleaned

    @property
    def period(self) -> Period:
        if self.is_bound and self.is_valid():
            # Valid means both are offered quarters, so both parse.
            start = parse_quarter(self.cleaned_data["start"])
            end = parse_quarter(self.cleaned_data["end"])
            if start is not None and end is not None:
                return Period(start, end)
        return self.default

    @property
    def local_authority(self) -> LocalAuthority | None:
        """The chosen LA, or None (all of them) when none is chosen or the filters are invalid."""
        if self.is_bound and self.is_valid():
            return self.local_authorities.get(self.cleaned_data.get("la") or "")
        return None
