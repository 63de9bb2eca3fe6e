from django.apps import AppConfig


class MspConfig(AppConfig):
    name = "msp"
    verbose_name = "Managed service providers and agencies"

    def ready(self) -> None:
        # accounts sits below this app: it is told how MSP scope is decided rather than asking.
        from accounts import scope
        from msp.scope import contract_region_ids, operating_in

        scope.suppliers.regions = contract_region_ids
        scope.suppliers.operating_in = operating_in

        # MSP contacts' cached scope stops when a contract changes (accounts.scope)
        from django.db.models.signals import post_delete, post_save

        from msp.models import MSPContract

        for signal in (post_save, post_delete):
            signal.connect(
                lambda **kwargs: scope.contracts_changed(),
                sender=MSPContract,
                weak=False,
                dispatch_uid=f"roles-contracts-{signal is post_save}",
            )

        from mou.views import region_sections
        from msp.views import region_contact_section

        if region_contact_section not in region_sections:
            region_sections.append(region_contact_section)
