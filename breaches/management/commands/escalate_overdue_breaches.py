from django.core.management.base import BaseCommand

from breaches.workflow import escalate_overdue
from kernel.scheduled import add_schedule_arguments, as_of_date


class Command(BaseCommand):
    help = (
        "Escalate breaches whose deadline has passed (one level), flag those overdue at the top "
        "level, and remind once at 75% of each deadline. Safe to run every few minutes from cron, "
        "twice, or twice at once."
    )

    def add_arguments(self, parser) -> None:
        add_schedule_arguments(parser)

    def handle(self, *args, as_of: str | None, dry_run: bool, **options) -> None:
        day = as_of_date(as_of, dry_run=dry_run)
        run = escalate_overdue(as_of=day, dry_run=dry_run)
        verb = "Would" if dry_run else "Did"
        for reference in run.escalated:
            self.stdout.write(f"{verb} escalate {reference}")
        for reference in run.flagged:
            self.stdout.write(f"{verb} flag {reference} as overdue at the top level")
        for reference in run.reminded:
            self.stdout.write(f"{verb} remind about {reference}")
        counts = (
            f"Would escalate {len(run.escalated)}, would flag {len(run.flagged)}, "
            f"would remind about {len(run.reminded)}"
            if dry_run
            else f"{len(run.escalated)} escalated, {len(run.flagged)} flagged, "
            f"{len(run.reminded)} reminded"
        )
        self.stdout.write(f"{counts} (as of {day:%Y-%m-%d})")
