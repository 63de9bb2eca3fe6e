from django.core.management.base import BaseCommand

from mou.services import reference_data_load


class Command(BaseCommand):
    help = "Load the 9 regions and 153 local authorities from mou/data (safe to run again)."

    def handle(self, *args, **options) -> None:
        result = reference_data_load()
        if not result.changed:
            self.stdout.write("Reference data already up to date.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference data loaded: {len(result.created)} created, "
                f"{len(result.updated)} updated."
            )
        )
