from django.core.management.base import BaseCommand

from datasharing.candidates import propose_late
from kernel.scheduled import add_schedule_arguments, as_of_date


class Command(BaseCommand):
    help = (
        "Propose a 'data return late or missing' candidate breach for each LA whose return was "
        "not authorised by its period's close, for the region's leads to confirm or dismiss. "
        "Safe to run daily, twice, or twice at once. Only a dry run may look ahead."
    )

    def add_arguments(self, parser) -> None:
        add_schedule_arguments(parser)

    def handle(self, *args, as_of: str | None, dry_run: bool, **options) -> None:
        day = as_of_date(as_of, dry_run=dry_run)
        made = propose_late(day, dry_run=dry_run)
        verb = "Would propose" if dry_run else "Proposed"
        for candidate in made:
            self.stdout.write(f"{verb}: {candidate.local_authority}, {candidate.period.label}")
        self.stdout.write(f"{verb} {len(made)} candidate breaches (as of {day:%Y-%m-%d})")
