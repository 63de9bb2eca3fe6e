import django_tables2 as tables
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.utils import dateformat, timezone
from django.utils.html import format_html

from cap_exceptions.models import CapException
from kernel.tables import DateColumn

TAG_COLOURS = {
    "requested": "yellow",
    "approved": "green",
    "refused": "red",
    "expired": "grey",
    "ended_early": "grey",
    "withdrawn": "grey",
}


def status_tag(exception: CapException) -> str:
    label = (
        "Awaiting second approval"
        if exception.awaiting_second_approval
        else exception.get_status_display()
    )
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>', TAG_COLOURS[exception.status], label
    )


class CapExceptionTable(tables.Table):
    reference = tables.Column(linkify=True, attrs={"a": {"class": "govuk-link"}})
    local_authority = tables.Column(
        verbose_name="Local authority", order_by="local_authority__name"
    )
    job_type = tables.Column(verbose_name="Job type")
    agency = tables.Column(order_by="agency__name")
    rate = tables.Column(verbose_name="Rate (over cap)", empty_values=())
    starts_on = DateColumn(verbose_name="Starts")
    expires_on = DateColumn(verbose_name="Ends")
    status = tables.Column(verbose_name="State")

    class Meta:
        model = CapException
        fields = [
            "reference",
            "local_authority",
            "job_type",
            "agency",
            "rate",
            "starts_on",
            "expires_on",
            "status",
        ]
        empty_text = "No cap exceptions match."

    def render_agency(self, record: CapException) -> str:
        if record.msp is None:
            return record.agency.name
        return format_html(
            '{}<br><span class="govuk-hint">through {}</span>', record.agency.name, record.msp.name
        )

    def order_expires_on(
        self, queryset: QuerySet[CapException], is_descending: bool
    ) -> tuple[QuerySet[CapException], bool]:
        """By the last day covered, as the column shows it: the early end, or the expiry."""
        last_day = Coalesce("ended_on", "expires_on")
        first = last_day.desc() if is_descending else last_day.asc()
        return queryset.order_by(first, "-requested_at", "-pk"), True

    def render_expires_on(self, value, record: CapException) -> str:
        """The expiry; for an exception ended early, the early end first ("Ended early", or
        "Ends early" while the day is still ahead) and the expiry it had below."""
        column = self.columns["expires_on"].column
        expires = column.render(value)
        if record.ended_on is None:
            return expires
        tense = "Ended" if record.ended_on < timezone.localdate() else "Ends"
        return format_html(
            '{} early {}<br><span class="govuk-hint">Expiry {}</span>',
            tense,
            dateformat.format(record.ended_on, column.date_format),
            expires,
        )

    def render_rate(self, record: CapException) -> str:
        return f"£{record.rate} (+£{record.excess})"

    def render_status(self, record: CapException) -> str:
        return status_tag(record)
