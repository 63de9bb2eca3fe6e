from django.core.management.base import BaseCommand

from governance.channels import NOTICE_REMINDER_WORKING_DAYS, notices_remind
from kernel.scheduled import add_schedule_arguments, as_of_date


class Command(BaseCommand):
    help = (
        f"Remind each MSP contact who has not acknowledged a market notice "
        f"{NOTICE_REMINDER_WORKING_DAYS} working days after it went out (once). Safe to run "
        "daily, twice, or twice at once. Only a dry run may look ahead (--as-of a later day)."
    )

    def add_arguments(self, parser) -> None:
        add_schedule_arguments(parser)

    def handle(self, *args, as_of: str | None, dry_run: bool, **options) -> None:
        day = as_of_date(as_of, dry_run=dry_run)
        sent = notices_remind(as_of=day, dry_run=dry_run)
        verb = "Would remind" if dry_run else "Reminded"
        for label in sent:
            self.stdout.write(f"{verb} {label}")
        self.stdout.write(f"{len(sent)} reminders (as of {day:%Y-%m-%d})")
