"""Small template helpers for GOV.UK markup. Loaded as a builtin (settings.TEMPLATES)."""

from html import escape as escape_html

from django import template
from django.http import QueryDict
from django.utils.safestring import SafeData, mark_safe

register = template.Library()


@register.filter
def lower_first(text: str) -> str:
    """'Director of children's services' -> 'director of children's services' mid-sentence."""
    from accounts.models import role_phrase

    return role_phrase(str(text))


@register.simple_tag(takes_context=True)
def query_with(context, *pairs) -> str:
    """The current query string with some parameters set, e.g. {% query_with "page" 2 %}.

    Unlike {% querystring %}, parameter names may be variables (django-tables2 prefixes its sort
    and page parameters). A value of None removes the parameter.
    """
    if len(pairs) % 2:
        raise template.TemplateSyntaxError("query_with takes name and value pairs")
    request = context.get("request")
    query = request.GET.copy() if request is not None else QueryDict(mutable=True)
    for name, value in zip(pairs[::2], pairs[1::2], strict=True):
        if value is None:
            query.pop(name, None)
        else:
            query[name] = str(value)
    return "?" + query.urlencode() if query else "?"


@register.filter
def elided_page_range(page_obj) -> list:
    """Page numbers around the current page, with the paginator's ellipsis in the gaps."""
    return list(page_obj.paginator.get_elided_page_range(page_obj.number, on_each_side=2))


def _escaped(value) -> str:
    """What {{ value }} would write: safe strings as they are, anything else escaped."""
    if isinstance(value, SafeData):
        return str(value)
    return escape_html(str(value), quote=True)


@register.simple_tag
def select_options(optgroups) -> str:
    """A select's options from Django's widget context (`widget.optgroups`), written in Python.

    The same markup as Django's select_option.html (value, `selected`, label; no other option
    attributes are used in the portal), at a fraction of the cost on long lists: the log form's
    2,000 agencies took about 80 ms as template nodes (docs/adr/0011-page-speed.md). Escaped
    with the standard library's `html.escape`, which writes what Django's `escape` does without
    its per-call checks for lazy strings.
    """
    parts = []
    for group_name, options, _index in optgroups:
        rendered = "\n".join(
            f'<option value="{_escaped(option["value"])}"'
            f"{' selected' if option['selected'] else ''}>{_escaped(option['label'])}</option>"
            for option in options
        )
        if group_name:
            rendered = f'<optgroup label="{_escaped(group_name)}">\n{rendered}\n</optgroup>'
        parts.append(rendered)
    return mark_safe("\n".join(parts))  # noqa: S308  # nosec B308 B703: every value is escaped
