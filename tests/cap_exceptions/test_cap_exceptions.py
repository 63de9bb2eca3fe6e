"""Cap exceptions: requesting, approving, refusing, expiry, scope and the register."""

import csv
import datetime
import io
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from cap_exceptions import services
from cap_exceptions.models import CapException, EventKind, ExceptionStatus
from kernel.working_days import add_working_days, is_working_day, working_days_between
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap, SecondApprover
from tests.factories import AgencyFactory, local_authority, mou_version, person_with_role

pytestmark = pytest.mark.django_db
D = datetime.date
CAP = Decimal("40.00")
LONDON = ZoneInfo("Europe/London")


def travel_to(time_machine, day: datetime.date) -> None:
    """Run as on `day`, 10am in London: the dates below are then ahead or behind as they say."""
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(10), LONDON), tick=False)


@pytest.fixture(autouse=True)
def early_january_2026(time_machine):
    travel_to(time_machine, D(2026, 1, 2))


@pytest.fixture
def london_caps(reference_data):
    version = mou_version("LDN", publish=False)
    mou_services.price_cap_save(
        version=version,
        cap=PriceCap(
            job_type=JobType.TEAM_MANAGER,
            engagement_type=EngagementType.LIMITED_COMPANY_UMBRELLA,
            max_hourly_rate=CAP,
        ),
        actor=None,
    )
    mou_services.mou_version_publish(version=version, actor=None)
    return version


def _request(actor, **overrides):
    values = {
        "local_authority": local_authority("202"),
        "job_type": JobType.TEAM_MANAGER,
        "engagement_type": EngagementType.LIMITED_COMPANY_UMBRELLA,
        "agency": AgencyFactory(),
        "msp": None,
        "engagement_reference": "CAM-BK-1",
        "rate": Decimal("45.00"),
        "reason": "No one at the cap",
        "starts_on": D(2026, 1, 5),
        "expires_on": D(2026, 5, 5),
        "exit_plan": "Recruit permanently",
    } | overrides
    return services.exception_request(request=services.Request(**values), actor=actor)


def test_working_days_skip_weekends_and_bank_holidays():
    assert not is_working_day(D(2026, 12, 25))  # Christmas Day
    assert not is_working_day(D(2026, 12, 28))  # Boxing Day, observed
    assert add_working_days(D(2026, 12, 24), 1) == D(2026, 12, 29)
    assert add_working_days(D(2026, 4, 2), 2) == D(2026, 4, 8)  # Good Friday and Easter Monday
    assert working_days_between(D(2026, 12, 24), D(2026, 12, 29)) == 1


def test_a_request_looks_up_the_cap_in_force_and_shows_the_excess(london_caps, la_workforce_lead):
    exception = _request(la_workforce_lead)
    assert (exception.cap_rate, exception.excess, exception.mou_version) == (
        CAP,
        Decimal("5.00"),
        london_caps,
    )
    assert exception.reference == f"LDN-CX-{exception.pk:05d}"
    assert exception.status == ExceptionStatus.REQUESTED


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"rate": Decimal("40.00")}, "rate", "at or below the cap of £40.00"),
        ({"expires_on": D(2026, 1, 1)}, "expires_on", "must be after the start date"),
        ({"expires_on": D(2026, 7, 6)}, "expires_on", "at most 6 months: expire it by 5 July 2026"),
        ({"job_type": JobType.SOCIAL_WORKER}, "job_type", "sets no cap for this job"),
        (
            {"starts_on": D(2024, 1, 1), "expires_on": D(2024, 3, 1)},
            "starts_on",
            "No London MOU is in force",
        ),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message(
    london_caps, la_workforce_lead, overrides, field, message
):
    with pytest.raises(ValidationError) as error:
        _request(la_workforce_lead, **overrides)
    assert message in " ".join(error.value.message_dict[field])
    assert not CapException.objects.exists()


def test_the_longest_run_is_configured_per_mou_version(london_caps, la_workforce_lead):
    type(london_caps).objects.filter(pk=london_caps.pk).update(exception_max_months=3)
    with pytest.raises(ValidationError, match="at most 3 months"):
        _request(la_workforce_lead, expires_on=D(2026, 5, 5))


def test_only_the_las_own_people_may_request(london_caps, regional_lead, newcastle_dcs):
    for person in (regional_lead, newcastle_dcs):
        with pytest.raises(PermissionDenied):
            _request(person)


def test_the_dcs_approves_and_the_region_is_told(
    london_caps,
    la_workforce_lead,
    dcs,
    regional_lead,
    django_capture_on_commit_callbacks,
    # Told: the region's own leads; not admins who may act there, nor another region's lead.
    national_admin,
    london_admin,
    north_east_lead,
):
    with django_capture_on_commit_callbacks(execute=True):
        exception = _request(la_workforce_lead)
    assert mail.outbox[-1].to == [dcs.email]
    with django_capture_on_commit_callbacks(execute=True):
        services.exception_approve(exception=exception, actor=dcs)
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.APPROVED
    assert exception.reported_to_region_at == exception.dcs_approved_at  # the final approval
    approved = mail.outbox[-2:]  # a message for each person told
    assert sorted(m.to[0] for m in approved) == sorted(
        [regional_lead.email, la_workforce_lead.email]
    )
    assert [len(m.to) for m in approved] == [1, 1]
    assert "approved" in mail.outbox[-1].subject
    assert [e.kind for e in exception.events.all()] == [EventKind.REQUESTED, EventKind.APPROVED]


def test_approval_by_someone_who_is_not_the_las_dcs_is_refused(
    london_caps, la_workforce_lead, newcastle_dcs, regional_lead
):
    exception = _request(la_workforce_lead)
    for person in (newcastle_dcs, regional_lead):
        with pytest.raises(
            ValidationError, match="Only the director of children's services of Camden"
        ):
            services.exception_approve(exception=exception, actor=person)
    assert CapException.objects.get(pk=exception.pk).status == ExceptionStatus.REQUESTED


def test_nobody_approves_their_own_request(london_caps, dcs):
    exception = _request(dcs)
    with pytest.raises(ValidationError, match="cannot decide on a request you made yourself"):
        services.exception_approve(exception=exception, actor=dcs)


def test_a_second_approver_when_the_mou_version_says_so(
    london_caps, la_workforce_lead, dcs, regional_lead
):
    type(london_caps).objects.filter(pk=london_caps.pk).update(
        exception_second_approver=SecondApprover.REGIONAL_LEAD
    )
    exception = _request(la_workforce_lead)
    exception = services.exception_approve(exception=exception, actor=dcs)
    assert exception.status == ExceptionStatus.REQUESTED
    assert exception.awaiting_second_approval
    with pytest.raises(ValidationError, match="A different person"):
        services.exception_approve(exception=exception, actor=dcs)
    exception = services.exception_approve(exception=exception, actor=regional_lead)
    assert (exception.status, exception.second_approved_by) == (
        ExceptionStatus.APPROVED,
        regional_lead,
    )


def test_refusal_needs_a_reason(london_caps, la_workforce_lead, dcs):
    exception = _request(la_workforce_lead)
    with pytest.raises(ValidationError):
        services.exception_refuse(exception=exception, actor=dcs, reason=" ")
    services.exception_refuse(
        exception=exception, actor=dcs, reason="A candidate is available at the cap"
    )
    assert CapException.objects.get(pk=exception.pk).status == ExceptionStatus.REFUSED


def _renew(current, actor, **overrides):
    values = {
        "local_authority": current.local_authority,
        "job_type": current.job_type,
        "engagement_type": current.engagement_type,
        "agency": current.agency,
        "msp": None,
        "engagement_reference": "CAM-BK-1",
        "rate": Decimal("44.00"),
        "reason": "Still needed",
        "starts_on": services.renewal_start(current),
        "expires_on": services.renewal_start(current) + datetime.timedelta(days=60),
        "exit_plan": "Starter arrives later",
    } | overrides
    return services.exception_request(
        request=services.Request(**values), actor=actor, renewal_of=current
    )


def test_a_renewal_is_a_new_request_linked_to_the_old_one(london_caps, la_workforce_lead, dcs):
    first = services.exception_approve(exception=_request(la_workforce_lead), actor=dcs)
    renewal = _renew(first, la_workforce_lead)
    assert renewal.starts_on == D(2026, 5, 6)  # the day after the first expires
    renewal = services.exception_approve(exception=renewal, actor=dcs)
    again = _renew(renewal, la_workforce_lead)
    assert (renewal.renewal_of, renewal.renewal_number, again.renewal_number) == (first, 1, 2)


def test_end_early_is_recorded(london_caps, la_workforce_lead, dcs, time_machine):
    exception = services.exception_approve(exception=_request(la_workforce_lead), actor=dcs)
    with pytest.raises(ValidationError):
        services.exception_end_early(
            exception=exception, actor=la_workforce_lead, ended_on=D(2027, 1, 1), reason="x"
        )
    travel_to(time_machine, D(2026, 3, 2))
    services.exception_end_early(
        exception=exception,
        actor=la_workforce_lead,
        ended_on=D(2026, 3, 1),
        reason="Permanent starter",
    )
    assert CapException.objects.get(pk=exception.pk).status == ExceptionStatus.ENDED_EARLY


def test_the_expiry_command_expires_and_reminds_once_as_of_a_date(
    london_caps, la_workforce_lead, dcs, django_capture_on_commit_callbacks, time_machine
):
    exception = services.exception_approve(
        exception=_request(la_workforce_lead), actor=dcs
    )  # expires 5 May 2026
    out = StringIO()
    travel_to(time_machine, D(2026, 3, 1))
    call_command("expire_cap_exceptions", "--as-of", "2026-03-01", stdout=out)
    assert "0 expired, 0 ended early, 0 reminded" in out.getvalue()  # 20+ working days away

    mail.outbox.clear()
    travel_to(time_machine, D(2026, 4, 10))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_cap_exceptions", "--as-of", "2026-04-10", stdout=(out := StringIO()))
        call_command(
            "expire_cap_exceptions", "--as-of", "2026-04-10", stdout=StringIO()
        )  # twice: nothing doubles
    assert f"Did remind about {exception.reference}" in out.getvalue()
    assert sorted(m.to for m in mail.outbox) == sorted([[dcs.email], [la_workforce_lead.email]])

    call_command(
        "expire_cap_exceptions", "--as-of", "2026-05-06", "--dry-run", stdout=(out := StringIO())
    )
    assert f"Would expire {exception.reference}" in out.getvalue()
    assert CapException.objects.get(pk=exception.pk).status == ExceptionStatus.APPROVED
    travel_to(time_machine, D(2026, 5, 7))
    call_command("expire_cap_exceptions", "--as-of", "2026-05-06", stdout=StringIO())
    call_command("expire_cap_exceptions", "--as-of", "2026-05-07", stdout=StringIO())
    exception.refresh_from_db()
    assert exception.status == ExceptionStatus.EXPIRED
    assert exception.events.filter(kind=EventKind.EXPIRED).count() == 1


def test_the_command_explains_a_bad_date(reference_data):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="takes a date like"):
        call_command("expire_cap_exceptions", "--as-of", "tomorrow")


# Pages.


@pytest.fixture
def camden_exception(london_caps, la_workforce_lead):
    return _request(la_workforce_lead)


@pytest.mark.parametrize(
    ("person", "register", "detail", "decide"),
    [
        ("la_workforce_lead", 200, 200, 403),
        ("dcs", 200, 200, 200),
        ("regional_lead", 200, 200, 403),
        ("london_admin", 200, 200, 403),
        ("national_admin", 200, 200, 403),
        ("observer", 403, 404, 404),
        ("msp_contact", 403, 404, 404),
        ("north_east_lead", 200, 404, 404),
        ("newcastle_dcs", 200, 404, 404),
    ],
)
def test_permission_matrix(client, request, camden_exception, person, register, detail, decide):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("cap_exceptions:register")).status_code == register
    assert client.get(camden_exception.get_absolute_url()).status_code == detail
    assert (
        client.get(reverse("cap_exceptions:decide", args=[camden_exception.pk])).status_code
        == decide
    )


def test_another_las_exceptions_are_not_on_the_register(client, camden_exception, reference_data):
    hackney_lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("204"))
    client.force_login(hackney_lead)
    assert list(client.get(reverse("cap_exceptions:register")).context["table"].data) == []
    assert client.get(camden_exception.get_absolute_url()).status_code == 404


def test_the_request_form_explains_bad_input_and_loses_nothing(
    client, london_caps, la_workforce_lead
):
    agency = AgencyFactory()
    client.force_login(la_workforce_lead)
    response = client.post(
        reverse("cap_exceptions:request"),
        {
            "local_authority": local_authority("202").pk,
            "job_type": "team_manager",
            "engagement_type": "limited_company_umbrella",
            "agency": agency.name,
            "engagement_reference": "CAM-1",
            "rate": "39.00",
            "reason": "r",
            "exit_plan": "p",
            "starts_on_day": "5",
            "starts_on_month": "1",
            "starts_on_year": "2026",
            "expires_on_day": "5",
            "expires_on_month": "12",
            "expires_on_year": "2026",
        },
    )
    errors = response.context["form"].errors
    assert "at or below the cap" in " ".join(errors["rate"])
    assert "at most 6 months" in " ".join(errors["expires_on"])
    assert response.context["form"]["engagement_reference"].value() == "CAM-1"
    assert not CapException.objects.exists()


def test_deciding_through_the_page_by_the_wrong_person_is_explained(
    client, camden_exception, newcastle_dcs, regional_lead, dcs
):
    url = reverse("cap_exceptions:decide", args=[camden_exception.pk])
    client.force_login(newcastle_dcs)  # another region's DCS: the exception is not theirs to see
    assert client.post(url, {"decision": "approve"}).status_code == 404
    client.force_login(regional_lead)  # sees it, but the first decision is Camden's DCS's
    response = client.post(url, {"decision": "approve"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Only the director of children's services of Camden can decide this"
    ]
    assert CapException.objects.get().status == ExceptionStatus.REQUESTED
    client.force_login(dcs)  # the right person: still asked for a reason to refuse
    response = client.post(
        reverse("cap_exceptions:decide", args=[camden_exception.pk]),
        {"decision": "refuse", "note": ""},
    )
    assert "Enter why the exception is refused" in " ".join(response.context["form"].errors["note"])
    response = client.post(
        reverse("cap_exceptions:decide", args=[camden_exception.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    assert CapException.objects.get().status == ExceptionStatus.APPROVED


def test_the_region_register_filters_and_exports(
    client, london_caps, la_workforce_lead, dcs, regional_lead
):
    approved = services.exception_approve(
        exception=_request(la_workforce_lead, engagement_reference="=SUM(1)"), actor=dcs
    )
    _request(la_workforce_lead)
    client.force_login(regional_lead)
    shown = [
        e.reference
        for e in client.get(reverse("cap_exceptions:register"), {"status": "approved"})
        .context["table"]
        .data
    ]
    assert shown == [approved.reference]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("cap_exceptions:export"), {"status": "approved"}).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(rows) == 2
    assert rows[1][0] == approved.reference
    assert rows[1][5] == "'=SUM(1)"


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_register_and_exception_pages_keep_a_fixed_query_count(
    client, london_caps, la_workforce_lead, dcs, regional_lead
):
    first = services.exception_approve(exception=_request(la_workforce_lead), actor=dcs)
    client.force_login(regional_lead)
    client.get("/")
    urls = [
        reverse("cap_exceptions:register"),
        reverse("cap_exceptions:register") + "?expiring=soon",
        reverse("cap_exceptions:export"),
        first.get_absolute_url(),
    ]
    before = [_count(client, u) for u in urls]
    for _ in range(12):
        services.exception_approve(exception=_request(la_workforce_lead), actor=dcs)
    services.exception_end_early(
        exception=first, actor=la_workforce_lead, ended_on=D(2026, 2, 1), reason="x"
    )
    assert [_count(client, u) for u in urls] == before
