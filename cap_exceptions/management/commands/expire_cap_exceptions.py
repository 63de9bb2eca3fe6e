from django.core.management.base import BaseCommand

from cap_exceptions.services import exceptions_expire
from kernel.scheduled import add_schedule_arguments, as_of_date


class Command(BaseCommand):
    help = (
        "Mark approved cap exceptions past their expiry date as expired, and remind each LA 20 "
        "working days before an exception expires. Safe to run daily, twice, or twice at once."
    )

    def add_arguments(self, parser) -> None:
        add_schedule_arguments(parser)

    def handle(self, *args, as_of: str | None, dry_run: bool, **options) -> None:
        day = as_of_date(as_of)
        run = exceptions_expire(as_of=day, dry_run=dry_run)
        verb = "Would" if dry_run else "Did"
        for reference in run.expired:
            self.stdout.write(f"{verb} expire {reference}")
        for reference in run.reminded:
            self.stdout.write(f"{verb} remind about {reference}")
        self.stdout.write(
            f"{len(run.expired)} expired, {len(run.reminded)} reminded (as of {day:%Y-%m-%d})"
        )
