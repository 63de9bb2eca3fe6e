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
SOON = D(2027, 1, 29)  # within 20 working days of TODAY
LONDON = ZoneInfo("Europe/London")


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


def _section(client, person) -> str:
    """The home page's cap exceptions section for `person`, or "" when there is none."""
    client.force_login(person)
    page = client.get(reverse("home")).content.decode()
    if 'id="home-cap-exceptions"' not in page:
        return ""
    start = page.index('id="home-cap-exceptions"')
    return page[start : page.index("</section>", start)]


def _approved_soon(requester, decider, la_code="202", *, n=1, expires=SOON):
    """Approved today, expiring within 20 working days of TODAY."""
    return services.exception_approve(
        exception=_ask(requester, la_code, starts=D(2027, 1, 5), expires=expires, n=n),
        actor=decider,
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
    section = _section(client, dcs)
    assert (
        '<h3 class="govuk-heading-s" id="home-exceptions-decisions-heading">Waiting for your decision</h3>'
        in section
    )
    for exception in mine:
        assert f'href="{exception.get_absolute_url()}">{exception.reference}</a>' in section
    assert '<th scope="col" class="govuk-table__header">Requested</th>' in section
    assert '<time datetime="2027-01-04">4 January 2027</time>' in section  # the day each was asked
    assert "£52.80 (£4.50 over the cap)" in section
    assert f'href="{reverse("cap_exceptions:register")}?status=requested"' in section
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
    client, caps, la_workforce_lead, dcs, regional_lead, north_east_lead, newcastle_dcs
):
    soon = _approved_soon(la_workforce_lead, dcs, expires=D(2027, 2, 1))
    later = services.exception_approve(exception=_ask(la_workforce_lead, n=2), actor=dcs)
    newcastle_lead = person_with_role(
        Role.LA_WORKFORCE_LEAD, local_authority=local_authority("391")
    )
    theirs = _approved_soon(newcastle_lead, newcastle_dcs, "391", n=3)
    titles = _titles(regional_lead)
    assert set(titles["Reported to the region in the last 30 days"]) == {
        soon.reference,
        later.reference,
    }
    # 4 January + 20 working days is 1 February: `soon` expires then, `later` in June.
    assert titles["Expiring within 20 working days"] == [soon.reference]
    section = _section(client, regional_lead)
    assert '<time datetime="2027-02-01">1 February 2027</time>' in section
    assert '<th scope="col" class="govuk-table__header">Expires</th>' in section
    assert '<th scope="col" class="govuk-table__header">Reported</th>' in section
    register = reverse("cap_exceptions:register")
    assert f'href="{register}?reported=recent"' in section
    assert f'href="{register}?expiring=soon"' in section
    assert theirs.reference not in section
    # Another region's lead sees their own region's, and none of London's.
    assert _titles(north_east_lead) == {
        "Reported to the region in the last 30 days": [theirs.reference],
        "Expiring within 20 working days": [theirs.reference],
    }
    north_east = _section(client, north_east_lead)
    assert theirs.reference in north_east
    for exception in (soon, later):
        assert exception.reference not in north_east


@pytest.mark.parametrize(
    ("reported_at", "recent"),
    [
        (datetime.datetime(2026, 12, 5, 0, 0, tzinfo=LONDON), True),  # 30 days before, midnight
        (datetime.datetime(2026, 12, 4, 23, 59, tzinfo=LONDON), False),
        (datetime.datetime(2026, 12, 1, 10, 0, tzinfo=LONDON), False),
    ],
)
def test_reports_older_than_30_days_are_not_recent(
    client, caps, la_workforce_lead, dcs, regional_lead, reported_at, recent
):
    exception = services.exception_approve(exception=_ask(la_workforce_lead), actor=dcs)
    CapException.objects.filter(pk=exception.pk).update(reported_to_region_at=reported_at)
    listed = _titles(regional_lead).get("Reported to the region in the last 30 days", [])
    assert listed == ([exception.reference] if recent else [])
    # The register's "see all" filter draws the same line.
    client.force_login(regional_lead)
    page = client.get(reverse("cap_exceptions:register"), {"reported": "recent"}).content.decode()
    assert (exception.reference in page) is recent


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
    expiring = _approved_soon(la_workforce_lead, dcs)
    waiting = _ask(la_workforce_lead, n=2)
    assert waiting.reference in _section(client, dcs)  # the same data shows where it should
    assert expiring.reference in _section(client, la_workforce_lead)
    client.force_login(request.getfixturevalue(person))
    page = client.get(reverse("home")).content.decode()
    assert 'id="home-cap-exceptions"' not in page
    assert expiring.reference not in page
    assert waiting.reference not in page


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
    people = (dcs, regional_lead, la_workforce_lead)

    def add(n):
        _approved_soon(la_workforce_lead, dcs, n=n)
        _ask(la_workforce_lead, n=100 + n)

    add(0)
    row = '<tr class="govuk-table__row">'  # a header row and a row an exception, a list
    assert [_section(client, p).count(row) for p in people] == [4, 4, 2]
    few = [_home_queries(client, p) for p in people]
    for n in range(1, 12):
        add(n)
    many = [_home_queries(client, p) for p in people]
    assert few == many
    # Each list shows at most 10 of the 12, its link opening the register for the rest.
    for person in people:
        lists = home_lists(person, today=TODAY)
        assert lists
        assert all(len(item.exceptions) == 10 for item in lists)
        assert _section(client, person).count(row) == 11 * len(lists)
