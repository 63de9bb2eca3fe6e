"""Writes for the mou app."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from mou.models import LocalAuthority, Region

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA_DIR / name).open(newline="", encoding="utf-8") as handle:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(handle)]


@transaction.atomic
def reference_data_load() -> LoadResult:
    """Make regions and local authorities match the CSV files in mou/data (idempotent).

    Keyed on region code and DfE LA code, so a renamed LA is updated, not duplicated. Saves row by
    row so field history records each change. Used by `load_reference_data`, `make run` and the
    test fixtures (browser tests empty the tables, so the data cannot live in a migration alone).
    """
    result = LoadResult()
    regions = {r.code: r for r in Region.objects.all()}
    regions_by_name: dict[str, Region] = {}
    for row in _rows("regions.csv"):
        region = regions.get(row["code"])
        if region is None:
            region = Region.objects.create(
                code=row["code"], name=row["name"], riia_name=row["riia_name"]
            )
            result.created.append(f"region {region.name}")
        elif region.name != row["name"]:
            region.name = row["name"]
            region.save(update_fields=["name"])
            result.updated.append(f"region {region.name}")
        regions_by_name[region.name] = region

    existing = {la.la_code: la for la in LocalAuthority.objects.all()}
    for row in _rows("local_authorities.csv"):
        wanted = {
            "ons_code": row["ons_code"],
            "name": row["name"],
            "region": regions_by_name[row["region"]],
        }
        la = existing.get(row["la_code"])
        if la is None:
            LocalAuthority.objects.create(la_code=row["la_code"], **wanted)
            result.created.append(f"{row['la_code']} {row['name']}")
            continue
        changed = [
            name
            for name, value in wanted.items()
            if (la.region_id != value.pk if name == "region" else getattr(la, name) != value)
        ]
        if changed:
            for name in changed:
                setattr(la, name, wanted[name])
            la.save(update_fields=changed)
            result.updated.append(f"{la.la_code} {la.name}")
    return result
