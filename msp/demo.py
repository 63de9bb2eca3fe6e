"""Demo MSPs for `seed_demo`. The names are invented."""

import datetime

from mou.models import LocalAuthority
from msp.models import MSP, MSPContract

DEMO_MSP = "Capital Workforce Partners (demo)"


def seed(*, stdout) -> None:
    msp, _ = MSP.objects.get_or_create(name=DEMO_MSP)
    for la_code in ("202", "204", "206"):  # Camden, Hackney, Islington
        MSPContract.objects.get_or_create(
            msp=msp,
            local_authority=LocalAuthority.objects.get(la_code=la_code),
            defaults={"starts_on": datetime.date(2025, 4, 1)},
        )
