import django_tables2 as tables
from django.utils.html import format_html

from breaches.models import Breach
from kernel.tables import DateColumn

TAG_COLOURS = {
    "reported": "yellow",
    "awaiting_response": "orange",
    "under_review": "blue",
    "resolved": "green",
    "closed": "grey",
    "withdrawn": "grey",
}


def state_tag(breach: Breach) -> str:
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        TAG_COLOURS[breach.state],
        breach.get_state_display(),
    )


class BreachTable(tables.Table):
    reference = tables.Column(linkify=True, attrs={"a": {"class": "govuk-link"}})
    breach_type = tables.Column(verbose_name="Type")
    parties = tables.Column(empty_values=(), orderable=False, verbose_name="Against")
    occurred_on = DateColumn(verbose_name="Happened")
    due_on = DateColumn(verbose_name="Due")
    state = tables.Column(verbose_name="State")

    class Meta:
        model = Breach
        fields = ["reference", "breach_type", "parties", "occurred_on", "due_on", "state"]
        empty_text = "No breaches match."

    def render_parties(self, record: Breach) -> str:
        return ", ".join(str(p) for p in record.parties.all())  # prefetched by the view

    def render_state(self, record: Breach) -> str:
        return state_tag(record)
