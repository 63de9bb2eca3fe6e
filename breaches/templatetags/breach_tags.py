"""Template tags for breach pages: {% load breach_tags %}."""

from django import template

from breaches.models import Breach
from breaches.tables import state_tag as _state_tag

register = template.Library()


@register.simple_tag
def state_tag(breach: Breach) -> str:
    """The breach's state as a GOV.UK tag in its colour."""
    return _state_tag(breach)
