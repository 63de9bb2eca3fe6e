"""Managed service providers, kept minimal until the MSP and agency registry issue.

An MSP contact's scope is the regions where their MSP holds a current contract with a local
authority, so contracts exist from the start.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords


class MSPQuerySet(models.QuerySet["MSP"]):
    def operating_in(self, region_ids: Iterable[int], *, on: datetime.date | None = None):
        """MSPs with a contract in force on `on` (today by default) with an LA in these regions."""
        contracts = MSPContract.objects.current(on=on).filter(
            local_authority__region_id__in=list(region_ids)
        )
        return self.filter(pk__in=contracts.values("msp_id"))


class MSP(models.Model):
    name = models.CharField("Name", max_length=150, unique=True)

    objects = MSPQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "managed service provider"

    def __str__(self) -> str:
        return self.name


class MSPContractQuerySet(models.QuerySet["MSPContract"]):
    def current(self, *, on: datetime.date | None = None) -> MSPContractQuerySet:
        day = on or timezone.localdate()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day)


class MSPContract(models.Model):
    """A contract between an MSP and a local authority for agency social workers."""

    msp = models.ForeignKey(MSP, models.PROTECT, related_name="contracts")
    local_authority = models.ForeignKey(
        "mou.LocalAuthority", models.PROTECT, related_name="msp_contracts"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True, help_text="Leave empty while open-ended")

    objects = MSPContractQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["msp__name", "local_authority__name", "-starts_on"]
        verbose_name = "MSP contract"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="msp_contract_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.msp} with {self.local_authority}"
