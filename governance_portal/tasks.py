"""The scheduled work as one task: beat names a command of its schedule
(governance_portal/celery.py SCHEDULE) and a worker runs it, as an operator would by hand."""

from __future__ import annotations

import io

from celery import shared_task
from django.core.management import call_command


@shared_task(name="governance_portal.tasks.run_scheduled", ignore_result=True)
def run_scheduled(name: str) -> None:
    """Run one scheduled command. What it prints (which may name records) is not logged: the
    task's own log line says it ran and how long it took."""
    from governance_portal.celery import SCHEDULE

    if name not in SCHEDULE:
        raise ValueError(f"{name!r} is not scheduled work")
    call_command(name, stdout=io.StringIO())
