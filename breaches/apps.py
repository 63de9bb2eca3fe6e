from django.apps import AppConfig


class BreachesConfig(AppConfig):
    name = "breaches"
    verbose_name = "Breaches"

    def ready(self) -> None:
        # An agency's standing may follow a breach; msp, below this app, is told how to find it.
        from breaches.models import Breach
        from msp import services

        services.breach_lookup.find = lambda reference, region: Breach.objects.filter(
            reference__iexact=reference, region=region
        ).first()
