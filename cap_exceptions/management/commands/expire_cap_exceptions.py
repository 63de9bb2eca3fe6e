import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cap_exceptions.services import exceptions_expire


class Command(BaseCommand):
    help = (
        "Mark approved cap exceptions past their expiry date as expired, and remind each LA 20 "
        "working days before an exception expires. Safe to run daily, twice, or twice at once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--as-of", help="Run as on this date (YYYY-MM-DD), e.g. to replay a missed night"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would change, change nothing"
        )

    def handle(self, *args, as_of: str | None, dry_run: bool, **options) -> None:
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as error:
            raise CommandError("--as-of takes a date like 2026-11-22") from error
        run = exceptions_expire(as_of=day, dry_run=dry_run)
        verb = "Would" if dry_run else "Did"
        for reference in run.expired:
            self.stdout.write(f"{verb} expire {reference}")
        for reference in run.reminded:
            self.stdout.write(f"{verb} remind about {reference}")
        self.stdout.write(
            f"{len(run.expired)} expired, {len(run.reminded)} reminded (as of {day:%Y-%m-%d})"
        )
