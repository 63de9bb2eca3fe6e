"""The dashboards own no portal data. This one row is cache bookkeeping: a token that changes
after every committed write to the data the figures read, so cached figures keyed by it are
never shown stale (docs/adr/0010-dashboards.md)."""

from django.db import models


class DataStamp(models.Model):
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = "data stamp"

    def __str__(self) -> str:
        return self.token
