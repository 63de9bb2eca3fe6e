"""The shared table pieces (dates formatted in Python) and the select template the filters use."""

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


def test_a_select_without_groups_is_drawn_flat_and_writes_what_djangos_writes():
    import re

    from django import forms
    from django.forms.renderers import DjangoTemplates

    from kernel.forms import GovukFormRenderer, flat_options

    choices = [("", "Any"), (1, "Camden & Islington"), (2, 'Hackney "north"'), (3, "Newcastle")]
    for widget, value in [
        (forms.Select(choices=choices, attrs={"class": "govuk-select"}), 2),
        (forms.SelectMultiple(choices=choices), [1, 3]),
    ]:

        def rendered(renderer, widget=widget, value=value) -> str:
            return re.sub(r">\s+<", "><", widget.render("la", value, renderer=renderer).strip())

        context = widget.get_context("la", value, {})["widget"]
        assert flat_options(context["optgroups"]) is not None  # the one-loop path is the one drawn
        assert rendered(GovukFormRenderer()) == rendered(DjangoTemplates())
    assert '<option value="2" selected>Hackney &quot;north&quot;</option>' in rendered(
        GovukFormRenderer(), forms.Select(choices=choices), 2
    )


def test_a_sorted_page_sorts_by_a_column_breaks_ties_and_ignores_what_it_does_not_know(
    reference_data,
):
    from django.http import QueryDict

    from kernel.tables import Column, SortedPage
    from mou.models import LocalAuthority

    columns = [Column("Name", "name", ("name",)), Column("Region", "region", ("region__name",))]
    authorities = LocalAuthority.objects.all()  # ordered by name

    def page(query: str) -> SortedPage:
        return SortedPage(authorities, columns, QueryDict(query), per_page=10)

    by_region = page("sort=-region")
    shown = list(by_region.page)
    assert [la.region.name for la in shown] == sorted(
        (la.region.name for la in shown), reverse=True
    )
    assert shown == list(
        LocalAuthority.objects.order_by("-region__name", "name")[:10]
    )  # ties in the list's own order
    assert [(h.sort_next, h.aria_sort) for h in by_region.headers] == [
        ("name", ""),
        ("region", "descending"),
    ]
    ascending = page("sort=name")
    assert [(h.sort_next, h.aria_sort) for h in ascending.headers] == [
        ("-name", "ascending"),
        ("region", ""),
    ]
    assert list(page("sort=password").page) == list(authorities[:10])  # not a column: ignored
    assert page("page=999").page.number == 16  # 153 LAs: the last page
    assert page("page=abc").page.number == 1
    assert page("").paginator.count == 153
