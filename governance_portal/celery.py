"""The portal's Celery app: email delivery from the outbox (kernel/tasks.py) and the scheduled
work, run by exactly one `celery beat` (docs/operations.md). Configured from Django's settings
(`CELERY_*`); without a broker (`make run`, tests) tasks run in the process, after commit, with
the same code."""

from __future__ import annotations

import os

from celery import Celery, signals
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance_portal.settings")

app = Celery("governance_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks(["kernel", "governance_portal"])


@signals.setup_logging.connect
def _portal_logging(**kwargs) -> None:
    """Workers and beat log as the web servers do (Django's LOGGING: one JSON line per record
    and per task, DJANGO_LOG_LEVEL), not through Celery's own set-up."""


# What beat runs, and when (Europe/London). Each is a management command an operator may also
# run by hand, safe to run twice or twice at once; the daily ones are spread out after 6am.
SCHEDULE: dict[str, crontab] = {
    "send_outbox": crontab(minute="*"),
    "escalate_overdue_breaches": crontab(minute="*/10"),
    "expire_cap_exceptions": crontab(hour=6, minute=0),
    "remind_data_returns": crontab(hour=6, minute=10),
    "propose_late_returns": crontab(hour=6, minute=20),
    "remind_meeting_papers": crontab(hour=6, minute=30),
    "remind_market_notices": crontab(hour=6, minute=40),
}
app.conf.beat_schedule = {
    name: {"task": "governance_portal.tasks.run_scheduled", "schedule": when, "args": [name]}
    for name, when in SCHEDULE.items()
}
