import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from breaches.workflow import escalate_overdue


class Command(BaseCommand):
    help = (
        "Escalate breaches whose deadline has passed (one level), flag those overdue at the top "
        "level, and remind once at 75% of each deadline. Safe to run every few minutes from cron, "
        "twice, or twice at once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--as-of", help="Run as on this date (YYYY-MM-DD), e.g. to replay a missed night"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would happen, change nothing"
        )

    def handle(self, *args, as_of: str | None, dry_run: bool, **options) -> None:
        try:
            day = datetime.date.fromisoformat(as_of) if as_of else timezone.localdate()
        except ValueError as error:
            raise CommandError("--as-of takes a date like 2026-11-22") from error
        run = escalate_overdue(as_of=day, dry_run=dry_run)
        verb = "Would" if dry_run else "Did"
        for reference in run.escalated:
            self.stdout.write(f"{verb} escalate {reference}")
        for reference in run.flagged:
            self.stdout.write(f"{verb} flag {reference} as overdue at the top level")
        for reference in run.reminded:
            self.stdout.write(f"{verb} remind about {reference}")
        self.stdout.write(
            f"{len(run.escalated)} escalated, {len(run.flagged)} flagged, {len(run.reminded)} reminded (as of {day:%Y-%m-%d})"
        )
