import django_tables2 as tables

from kernel.tables import LINK_ATTRS
from mou.models import LocalAuthority


class LocalAuthorityTable(tables.Table):
    name = tables.Column(linkify=True, verbose_name="Local authority", attrs=LINK_ATTRS)
    la_code = tables.Column(verbose_name="DfE code")
    ons_code = tables.Column(verbose_name="ONS code")
    region = tables.Column(linkify=True, order_by="region__name", attrs=LINK_ATTRS)

    class Meta:
        model = LocalAuthority
        fields = ["name", "la_code", "ons_code", "region"]
        empty_text = "No local authorities match your search."
