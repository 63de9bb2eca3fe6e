"""What the scheduled commands (expire_cap_exceptions, escalate_overdue_breaches) share."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError
from django.utils import timezone


def add_schedule_arguments(parser) -> None:
    parser.add_argument(
        "--as-of", help="Run as on this date (YYYY-MM-DD), e.g. to replay a missed night"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="List what would change, change nothing"
    )


def as_of_date(value: str | None) -> datetime.date:
    """The date a run acts as of: today in Europe/London unless --as-of says otherwise."""
    try:
        return datetime.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError as error:
        raise CommandError("--as-of takes a date like 2026-11-22") from error
