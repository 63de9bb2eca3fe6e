import django_tables2 as tables
from django.utils.html import format_html, format_html_join

from accounts.models import User
from kernel.tables import LINK_ATTRS


class PersonTable(tables.Table):
    name = tables.Column(linkify=True, attrs=LINK_ATTRS)
    email = tables.Column(verbose_name="Email address")
    roles = tables.Column(empty_values=(), orderable=False, verbose_name="Roles")
    is_active = tables.Column(verbose_name="Account")

    class Meta:
        model = User
        fields = ["name", "email", "roles", "is_active"]
        empty_text = "No people match your search."

    def render_roles(self, record: User) -> str:
        memberships = record.memberships.all()  # prefetched by the view
        if not memberships:
            return "No roles"
        return format_html(
            '<ul class="govuk-list govuk-!-margin-bottom-0">{}</ul>',
            format_html_join("", "<li>{}</li>", ((str(m),) for m in memberships)),
        )

    def render_is_active(self, value: bool) -> str:
        colour, label = ("green", "Active") if value else ("grey", "Deactivated")
        return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)
