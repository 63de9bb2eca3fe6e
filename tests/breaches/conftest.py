"""Fixtures the breach tests share."""

from decimal import Decimal

import pytest

from mou import services as mou_services
from mou.models import PriceCap
from tests.factories import mou_version


@pytest.fixture
def london_mou(reference_data):
    """London's published version 2025.1, with a £38.00 cap for a PAYE social worker."""
    version = mou_version("LDN", publish=False)
    mou_services.price_cap_save(
        version=version,
        cap=PriceCap(
            job_type="social_worker", engagement_type="paye", max_hourly_rate=Decimal("38.00")
        ),
        actor=None,
    )
    mou_services.mou_version_publish(version=version, actor=None)
    return version
