"""The register and its CSV show the start, the early end, the MSP, who approved and when, the
report to the region, the reason and the exit plan (issue 16, point 7).

The clock is moved to fixed days in 2027 so the dates below read as they are: a request is made
on 28 May 2027 for a period from 7 June to 30 November, ahead of that day.
"""

import csv
import datetime
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from cap_exceptions import services
from cap_exceptions.models import CapException, ExceptionStatus
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap, SecondApprover
from tests.factories import (
    AgencyFactory,
    MSPFactory,
    local_authority,
    mou_version,
    person_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date
LONDON = ZoneInfo("Europe/London")
CAP = Decimal("40.00")

REQUESTED_ON = D(2027, 5, 28)
STARTS = D(2027, 6, 7)
EXPIRES = D(2027, 11, 30)
ENDS_EARLY = D(2027, 9, 3)

HEADER = [
    "Reference",
    "Local authority",
    "Job type",
    "Engagement type",
    "Agency",
    "Engagement reference",
    "Rate (£)",
    "Cap (£)",
    "Over cap (£)",
    "Starts",
    "Expires",
    "State",
    "Renewal number",
    "MSP",
    "Ended early on",
    "End reason",
    "Requested by",
    "Requested on",
    "DCS approval by",
    "DCS approved on",
    "Second approval by",
    "Second approved on",
    "Reported to the region on",
    "Refused on",
    "Reason",
    "Exit plan",
    "Recorded after the fact because",
]


def travel_to(time_machine, day: datetime.date, at: datetime.time = datetime.time(10)) -> None:
    time_machine.move_to(datetime.datetime.combine(day, at, LONDON), tick=False)


@pytest.fixture(autouse=True)
def late_may_2027(time_machine):
    travel_to(time_machine, REQUESTED_ON)


@pytest.fixture
def london_caps(reference_data):
    """London's MOU with caps for team managers, both engagement types, and a regional lead's
    second approval."""
    version = mou_version("LDN", publish=False)
    for engagement_type in EngagementType:
        mou_services.price_cap_save(
            version=version,
            cap=PriceCap(
                job_type=JobType.TEAM_MANAGER,
                engagement_type=engagement_type,
                max_hourly_rate=CAP,
            ),
            actor=None,
        )
    mou_services.mou_version_publish(version=version, actor=None)
    type(version).objects.filter(pk=version.pk).update(
        exception_second_approver=SecondApprover.REGIONAL_LEAD
    )
    return version


def _request(actor, **overrides) -> CapException:
    values = {
        "local_authority": local_authority("202"),
        "job_type": JobType.TEAM_MANAGER,
        "engagement_type": EngagementType.PAYE,
        "agency": AgencyFactory(),
        "msp": None,
        "engagement_reference": "CAM-BK-1",
        "rate": Decimal("45.00"),
        "reason": "No one at the cap",
        "starts_on": STARTS,
        "expires_on": EXPIRES,
        "exit_plan": "Recruit permanently",
    } | overrides
    return services.exception_request(request=services.Request(**values), actor=actor)


def _approved(first, second, exception: CapException) -> CapException:
    exception = services.exception_approve(exception=exception, actor=first)
    return services.exception_approve(exception=exception, actor=second)


@pytest.fixture
def ending_early(time_machine, london_caps, la_workforce_lead, dcs, regional_lead, camden_msp):
    """Asked for on 28 May; approved by the DCS at half past midnight on 1 June, London time
    (still 31 May in UTC), and by the regional lead on 2 June; on 3 June the LA ends it early,
    its last day 3 September."""
    exception = _request(
        la_workforce_lead,
        msp=camden_msp,
        reason="Three team managers left in April",
        exit_plan="A permanent manager starts in September",
    )
    travel_to(time_machine, D(2027, 6, 1), datetime.time(0, 30))
    exception = services.exception_approve(exception=exception, actor=dcs)
    travel_to(time_machine, D(2027, 6, 2))
    exception = services.exception_approve(exception=exception, actor=regional_lead)
    travel_to(time_machine, D(2027, 6, 3))
    return services.exception_end_early(
        exception=exception,
        actor=la_workforce_lead,
        ended_on=ENDS_EARLY,
        reason="The permanent manager starts early",
    )


def _csv(client, **params) -> list[dict[str, str]]:
    response = client.get(reverse("cap_exceptions:export"), params)
    assert response.status_code == 200
    header, *rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    assert header == HEADER
    return [dict(zip(header, row, strict=True)) for row in rows]


def test_the_csv_carries_the_msp_dates_approvers_reason_and_exit_plan(
    client, ending_early, la_workforce_lead, dcs, regional_lead, camden_msp
):
    assert ending_early.status == ExceptionStatus.APPROVED  # its last day is still ahead
    client.force_login(regional_lead)
    [row] = _csv(client)
    assert row == {
        "Reference": ending_early.reference,
        "Local authority": "Camden",
        "Job type": "Team manager",
        "Engagement type": "PAYE",
        "Agency": ending_early.agency.name,
        "Engagement reference": "CAM-BK-1",
        "Rate (£)": "45.00",
        "Cap (£)": "40.00",
        "Over cap (£)": "5.00",
        "Starts": "2027-06-07",
        "Expires": "2027-11-30",
        "State": "Approved",
        "Renewal number": "0",
        "MSP": camden_msp.name,
        "Ended early on": "2027-09-03",
        "End reason": "The permanent manager starts early",
        "Requested by": la_workforce_lead.name,
        "Requested on": "2027-05-28",
        "DCS approval by": dcs.name,
        "DCS approved on": "2027-06-01",  # London's day, not UTC's 31 May
        "Second approval by": regional_lead.name,
        "Second approved on": "2027-06-02",
        "Reported to the region on": "2027-06-02",
        "Refused on": "",
        "Reason": "Three team managers left in April",
        "Exit plan": "A permanent manager starts in September",
        "Recorded after the fact because": "",
    }


def test_the_csv_leaves_blank_what_did_not_happen_and_shows_a_late_record_and_a_refusal(
    client, time_machine, london_caps, la_workforce_lead, dcs, regional_lead
):
    late = _request(
        la_workforce_lead,
        engagement_type=EngagementType.LIMITED_COMPANY_UMBRELLA,
        starts_on=D(2027, 1, 4),
        expires_on=D(2027, 3, 31),
        recorded_late_reason="Agreed by phone while the portal was down",
    )
    refused = _request(la_workforce_lead)
    travel_to(time_machine, D(2027, 5, 31))
    services.exception_refuse(exception=refused, actor=dcs, reason="Advertise first")
    client.force_login(regional_lead)
    rows = {row["Reference"]: row for row in _csv(client)}
    assert rows[late.reference]["Recorded after the fact because"] == (
        "Agreed by phone while the portal was down"
    )
    assert rows[late.reference]["Engagement type"] == "Limited company or umbrella"
    assert {
        name: rows[refused.reference][name]
        for name in (
            "State",
            "MSP",
            "Ended early on",
            "End reason",
            "DCS approval by",
            "DCS approved on",
            "Second approval by",
            "Second approved on",
            "Reported to the region on",
            "Refused on",
            "Recorded after the fact because",
        )
    } == {
        "State": "Refused",
        "MSP": "",
        "Ended early on": "",
        "End reason": "",
        "DCS approval by": "",
        "DCS approved on": "",
        "Second approval by": "",
        "Second approved on": "",
        "Reported to the region on": "",
        "Refused on": "2027-05-31",
        "Recorded after the fact because": "",
    }


def test_free_text_that_a_spreadsheet_would_run_is_written_as_text(
    client, time_machine, london_caps, la_workforce_lead, dcs, regional_lead
):
    exception = _approved(
        dcs,
        regional_lead,
        _request(la_workforce_lead, reason='=HYPERLINK("https://example.org")', exit_plan="-1+1"),
    )
    services.exception_end_early(
        exception=exception, actor=la_workforce_lead, ended_on=D(2027, 7, 1), reason="@SUM(A1)"
    )
    client.force_login(regional_lead)
    [row] = _csv(client)
    assert (row["Reason"], row["Exit plan"], row["End reason"]) == (
        '\'=HYPERLINK("https://example.org")',
        "'-1+1",
        "'@SUM(A1)",
    )


def test_the_register_shows_the_start_the_msp_and_the_early_end(
    client, time_machine, ending_early, regional_lead, camden_msp
):
    client.force_login(regional_lead)
    response = client.get(reverse("cap_exceptions:register"))
    [row] = response.context["table"].rows
    assert row.get_cell("starts_on") == "7 Jun 2027"
    assert row.get_cell("expires_on") == (
        'Ends early 3 Sep 2027<br><span class="govuk-hint">Expiry 30 Nov 2027</span>'
    )
    assert row.get_cell("agency") == (
        f'{ending_early.agency.name}<br><span class="govuk-hint">through {camden_msp.name}</span>'
    )
    page = response.content.decode()
    assert ">Starts<" in page
    assert ">Ends<" in page
    assert "Ends early 3 Sep 2027" in page

    travel_to(time_machine, D(2027, 9, 6))  # past its last day, before the expiry command ran
    client.force_login(regional_lead)  # the session from June has timed out
    [row] = client.get(reverse("cap_exceptions:register")).context["table"].rows
    assert row.get_cell("expires_on") == (
        'Ended early 3 Sep 2027<br><span class="govuk-hint">Expiry 30 Nov 2027</span>'
    )


def test_an_exception_neither_ended_early_nor_through_an_msp_shows_its_expiry_and_agency(
    client, london_caps, la_workforce_lead, regional_lead
):
    exception = _request(la_workforce_lead)
    client.force_login(regional_lead)
    [row] = client.get(reverse("cap_exceptions:register")).context["table"].rows
    assert (row.get_cell("expires_on"), row.get_cell("agency")) == (
        "30 Nov 2027",
        exception.agency.name,
    )


def test_the_end_column_sorts_by_the_last_day_covered(
    client, london_caps, la_workforce_lead, dcs, regional_lead
):
    runs_to_expiry = _request(la_workforce_lead, expires_on=D(2027, 8, 31))
    ends_early = _approved(dcs, regional_lead, _request(la_workforce_lead))
    services.exception_end_early(
        exception=ends_early, actor=la_workforce_lead, ended_on=D(2027, 7, 15), reason="Left"
    )
    client.force_login(regional_lead)

    def order(sort: str) -> list[str]:
        table = client.get(reverse("cap_exceptions:register"), {"sort": sort}).context["table"]
        return [row.record.reference for row in table.rows]

    # By expiry alone the early end (30 November) would come last.
    assert order("expires_on") == [ends_early.reference, runs_to_expiry.reference]
    assert order("-expires_on") == [runs_to_expiry.reference, ends_early.reference]


@pytest.mark.parametrize("person", ["north_east_lead", "msp_contact"])
def test_another_regions_lead_and_an_msp_contact_get_none_of_londons_rows(
    client, request, ending_early, person
):
    """The North East's regional lead may use the register, and sees an empty one; the contact
    of the very MSP the exception goes through may not use it at all."""
    client.force_login(request.getfixturevalue(person))
    register = client.get(reverse("cap_exceptions:register"))
    export = client.get(reverse("cap_exceptions:export"))
    if person == "north_east_lead":
        assert (register.status_code, export.status_code) == (200, 200)
        assert list(register.context["table"].data) == []
        assert _csv(client) == []
        assert ending_early.reference not in export.content.decode("utf-8-sig")
    else:
        assert (register.status_code, export.status_code) == (403, 403)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _fully_recorded(la_workforce_lead, dcs, regional_lead) -> CapException:
    """An exception with every column filled: an MSP, both approvals, an early end."""
    exception = _approved(
        dcs, regional_lead, _request(la_workforce_lead, msp=MSPFactory(), reason="r", exit_plan="p")
    )
    return services.exception_end_early(
        exception=exception, actor=la_workforce_lead, ended_on=ENDS_EARLY, reason="x"
    )


def test_the_new_columns_keep_the_register_and_csv_at_a_fixed_query_count(
    client, camden, london_caps, la_workforce_lead, dcs, regional_lead
):
    first = _fully_recorded(la_workforce_lead, dcs, regional_lead)
    client.force_login(regional_lead)
    client.get("/")
    urls = [reverse("cap_exceptions:register"), reverse("cap_exceptions:export")]
    one = [_count(client, url) for url in urls]
    for _ in range(4):
        # Other people each time: a relation read row by row would show as more queries.
        _fully_recorded(
            person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=camden),
            person_with_role(Role.DCS, local_authority=camden),
            person_with_role(Role.REGIONAL_LEAD, region=camden.region),
        )
    assert CapException.objects.exclude(pk=first.pk).filter(ended_on=ENDS_EARLY).count() == 4
    five = [_count(client, url) for url in urls]
    assert five == one
