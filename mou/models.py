from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from accounts.models import User

la_code_validator = RegexValidator(r"^\d{3}$", "Enter the DfE local authority code as 3 digits")
ons_code_validator = RegexValidator(r"^E\d{8}$", "Enter an ONS code like E09000007")


class RegionQuerySet(models.QuerySet["Region"]):
    def visible_to(self, user: User) -> RegionQuerySet:
        """The regions whose records this person may see (accounts.scope decides)."""
        from accounts.scope import access_for

        scope = access_for(user).scope
        if scope.national:
            return self.all()
        return self.filter(pk__in=scope.region_ids)


class Region(models.Model):
    """One of the 9 English regions, with its regional improvement and innovation alliance."""

    code = models.CharField(
        max_length=3,
        unique=True,
        help_text="Short code used in references, for example LDN for London",
    )
    name = models.CharField(max_length=60, unique=True)
    riia_name = models.CharField("Regional alliance (RIIA)", max_length=150)

    objects = RegionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mou:region_detail", kwargs={"code": self.code})


class LocalAuthorityQuerySet(models.QuerySet["LocalAuthority"]):
    def visible_to(self, user: User) -> LocalAuthorityQuerySet:
        """Local authorities in the regions this person may see.

        Reference data only: narrower rules for an LA's own records (breaches, data returns) live
        with those records.
        """
        from accounts.scope import access_for

        scope = access_for(user).scope
        if scope.national:
            return self.all()
        return self.filter(region_id__in=scope.region_ids)


class LocalAuthority(models.Model):
    """An English local authority with children's services responsibility (DfE reference data)."""

    la_code = models.CharField(
        "DfE LA code", max_length=3, unique=True, validators=[la_code_validator]
    )
    ons_code = models.CharField(
        "ONS code", max_length=9, unique=True, validators=[ons_code_validator]
    )
    name = models.CharField(max_length=100)
    region = models.ForeignKey(Region, models.PROTECT, related_name="local_authorities")

    objects = LocalAuthorityQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mou:local_authority_detail", kwargs={"la_code": self.la_code})
