"""Small template helpers for GOV.UK markup. Loaded as a builtin (settings.TEMPLATES)."""

from django import template
from django.http import QueryDict

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
