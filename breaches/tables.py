"""The breach list's columns and rows, and the state tag breach pages share."""

import datetime
from collections.abc import Iterable
from typing import TypedDict

from django.utils import dateformat
from django.utils.html import format_html
from django.utils.safestring import SafeString

from breaches.models import Breach
from kernel.tables import Column

TAG_COLOURS = {
    "reported": "yellow",
    "awaiting_response": "orange",
    "under_review": "blue",
    "resolved": "green",
    "closed": "grey",
    "withdrawn": "grey",
}

# The breach list's columns (templates/breaches/list.html draws the rows).
BREACH_COLUMNS = [
    Column("Reference", "reference", ("reference",)),
    Column("Type", "breach_type", ("breach_type",)),
    Column("Against"),
    Column("Happened", "occurred_on", ("occurred_on",)),
    Column("Level", "level", ("level__order",)),
    # Breach.next_deadline, annotated by BreachQuerySet.with_deadline
    Column("Next deadline", "deadline", ("deadline",)),
    Column("State", "state", ("state",)),
]


def state_tag(breach: Breach) -> SafeString:
    return format_html(
        '<strong class="govuk-tag govuk-tag--{}">{}</strong>',
        TAG_COLOURS[breach.state],
        breach.get_state_display(),
    )


class BreachRow(TypedDict):
    """A row of the breach list, worded in Python: dict keys are the template engine's quickest
    lookups (an attribute lookup on a model first tries, and fails, a key)."""

    reference: str
    url: str
    type: str
    against: str
    happened: str
    level: str
    deadline: str
    overdue: bool
    state: SafeString


def breach_rows(breaches: Iterable[Breach], *, today: datetime.date) -> list[BreachRow]:
    """The page's breaches as rows; the view prefetches each breach's parties and its level."""
    rows: list[BreachRow] = []
    for b in breaches:
        deadline = b.next_deadline
        rows.append(
            {
                "reference": b.reference,
                "url": b.get_absolute_url(),
                "type": b.get_breach_type_display(),
                "against": ", ".join(str(p) for p in b.parties.all()),
                "happened": dateformat.format(b.occurred_on, "j M Y"),
                "level": str(b.level.order) if b.level is not None else "—",
                "deadline": dateformat.format(deadline, "j M Y") if deadline else "—",
                "overdue": b.is_overdue(on=today),
                "state": state_tag(b),
            }
        )
    return rows
