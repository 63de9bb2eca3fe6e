from django.core.management.base import BaseCommand

from kernel.outbox import deliver


class Command(BaseCommand):
    help = (
        "Send the emails waiting in the outbox: those whose delivery failed (once their retry "
        "is due) and any left unsent. Safe to run every minute, twice, or twice at once: each "
        "email is claimed before it is sent and never sent twice."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"{deliver()} emails sent")
