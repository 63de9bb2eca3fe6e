from django.core.management.base import BaseCommand

from cap_exceptions.services import exceptions_expire
from kernel.scheduled import add_schedule_arguments, as_of_date


class Command(BaseCommand):
    help = (
        "Mark approved cap exceptions past their expiry date as expired (and those past an early "
        "end as ended early), and remind each LA 20 working days before an exception expires. "
        "Safe to run daily, twice, or twice at once. Only a dry run may look ahead (--as-of a "
        "later day)."
    )

    def add_arguments(self, parser) -> None:
        add_schedule_arguments(parser)

    def handle(self, *args, as_of: str | None, dry_run: bool, **options) -> None:
        day = as_of_date(as_of, dry_run=dry_run)
        run = exceptions_expire(as_of=day, dry_run=dry_run)
        verb = "Would" if dry_run else "Did"
        for reference in run.expired:
            self.stdout.write(f"{verb} expire {reference}")
        for reference in run.ended:
            self.stdout.write(f"{verb} mark {reference} ended early")
        for reference in run.reminded:
            self.stdout.write(f"{verb} remind about {reference}")
        counts = (
            f"Would expire {len(run.expired)}, would mark {len(run.ended)} ended early, "
            f"would remind about {len(run.reminded)}"
            if dry_run
            else f"{len(run.expired)} expired, {len(run.ended)} ended early, "
            f"{len(run.reminded)} reminded"
        )
        self.stdout.write(f"{counts} (as of {day:%Y-%m-%d})")
