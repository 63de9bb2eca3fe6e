"""Shared pieces for django-tables2 tables (the table template is components/table.html)."""

from types import CodeType, FunctionType, MethodType

import django_tables2 as tables
from django.utils import dateformat
from django_tables2 import utils as tables2_utils

# Links in table cells look like every other GOV.UK link.
LINK_ATTRS = {"a": {"class": "govuk-link"}}


class DateColumn(tables.Column):
    """A date as "5 Mar 2026". django-tables2's DateColumn compiles a template for every cell;
    formatting in Python is the same text at a fraction of the cost on long lists."""

    def __init__(self, *args, date_format: str = "j M Y", **kwargs) -> None:
        self.date_format = date_format
        super().__init__(*args, **kwargs)

    def render(self, value) -> str:
        return dateformat.format(value, self.date_format)


def remember_signatures() -> None:
    """Let django-tables2 read each function's parameters once, not once per table cell.

    For every cell, django-tables2 asks `inspect.signature` which arguments the column's `render`
    (or a `render_<column>` method) takes: on a page of 25 rows and 6 columns that was about 3 ms
    of the breach list's 30 ms. The answer, the parameter names and whether there is a `**kwargs`,
    depends only on the function's code and on whether it is bound (which drops `self`), so it
    is kept per (code object, bound): a fixed number of entries, however many tables and
    closures are made. Other callables (partials, objects with `__call__`, decorated functions,
    whose wrappers share one code object) are asked every time, as before. Installed once, from the app's `ready()`.
    """
    if getattr(tables2_utils.signature, "remembers", False):
        return
    ask = tables2_utils.signature
    known: dict[tuple[CodeType, bool], tuple] = {}

    def signature(fn):
        function = getattr(fn, "__func__", fn)
        code = getattr(function, "__code__", None)
        if (
            code is None
            or not isinstance(fn, FunctionType | MethodType)
            # inspect follows these: decorated functions share their wrapper's code object.
            or hasattr(function, "__wrapped__")
            or hasattr(function, "__signature__")
        ):
            return ask(fn)
        key = (code, fn is not function)
        if key not in known:
            known[key] = ask(fn)
        return known[key]

    signature.remembers = True
    tables2_utils.signature = signature
