"""The shared table pieces: dates formatted in Python."""

import datetime

import django_tables2 as tables
from django.test import RequestFactory

from kernel.tables import DateColumn


class _Table(tables.Table):
    name = tables.Column()
    happened = DateColumn()
    flag = tables.Column(empty_values=())

    def render_flag(self, record):
        return "yes" if record["name"] == "A" else "no"


def test_a_table_renders_dates_and_render_methods():
    rows = [
        {"name": "A", "happened": datetime.date(2026, 3, 5)},
        {"name": "B", "happened": None},
    ]
    table = _Table(rows)
    html = table.as_html(RequestFactory().get("/"))
    cells = [[cell for _column, cell in row.items()] for row in table.rows]
    assert cells == [["A", "5 Mar 2026", "yes"], ["B", "—", "no"]]
    assert "5 Mar 2026" in html


def test_the_portals_select_writes_what_djangos_writes():
    import re

    from django import forms
    from django.forms.renderers import DjangoTemplates

    from kernel.forms import GovukFormRenderer

    widget = forms.Select(
        choices=[
            ("", "None"),
            ("London", [(1, "Camden & Islington"), (2, 'Hackney "north"')]),
            ("North East", [(3, "Newcastle")]),
        ],
        attrs={"class": "govuk-select", "id": "id_la"},
    )

    def rendered(renderer) -> str:
        html = widget.render("la", 2, renderer=renderer)
        return re.sub(r">\s+<", "><", html.strip())

    ours = rendered(GovukFormRenderer())
    assert ours == rendered(DjangoTemplates())
    assert '<option value="2" selected>Hackney &quot;north&quot;</option>' in ours
    assert "Camden &amp; Islington" in ours
