import django_tables2 as tables
from django.utils.html import format_html

from cap_exceptions.models import CapException
from kernel.tables import DateColumn

TAG_COLOURS = {
    "requested": "yellow",
    "approved": "green",
    "refused": "red",
    "expired": "grey",
    "ended_early": "grey",
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
    expires_on = DateColumn(verbose_name="Expires")
    status = tables.Column(verbose_name="State")

    class Meta:
        model = CapException
        fields = [
            "reference",
            "local_authority",
            "job_type",
            "agency",
            "rate",
            "expires_on",
            "status",
        ]
        empty_text = "No cap exceptions match."

    def render_rate(self, record: CapException) -> str:
        return f"£{record.rate} (+£{record.excess})"

    def render_status(self, record: CapException) -> str:
        return status_tag(record)
