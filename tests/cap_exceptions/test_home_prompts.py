"""Cap exceptions where people look: the home page lists decisions waiting for the person, the
region's recent reports and what expires within 20 working days, in scope and in a fixed number
of queries."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from cap_exceptions import services
from cap_exceptions.models import CapException
from cap_exceptions.selectors import home_lists
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap, SecondApprover
from tests.factories import AgencyFactory, local_authority, mou_version, person_with_role

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2027, 1, 4)  # a Monday
STARTS, EXPIRES = D(2027, 1, 11), D(2027, 6, 30)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(
        datetime.datetime(2027, 1, 4, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


@pytest.fixture
def caps(reference_data):
    for code in ("LDN", "NE"):
        version = mou_version(code, publish=False)
        mou_services.price_cap_save(
            version=version,
            cap=PriceCap(
                job_type=JobType.TEAM_MANAGER,
                engagement_type=EngagementType.LIMITED_COMPANY_UMBRELLA,
                max_hourly_rate=Decimal("48.30"),
            ),
            actor=None,
        )
        mou_services.mou_version_publish(version=version, actor=None)


def _ask(requester, la_code="202", *, starts=STARTS, expires=EXPIRES, n=1):
    return services.exception_request(
        request=services.Request(
            local_authority=local_authority(la_code),
            job_type=JobType.TEAM_MANAGER,
            engagement_type=EngagementType.LIMITED_COMPANY_UMBRELLA,
            agency=AgencyFactory(),
            msp=None,
            engagement_reference=f"BK-{n}",
            rate=Decimal("52.80"),
            reason="No one at the cap",
            starts_on=starts,
            expires_on=expires,
            exit_plan="Recruit",
        ),
        actor=requester,
    )


def _titles(person) -> dict[str, list[str]]:
    return {
        item.title: [e.reference for e in item.exceptions]
        for item in home_lists(person, today=TODAY)
    }


def test_the_dcs_home_lists_the_requests_waiting_for_their_decision(
    client, caps, la_workforce_lead, dcs, newcastle_dcs
):
    mine = [_ask(la_workforce_lead, n=n) for n in range(4)]
    own = _ask(dcs, n=9)  # a DCS's own request waits for someone else
    newcastle_lead = person_with_role(
        Role.LA_WORKFORCE_LEAD, local_authority=local_authority("391")
    )
    theirs = _ask(newcastle_lead, "391")
    waiting = _titles(dcs)["Waiting for your decision"]
    assert waiting == [e.reference for e in mine]
    assert own.reference not in waiting
    assert theirs.reference not in waiting
    client.force_login(dcs)
    page = client.get(reverse("home")).content.decode()
    section = page[
        page.index('id="home-cap-exceptions"') : page.index(
            "</section>", page.index('id="home-cap-exceptions"')
        )
    ]
    for exception in mine:
        assert exception.reference in section
    assert "4 January 2027" in section  # the day each was requested
    assert own.reference not in section
    assert theirs.reference not in section
    assert _titles(newcastle_dcs)["Waiting for your decision"] == [theirs.reference]


def test_decided_requests_leave_the_list(caps, la_workforce_lead, dcs):
    exception = _ask(la_workforce_lead)
    services.exception_approve(exception=exception, actor=dcs)
    assert "Waiting for your decision" not in _titles(dcs)


def test_a_second_approver_sees_what_the_dcs_approved(
    caps, la_workforce_lead, dcs, regional_lead, north_east_lead
):
    from mou.models import MOUVersion

    MOUVersion.objects.filter(mou__region__code="LDN").update(
        exception_second_approver=SecondApprover.REGIONAL_LEAD
    )
    exception = _ask(la_workforce_lead)
    assert "Waiting for your decision" not in _titles(regional_lead)
    services.exception_approve(exception=exception, actor=dcs)
    assert _titles(regional_lead)["Waiting for your decision"] == [exception.reference]
    assert "Waiting for your decision" not in _titles(dcs)  # their part is done
    assert "Waiting for your decision" not in _titles(north_east_lead)


def test_the_regional_lead_sees_recent_reports_and_what_expires_within_20_working_days(
    caps, la_workforce_lead, dcs, regional_lead, north_east_lead
):
    soon = services.exception_approve(
        exception=_ask(la_workforce_lead, starts=D(2027, 1, 5), expires=D(2027, 2, 1)), actor=dcs
    )
    later = services.exception_approve(exception=_ask(la_workforce_lead, n=2), actor=dcs)
    titles = _titles(regional_lead)
    assert set(titles["Reported to the region in the last 30 days"]) == {
        soon.reference,
        later.reference,
    }
    # 4 January + 20 working days is 1 February: `soon` expires then, `later` in June.
    assert titles["Expiring within 20 working days"] == [soon.reference]
    assert _titles(north_east_lead) == {}  # another region's lead sees none of London's


def test_reports_older_than_30_days_are_not_recent(caps, la_workforce_lead, dcs, regional_lead):
    exception = services.exception_approve(exception=_ask(la_workforce_lead), actor=dcs)
    CapException.objects.filter(pk=exception.pk).update(
        reported_to_region_at=datetime.datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/London"))
    )
    assert "Reported to the region in the last 30 days" not in _titles(regional_lead)


def test_the_las_people_see_their_own_expiring_and_not_another_las(
    caps, la_workforce_lead, dcs, newcastle_dcs
):
    soon = services.exception_approve(
        exception=_ask(la_workforce_lead, starts=D(2027, 1, 5), expires=D(2027, 1, 29)), actor=dcs
    )
    assert _titles(la_workforce_lead) == {"Expiring within 20 working days": [soon.reference]}
    assert _titles(dcs)["Expiring within 20 working days"] == [soon.reference]
    assert "Expiring within 20 working days" not in _titles(newcastle_dcs)
    hackney_lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("204"))
    assert _titles(hackney_lead) == {}


def test_an_exception_ending_early_is_not_expiring(caps, la_workforce_lead, dcs):
    soon = services.exception_approve(
        exception=_ask(la_workforce_lead, starts=D(2027, 1, 5), expires=D(2027, 1, 29)), actor=dcs
    )
    services.exception_end_early(
        exception=soon, actor=la_workforce_lead, ended_on=D(2027, 1, 20), reason="Starter"
    )
    assert _titles(la_workforce_lead) == {}


@pytest.mark.parametrize("person", ["msp_contact", "observer", "national_admin"])
def test_people_with_no_part_in_an_las_exceptions_see_no_section(
    client, request, caps, la_workforce_lead, dcs, person
):
    services.exception_approve(
        exception=_ask(la_workforce_lead, starts=D(2027, 1, 5), expires=D(2027, 1, 29)), actor=dcs
    )
    _ask(la_workforce_lead, n=2)
    client.force_login(request.getfixturevalue(person))
    assert 'id="home-cap-exceptions"' not in client.get(reverse("home")).content.decode()


def test_the_register_filter_agrees_with_the_home_list(client, caps, la_workforce_lead, dcs):
    soon = services.exception_approve(
        exception=_ask(la_workforce_lead, starts=D(2027, 1, 5), expires=D(2027, 2, 1)), actor=dcs
    )
    later = services.exception_approve(
        exception=_ask(la_workforce_lead, starts=D(2027, 1, 5), expires=D(2027, 2, 2), n=2),
        actor=dcs,
    )
    client.force_login(la_workforce_lead)
    page = client.get(reverse("cap_exceptions:register") + "?expiring=soon").content.decode()
    assert soon.reference in page
    assert later.reference not in page


def _home_queries(client, person) -> int:
    client.force_login(person)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("home")).status_code == 200
    return len(ctx.captured_queries)


def test_the_home_page_reads_the_lists_in_a_fixed_number_of_queries(
    client, caps, la_workforce_lead, dcs, regional_lead
):
    def add(n):
        exception = _ask(la_workforce_lead, starts=D(2027, 1, 5), expires=D(2027, 1, 29), n=n)
        services.exception_approve(exception=exception, actor=dcs)
        _ask(la_workforce_lead, n=100 + n)

    add(0)
    few = (_home_queries(client, dcs), _home_queries(client, regional_lead))
    for n in range(1, 12):
        add(n)
    many = (_home_queries(client, dcs), _home_queries(client, regional_lead))
    assert few == many
