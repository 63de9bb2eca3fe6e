"""A return's page shows what the portal holds for the quarter, each through the viewer's own
visibility: cap exceptions approved in it (and by whom), breaches concerning the LA and the
agencies named in them."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cap_exceptions import services as exception_services
from cap_exceptions.models import CapException
from datasharing import services
from datasharing.models import LINE_FIELDS
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap
from tests.factories import (
    AgencyFactory,
    local_authority,
    logged_breach,
    mou_version,
    statement_made,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _at(time_machine, day):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(10), LONDON), tick=False)


@pytest.fixture
def setting(london, la_workforce_lead, dcs, regional_lead, time_machine):
    _at(time_machine, datetime.date(2026, 8, 3))
    version = mou_version("LDN", publish=False)
    mou_services.price_cap_save(
        version=version,
        cap=PriceCap(
            job_type=JobType.TEAM_MANAGER,
            engagement_type=EngagementType.PAYE,
            max_hourly_rate=Decimal("45.00"),
        ),
        actor=None,
    )
    mou_services.mou_version_publish(version=version, actor=None)
    agency = AgencyFactory(name="Kingsmead Staffing Ltd")
    exception = exception_services.exception_request(
        request=exception_services.Request(
            local_authority=local_authority("202"),
            job_type=JobType.TEAM_MANAGER,
            engagement_type=EngagementType.PAYE,
            agency=agency,
            msp=None,
            engagement_reference="BK-1",
            rate=Decimal("50.00"),
            reason="r",
            starts_on=datetime.date(2026, 8, 10),
            expires_on=datetime.date(2026, 12, 10),
            exit_plan="p",
        ),
        actor=la_workforce_lead,
    )
    exception_services.exception_approve(exception=exception, actor=dcs)
    breach = logged_breach(
        local_authority("202"),
        reporter=regional_lead,
        occurred_on=datetime.date(2026, 8, 1),
        agencies=[agency],
    )
    _at(time_machine, datetime.date(2026, 10, 10))
    period = services.period_create(region=london, year=2026, quarter=3, actor=None)
    data_return = services.return_start(
        period=period, local_authorities=[local_authority("202")], actor=la_workforce_lead
    )
    return data_return, CapException.objects.get(), breach


def test_the_las_people_see_the_quarters_exceptions_breaches_and_agencies(
    client, setting, la_workforce_lead, dcs
):
    data_return, exception, breach = setting
    client.force_login(la_workforce_lead)
    # A draft's statement page lists them for the lead to confirm ...
    statement = reverse("datasharing:statement", args=[data_return.pk])
    page = client.get(statement).content.decode()
    for section in (page[page.index("What the portal holds") :], _submitted_page(client, setting)):
        assert exception.reference in section
        assert f"approved by {dcs}" in section
        assert breach.reference in section
        assert "Agencies named in them: Kingsmead Staffing Ltd" in section


def _submitted_page(client, setting) -> str:
    """... and, once submitted, the return's page, for the DCS who authorises."""
    data_return = setting[0]
    revision = data_return.revisions.get()
    lead = revision.data_return.created_by
    services.revision_save(
        revision=revision,
        lines={job: dict.fromkeys(LINE_FIELDS, Decimal(0)) for job in JobType.values},
        actor=lead,
    )
    statement_made(revision, lead)
    services.return_submit(revision=revision, actor=lead)
    page = client.get(reverse("datasharing:detail", args=[data_return.pk])).content.decode()
    return page[page.index('id="statement"') :]


def test_an_msp_contact_preparing_the_draft_sees_none_of_it(client, setting, msp_contact):
    data_return, exception, breach = setting
    client.force_login(msp_contact)
    assert client.get(reverse("datasharing:statement", args=[data_return.pk])).status_code == 403
    page = _submitted_page(client, setting)
    assert exception.reference not in page
    assert breach.reference not in page
    assert "None you can see" in page
