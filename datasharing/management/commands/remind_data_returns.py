from django.core.management.base import BaseCommand

from datasharing.reminders import returns_remind
from kernel.scheduled import add_schedule_arguments, as_of_date


class Command(BaseCommand):
    help = (
        "Remind each LA whose data return is not authorised, 5 working days before the due "
        "date, on it and once when late, and send the region's leads one summary. Safe to run "
        "daily, twice, or twice at once. Only a dry run may look ahead (--as-of a later day)."
    )

    def add_arguments(self, parser) -> None:
        add_schedule_arguments(parser)

    def handle(self, *args, as_of: str | None, dry_run: bool, **options) -> None:
        day = as_of_date(as_of, dry_run=dry_run)
        run = returns_remind(as_of=day, dry_run=dry_run)
        verb = "Would remind" if dry_run else "Reminded"
        for label in run.reminded:
            self.stdout.write(f"{verb} {label}")
        for label in run.summaries:
            self.stdout.write(f"{verb} the region's leads: {label}")
        counts = (
            f"Would send {len(run.reminded)} reminders and {len(run.summaries)} summaries"
            if dry_run
            else f"{len(run.reminded)} reminders and {len(run.summaries)} summaries sent"
        )
        self.stdout.write(f"{counts} (as of {day:%Y-%m-%d})")
