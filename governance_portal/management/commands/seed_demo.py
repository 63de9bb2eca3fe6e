from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings
from django.utils.module_loading import import_string

from dashboards.cache import new_token
from mou.services import reference_data_load

# Each app adds its demo data here, in dependency order. Every step is idempotent.
DEMO_STEPS = [
    "mou.demo.seed",
    "msp.demo.seed",
    "governance_portal.demo.seed",
    "msp.demo.seed_people",
    "cap_exceptions.demo.seed",
    "breaches.demo.seed",
    "breaches.demo.seed_history",
    "datasharing.demo.seed",
    "governance.demo.seed",
]


class Command(BaseCommand):
    help = "Add demo people and records for trying the portal (safe to run again)."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DJANGO_DEBUG is false (never on a live portal)",
        )

    def handle(self, *args, force: bool, **options) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo adds demo logins with a published password, so it runs only when "
                "DJANGO_DEBUG is true. Use --force to run it anyway (never on a live portal)."
            )
        reference_data_load()
        # Demo records are made through the real services, which email people: nobody should
        # get mail about demo data.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for step in DEMO_STEPS:
                import_string(step)(stdout=self.stdout)
        new_token()  # bulk writes send no signals: cached dashboard figures are out of date
