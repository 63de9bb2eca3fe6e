"""What django-simple-history reads off an instance as it saves it."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from accounts.models import User


class HistoryStamps:
    """For a model with field history: who made the change (``_history_user``) and, for
    records made after the event, when (``_history_date``). The code that saves sets them;
    simple_history reads them. Declarations only, no fields and no behaviour."""

    _history_user: User | None
    _history_date: datetime.datetime
