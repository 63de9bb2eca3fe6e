"""The supplier side of a person's scope, registered with accounts.scope at start-up: an MSP
contact's scope is the regions where their MSP holds a contract in force today with an LA."""

from __future__ import annotations

from msp.models import MSP, MSPContract


def contract_region_ids(msp_ids: set[int]) -> dict[int, frozenset[int]]:
    regions: dict[int, set[int]] = {msp_id: set() for msp_id in msp_ids}
    contracts = MSPContract.objects.current().filter(msp_id__in=msp_ids)
    for msp_id, region_id in contracts.values_list("msp_id", "local_authority__region_id"):
        regions[msp_id].add(region_id)
    return {msp_id: frozenset(ids) for msp_id, ids in regions.items()}


def operating_in(region_ids: list[int]):
    return MSP.objects.operating_in(region_ids)
