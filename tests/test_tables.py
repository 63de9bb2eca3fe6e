"""The shared table pieces: dates formatted in Python, and django-tables2 reading each render
function's parameters once."""

import datetime
import functools

import django_tables2 as tables
from django.test import RequestFactory
from django_tables2 import utils as tables2_utils

from governance_portal.tables import DateColumn


def test_signatures_are_remembered_per_function_and_binding():
    signature = tables2_utils.signature
    assert signature.remembers  # installed by the app's ready()

    def render(value, record):
        return value

    class Renderer:
        def render(self, value, **kwargs):
            return value

    def closure():
        def inner(record, bound_column):
            return record

        return inner

    assert signature(render) == (("value", "record"), None)
    assert signature(Renderer().render) == (("value",), "kwargs")
    assert signature(Renderer().render) == (("value",), "kwargs")  # another instance, remembered
    assert signature(Renderer.render) == (("self", "value"), "kwargs")  # unbound keeps self
    assert signature(closure()) == signature(closure()) == (("record", "bound_column"), None)
    partial = functools.partial(render, record=None)
    assert signature(partial) == (("value", "record"), None)  # asked each time, not remembered


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
