"""The shared table and form pieces: dates formatted in Python, django-tables2 reading each render
function's parameters once, and select options written in Python."""

import datetime
import functools
import inspect
import re

import django_tables2 as tables
from django import forms
from django.forms.renderers import DjangoTemplates
from django.test import RequestFactory
from django.utils.safestring import mark_safe
from django_tables2 import utils as tables2_utils

from governance_portal.tables import DateColumn
from governance_portal.templatetags.govuk import select_options


def _inspections(monkeypatch) -> list:
    """The callables `inspect.signature` is asked about from now on (the real answer is kept)."""
    asked = []
    real = inspect.signature

    def counting(fn, **kwargs):
        asked.append(fn)
        return real(fn, **kwargs)

    monkeypatch.setattr(inspect, "signature", counting)
    return asked


def test_signatures_are_remembered_per_function_and_binding(monkeypatch):
    signature = tables2_utils.signature
    assert signature.remembers  # installed by the app's ready()
    asked = _inspections(monkeypatch)

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
    asked.clear()
    assert signature(Renderer().render) == (("value",), "kwargs")
    assert asked == []  # another instance's bound method: remembered, not inspected again
    assert signature(Renderer.render) == (("self", "value"), "kwargs")  # unbound keeps self
    assert asked == [Renderer.render]  # unbound is a binding of its own
    asked.clear()
    first, second = closure(), closure()
    assert signature(first) == signature(second) == (("record", "bound_column"), None)
    assert asked == [first]  # two closures, one code object: inspected once
    asked.clear()
    partial = functools.partial(render, record=None)
    assert signature(partial) == (("value", "record"), None)
    assert signature(partial) == (("value", "record"), None)
    assert asked == [partial, partial]  # asked each time, not remembered

    def logged(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            return fn(*args, **kwargs)

        return wrapper

    @logged
    def render_a(value):
        return value

    @logged
    def render_b(record, value):
        return value

    # One wrapper's code object, two signatures: decorated functions are never remembered.
    assert signature(render_a) == (("value",), None)
    assert signature(render_b) == (("record", "value"), None)


def test_each_function_is_inspected_once(monkeypatch):
    asked = _inspections(monkeypatch)

    def render_once(value, bound_column):
        return value

    for _ in range(25):
        assert tables2_utils.call_with_appropriate(render_once, {"value": 1}) is None
    assert asked == [render_once]


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


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html.strip())


class _ChoiceForm(forms.Form):
    single = forms.ChoiceField(
        choices=[("", "None"), ("a&b", 'Tom\'s "Agency" <Ltd>'), ("2", "Two")]
    )
    grouped = forms.ChoiceField(
        choices=[("North", [("n1", "Newcastle"), ("n2", "Leeds")]), ("x", "Other")]
    )
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two")])


def test_select_options_write_what_django_writes():
    form = _ChoiceForm(data={"single": "a&b", "grouped": "n2", "many": ["1", "2"]})
    django_renderer = DjangoTemplates()  # Django's own widget templates
    for name in ("single", "grouped", "many"):
        field = form[name]
        ours = field.as_widget()
        theirs = field.field.widget.render(
            field.html_name,
            field.value(),
            attrs={**field.build_widget_attrs({}), "id": field.auto_id},
            renderer=django_renderer,
        )
        assert _normalised(ours) == _normalised(theirs), name
    assert "Tom&#x27;s &quot;Agency&quot; &lt;Ltd&gt;" in form["single"].as_widget()


def test_select_options_leave_safe_labels_alone():
    options = [{"value": "1", "label": mark_safe("<b>One</b>"), "selected": False}]
    assert select_options([(None, options, 0)]) == '<option value="1"><b>One</b></option>'
