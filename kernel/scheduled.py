"""What the scheduled commands (expire_cap_exceptions, escalate_overdue_breaches,
remind_data_returns, propose_late_returns) share."""

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


def as_of_date(value: str | None, *, dry_run: bool) -> datetime.date:
    """The date a run acts as of: today in Europe/London unless --as-of says otherwise. A run
    as of a later day would act on what has not happened yet (expire what still runs, escalate
    what is not overdue), so only a dry run may look ahead."""
    today = timezone.localdate()
    try:
        day = datetime.date.fromisoformat(value) if value else today
    except ValueError as error:
        raise CommandError("--as-of takes a date like 2026-11-22") from error
    if day > today and not dry_run:
        raise CommandError(
            f"--as-of {day:%Y-%m-%d} is after today ({today:%Y-%m-%d}): a run may only look "
            "ahead with --dry-run"
        )
    return day
