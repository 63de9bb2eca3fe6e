"""Cap exceptions as LAs, DCSs and the region need them: the breach check both ways, dates that
mean what they say, controlled renewals, pages that say the numbers, and who is told."""

import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.roles import Role
from breaches import services as breach_services
from breaches.models import Breach
from cap_exceptions import services
from cap_exceptions.models import CapException, EventKind, ExceptionStatus
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap
from tests.factories import AgencyFactory, local_authority, mou_version, person_with_role, region

pytestmark = pytest.mark.django_db
D = datetime.date
LONDON = ZoneInfo("Europe/London")
LTD = EngagementType.LIMITED_COMPANY_UMBRELLA
TODAY = D(2027, 1, 4)  # a Monday


def travel_to(time_machine, day: datetime.date) -> None:
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(10), LONDON), tick=False)


@pytest.fixture(autouse=True)
def _today(time_machine):
    travel_to(time_machine, TODAY)


@pytest.fixture
def london_caps(reference_data):
    """London's version in force from October 2025: a team manager's cap of £48.30 through a
    limited company or umbrella, £45.00 on PAYE."""
    version = mou_version("LDN", publish=False)
    for engagement, cap in ((LTD, "48.30"), (EngagementType.PAYE, "45.00")):
        mou_services.price_cap_save(
            version=version,
            cap=PriceCap(
                job_type=JobType.TEAM_MANAGER,
                engagement_type=engagement,
                max_hourly_rate=Decimal(cap),
            ),
            actor=None,
        )
    mou_services.mou_version_publish(version=version, actor=None)
    return version


@pytest.fixture
def agency(reference_data):
    return AgencyFactory(name="Kingsmead Children's Services Staffing Ltd")


def _request(actor, agency, **overrides) -> CapException:
    values = {
        "local_authority": local_authority("202"),
        "job_type": JobType.TEAM_MANAGER,
        "engagement_type": LTD,
        "agency": agency,
        "msp": None,
        "engagement_reference": "CAM-BK-4410",
        "rate": Decimal("52.80"),
        "reason": "No team manager at the cap after three rounds",
        "starts_on": D(2027, 1, 11),
        "expires_on": D(2027, 6, 30),
        "exit_plan": "Permanent appointment by June",
    } | overrides
    return services.exception_request(request=services.Request(**values), actor=actor)


@pytest.fixture
def approved(london_caps, agency, la_workforce_lead, dcs):
    """CAM's approved exception: £52.80 for a limited-company team manager, 11 January to 30
    June 2027."""
    return services.exception_approve(
        exception=_request(la_workforce_lead, agency), actor=dcs, note="Continuity of casework"
    )


# 1. The breach check is right both ways.


@pytest.fixture
def in_march(approved, time_machine):
    """Breaches are logged after they happen: the clock moves on to 1 March 2027."""
    travel_to(time_machine, D(2027, 3, 1))
    return approved


def _breach(agency, **overrides) -> breach_services.NewBreach:
    values = {
        "breach_type": "rate_above_cap",
        "occurred_on": D(2027, 2, 1),
        "description": "Paid above the cap",
        "region": region("LDN"),
        "local_authorities": [local_authority("202")],
        "agencies": [agency],
        "rate_paid": Decimal("52.80"),
        "job_type": JobType.TEAM_MANAGER,
        "engagement_type": LTD,
    } | overrides
    return breach_services.NewBreach(**values)


def _cover(exception, **overrides):
    values = {
        "local_authority": exception.local_authority,
        "agency": exception.agency,
        "job_type": exception.job_type,
        "engagement_type": exception.engagement_type,
        "rate": exception.rate,
        "on": D(2027, 2, 1),
    } | overrides
    return list(CapException.objects.covering(**values))


def test_cover_is_the_same_engagement_at_or_below_the_approved_rate_inside_the_period(approved):
    assert _cover(approved) == [approved]
    assert _cover(approved, rate=Decimal("50.00")) == [approved]
    assert _cover(approved, on=approved.starts_on) == [approved]
    assert _cover(approved, on=approved.expires_on) == [approved]


@pytest.mark.parametrize(
    "overrides",
    [
        {"engagement_type": EngagementType.PAYE},  # a PAYE breach under a limited-company one
        {"rate": Decimal("65.00")},  # above the approved £52.80
        {"on": D(2027, 1, 10)},  # before it starts
        {"on": D(2027, 7, 1)},  # after it expires
        {"job_type": JobType.SOCIAL_WORKER},
    ],
)
def test_anything_else_is_not_cover(approved, overrides):
    assert _cover(approved, **overrides) == []


def test_another_agency_or_la_is_not_cover(approved, reference_data):
    assert _cover(approved, agency=AgencyFactory()) == []
    assert _cover(approved, local_authority=local_authority("204")) == []


def test_cover_holds_for_its_period_after_expiry_or_an_early_end(
    approved, la_workforce_lead, time_machine
):
    travel_to(time_machine, D(2027, 7, 2))
    services.exceptions_expire(as_of=D(2027, 7, 2))
    approved.refresh_from_db()
    assert approved.status == ExceptionStatus.EXPIRED
    assert _cover(approved, on=D(2027, 3, 1)) == [approved]


def test_an_early_end_stops_cover_after_its_last_day(approved, la_workforce_lead, time_machine):
    travel_to(time_machine, D(2027, 3, 2))
    services.exception_end_early(
        exception=approved, actor=la_workforce_lead, ended_on=D(2027, 3, 1), reason="Starter"
    )
    assert _cover(approved, on=D(2027, 3, 1)) == [approved]
    assert _cover(approved, on=D(2027, 3, 2)) == []


def test_a_request_refusal_or_withdrawal_is_not_cover(london_caps, agency, la_workforce_lead, dcs):
    pending = _request(la_workforce_lead, agency)
    assert _cover(pending) == []
    services.exception_refuse(exception=pending, actor=dcs, reason="A candidate at the cap")
    assert _cover(pending) == []
    withdrawn = services.exception_withdraw(
        exception=_request(la_workforce_lead, agency), actor=la_workforce_lead
    )
    assert _cover(withdrawn) == []


def test_a_covered_breach_is_stopped_with_the_exception_named(
    in_march, approved, agency, regional_lead
):
    with pytest.raises(ValidationError) as error:
        breach_services.breach_log(new=_breach(agency), actor=regional_lead)
    message = " ".join(error.value.message_dict["not_covered_by_exception"])
    assert approved.reference in message
    assert "£52.80" in message
    assert "30 June 2027" in message
    assert not Breach.objects.exists()


def test_logged_after_the_warning_it_records_the_exception_overridden(
    in_march, approved, agency, regional_lead
):
    breach = breach_services.breach_log(
        new=_breach(agency, not_covered_by_exception=True), actor=regional_lead
    )
    assert breach.overridden_exception == approved
    assert "does not cover" in breach.events.get().note


@pytest.mark.parametrize(
    "overrides",
    [
        {"engagement_type": EngagementType.PAYE, "rate_paid": Decimal("52.80")},
        {"rate_paid": Decimal("65.00")},
        {"occurred_on": D(2027, 1, 8)},
    ],
)
def test_an_uncovered_breach_logs_with_no_warning(
    in_march, approved, agency, regional_lead, overrides
):
    breach = breach_services.breach_log(new=_breach(agency, **overrides), actor=regional_lead)
    assert breach.overridden_exception is None


def test_a_rate_at_or_below_the_cap_says_there_is_no_breach_not_that_it_is_covered(
    in_march, approved, agency, regional_lead
):
    with pytest.raises(ValidationError) as error:
        breach_services.breach_log(
            new=_breach(agency, rate_paid=Decimal("48.30")), actor=regional_lead
        )
    assert "is not above the cap of £48.30" in " ".join(error.value.message_dict["rate_paid"])
    assert "not_covered_by_exception" not in error.value.message_dict


def _log_form(agency, **overrides):
    return {
        "occurred_on_day": "1",
        "occurred_on_month": "2",
        "occurred_on_year": "2027",
        "breach_type": "rate_above_cap",
        "local_authority": local_authority("202").pk,
        "agency": agency.company_number,
        "description": "Paid above cap",
        "rate_paid": "52.80",
        "job_type": JobType.TEAM_MANAGER,
        "engagement_type": LTD,
    } | overrides


def test_the_log_page_asks_only_when_covered_and_the_breach_names_the_exception(
    client, in_march, approved, agency, regional_lead, msp_contact
):
    client.force_login(regional_lead)
    page = client.get(reverse("breaches:log")).content.decode()
    assert "Log it anyway" not in page
    response = client.post(reverse("breaches:log"), _log_form(agency))
    page = response.content.decode()
    assert f"{approved.reference} is an approved exception" in page
    assert "Log it anyway" in page
    assert response.context["form"]["description"].value() == "Paid above cap"
    response = client.post(
        reverse("breaches:log"), _log_form(agency, not_covered_by_exception="on")
    )
    breach = Breach.objects.get()
    assert response.status_code == 302
    assert breach.overridden_exception == approved
    page = client.get(breach.get_absolute_url()).content.decode()
    assert f'Logged although <a class="govuk-link" href="{approved.get_absolute_url()}">' in page
    # Someone who may see the breach but not the exception is not told its reference.
    client.force_login(person_with_role(Role.OBSERVER))
    assert approved.reference not in client.get(breach.get_absolute_url()).content.decode()


# 2. Dates mean what they say.


def test_a_request_whose_whole_period_is_past_needs_a_reason_shown_on_it(
    client, london_caps, agency, la_workforce_lead, dcs
):
    past = {"starts_on": D(2026, 10, 1), "expires_on": D(2026, 12, 31)}
    with pytest.raises(ValidationError) as error:
        _request(la_workforce_lead, agency, **past)
    assert "The whole period ended on 31 December 2026" in " ".join(
        error.value.message_dict["recorded_late_reason"]
    )
    late = _request(
        la_workforce_lead,
        agency,
        **past,
        recorded_late_reason="The request was made on paper during the system outage",
    )
    services.exception_approve(exception=late, actor=dcs)
    client.force_login(dcs)
    page = client.get(late.get_absolute_url()).content.decode()
    assert "Recorded after the fact" in page
    assert "during the system outage" in page


def test_a_request_already_started_but_still_running_needs_no_reason(
    london_caps, agency, la_workforce_lead
):
    exception = _request(
        la_workforce_lead, agency, starts_on=D(2026, 12, 1), expires_on=D(2027, 5, 31)
    )
    assert exception.recorded_late_reason == ""


def test_the_form_asks_why_only_when_the_period_is_past(
    client, london_caps, agency, la_workforce_lead
):
    client.force_login(la_workforce_lead)
    assert "Why it is recorded after the fact" not in (
        client.get(reverse("cap_exceptions:request")).content.decode()
    )
    data = {
        "local_authority": local_authority("202").pk,
        "job_type": JobType.TEAM_MANAGER,
        "engagement_type": LTD,
        "agency": agency.company_number,
        "engagement_reference": "CAM-BK-1",
        "rate": "52.80",
        "reason": "Needed",
        "starts_on_day": "1",
        "starts_on_month": "10",
        "starts_on_year": "2026",
        "expires_on_day": "31",
        "expires_on_month": "12",
        "expires_on_year": "2026",
        "exit_plan": "Recruit",
    }
    response = client.post(reverse("cap_exceptions:request"), data)
    assert response.status_code == 200
    assert "Why it is recorded after the fact" in response.content.decode()
    assert response.context["form"].errors["recorded_late_reason"]
    response = client.post(
        reverse("cap_exceptions:request"), data | {"recorded_late_reason": "Paper form"}
    )
    assert response.status_code == 302
    assert CapException.objects.get().recorded_late_reason == "Paper form"


def test_a_request_whose_period_passed_while_it_waited_cannot_be_approved(
    approved, london_caps, agency, la_workforce_lead, dcs, time_machine
):
    waiting = _request(la_workforce_lead, agency, expires_on=D(2027, 2, 1))
    travel_to(time_machine, D(2027, 2, 2))
    with pytest.raises(ValidationError, match="ended on 1 February 2027, so it can no longer"):
        services.exception_approve(exception=waiting, actor=dcs)
    assert CapException.objects.get(pk=waiting.pk).status == ExceptionStatus.REQUESTED


@pytest.mark.parametrize("command", ["expire_cap_exceptions", "escalate_overdue_breaches"])
def test_a_run_as_of_a_later_day_is_refused_outside_a_dry_run(approved, command):
    with pytest.raises(CommandError, match="after today"):
        call_command(command, "--as-of", "2027-07-15", stdout=StringIO())
    assert CapException.objects.get(pk=approved.pk).status == ExceptionStatus.APPROVED
    call_command(command, "--as-of", "2027-07-15", "--dry-run", stdout=(out := StringIO()))
    assert "Would " in out.getvalue()


def test_a_dry_run_says_what_it_would_do(approved, time_machine):
    call_command(
        "expire_cap_exceptions", "--as-of", "2027-07-15", "--dry-run", stdout=(out := StringIO())
    )
    assert f"Would expire {approved.reference}" in out.getvalue()
    assert "Would expire 1, would mark 0 ended early, would remind about 0" in out.getvalue()
    assert " expired," not in out.getvalue()
    assert CapException.objects.get(pk=approved.pk).status == ExceptionStatus.APPROVED


def test_ending_early_on_a_later_day_ends_it_on_that_day(approved, la_workforce_lead, time_machine):
    services.exception_end_early(
        exception=approved, actor=la_workforce_lead, ended_on=D(2027, 3, 31), reason="Starter"
    )
    approved.refresh_from_db()
    assert (approved.status, approved.ended_on) == (ExceptionStatus.APPROVED, D(2027, 3, 31))
    assert CapException.objects.in_force(on=D(2027, 3, 31)).filter(pk=approved.pk).exists()
    assert not CapException.objects.in_force(on=D(2027, 4, 1)).filter(pk=approved.pk).exists()
    with pytest.raises(ValidationError, match="already ends early"):
        services.exception_end_early(
            exception=approved, actor=la_workforce_lead, ended_on=D(2027, 3, 1), reason="x"
        )
    travel_to(time_machine, D(2027, 3, 31))
    services.exceptions_expire(as_of=D(2027, 3, 31))
    assert CapException.objects.get(pk=approved.pk).status == ExceptionStatus.APPROVED
    travel_to(time_machine, D(2027, 4, 1))
    run = services.exceptions_expire(as_of=D(2027, 4, 1))
    assert run.ended == [approved.reference]
    assert run.expired == []
    assert CapException.objects.get(pk=approved.pk).status == ExceptionStatus.ENDED_EARLY
    assert services.exceptions_expire(as_of=D(2027, 4, 1)).ended == []  # once


def test_an_early_end_on_or_after_the_expiry_is_refused(approved, la_workforce_lead):
    with pytest.raises(ValidationError) as error:
        services.exception_end_early(
            exception=approved, actor=la_workforce_lead, ended_on=D(2027, 6, 30), reason="x"
        )
    assert "before the expiry date, 30 June 2027" in " ".join(error.value.message_dict["ended_on"])


# 3. Renewals are controlled.


def _renew(current, actor, **overrides) -> CapException:
    start = services.renewal_start(current)
    values = {
        "local_authority": current.local_authority,
        "job_type": current.job_type,
        "engagement_type": current.engagement_type,
        "agency": current.agency,
        "msp": None,
        "engagement_reference": current.engagement_reference,
        "rate": current.rate,
        "reason": "Still needed",
        "starts_on": start,
        "expires_on": start + datetime.timedelta(days=90),
        "exit_plan": "Starter arrives in October",
    } | overrides
    return services.exception_request(
        request=services.Request(**values), actor=actor, renewal_of=current
    )


def test_a_renewal_starts_the_day_after_the_current_one_ends(approved, la_workforce_lead):
    with pytest.raises(ValidationError) as error:
        _renew(approved, la_workforce_lead, starts_on=D(2027, 6, 1))  # overlaps
    assert "starts the day after" in " ".join(error.value.message_dict["starts_on"])
    assert "1 July 2027" in " ".join(error.value.message_dict["starts_on"])
    renewal = _renew(approved, la_workforce_lead)
    assert (renewal.starts_on, renewal.renewal_number) == (D(2027, 7, 1), 1)


def test_one_pending_renewal_at_a_time_and_none_once_approved(approved, la_workforce_lead, dcs):
    renewal = _renew(approved, la_workforce_lead)
    with pytest.raises(ValidationError, match=f"{renewal.reference} already renews"):
        _renew(approved, la_workforce_lead)
    services.exception_approve(exception=renewal, actor=dcs)
    with pytest.raises(ValidationError, match="already renews"):
        _renew(approved, la_workforce_lead)


def test_after_a_refused_or_withdrawn_renewal_another_may_be_asked(
    approved, la_workforce_lead, dcs
):
    services.exception_refuse(
        exception=_renew(approved, la_workforce_lead), actor=dcs, reason="Recruit instead"
    )
    services.exception_withdraw(
        exception=_renew(approved, la_workforce_lead), actor=la_workforce_lead
    )
    assert _renew(approved, la_workforce_lead).status == ExceptionStatus.REQUESTED


def test_the_database_holds_one_live_renewal(approved, la_workforce_lead):
    renewal = _renew(approved, la_workforce_lead)
    second = CapException.objects.get(pk=renewal.pk)
    second.pk, second.reference = None, "LDN-CX-TWICE"
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_expired_or_ending_early_exceptions_are_not_renewed(
    approved, la_workforce_lead, time_machine
):
    services.exception_end_early(
        exception=approved, actor=la_workforce_lead, ended_on=D(2027, 3, 31), reason="Starter"
    )
    with pytest.raises(ValidationError, match="ends early on 31 March 2027"):
        _renew(approved, la_workforce_lead)


def _page(client, person, url) -> str:
    client.force_login(person)
    return client.get(url).content.decode()


def test_ask_to_renew_goes_once_renewed_or_expired(
    client, approved, la_workforce_lead, time_machine
):
    assert "Ask to renew" in _page(client, la_workforce_lead, approved.get_absolute_url())
    renewal = _renew(approved, la_workforce_lead)
    page = _page(client, la_workforce_lead, approved.get_absolute_url())
    assert "Ask to renew" not in page
    assert renewal.reference in page
    # Opening the renewal form anyway says why not.
    response = client.get(reverse("cap_exceptions:renew", args=[approved.pk]), follow=True)
    assert f"{renewal.reference} already renews {approved.reference}" in response.content.decode()
    services.exception_withdraw(exception=renewal, actor=la_workforce_lead)
    travel_to(time_machine, D(2027, 7, 1))
    services.exceptions_expire(as_of=D(2027, 7, 1))
    assert "Ask to renew" not in _page(client, la_workforce_lead, approved.get_absolute_url())


def test_the_renewal_list_says_a_renewal_was_refused(client, approved, la_workforce_lead, dcs):
    services.exception_refuse(
        exception=_renew(approved, la_workforce_lead), actor=dcs, reason="Recruit instead"
    )
    page = _page(client, la_workforce_lead, approved.get_absolute_url())
    renewals = page[page.index('id="renewals"') :]
    assert "Refused" in renewals[: renewals.index("</ul>")]


def test_the_renewal_form_shows_the_current_expiry_the_start_the_cap_and_latest_expiry(
    client, approved, la_workforce_lead
):
    page = _page(client, la_workforce_lead, reverse("cap_exceptions:renew", args=[approved.pk]))
    terms = page[
        page.index('id="renewal-terms"') : page.index("</dl>", page.index('id="renewal-terms"'))
    ]
    assert "it expires on 30 June 2027" in terms
    assert "1 July 2027, the day after it expires" in terms
    assert "£48.30 an hour" in terms
    assert "Latest expiry allowed" in terms
    assert "1 January 2028" in terms
    assert 'name="starts_on_day"' not in page  # the start is fixed


def test_renewing_through_the_form(client, approved, la_workforce_lead, dcs):
    client.force_login(la_workforce_lead)
    response = client.post(
        reverse("cap_exceptions:renew", args=[approved.pk]),
        {
            "engagement_reference": "CAM-BK-4410",
            "rate": "52.80",
            "reason": "Still needed",
            "expires_on_day": "30",
            "expires_on_month": "9",
            "expires_on_year": "2027",
            "exit_plan": "Starter in October",
        },
    )
    renewal = CapException.objects.get(renewal_of=approved)
    assert response.status_code == 302
    assert (renewal.starts_on, renewal.agency, renewal.job_type) == (
        D(2027, 7, 1),
        approved.agency,
        approved.job_type,
    )


def test_the_request_email_says_it_is_a_renewal(
    approved, la_workforce_lead, dcs, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        renewal = _renew(approved, la_workforce_lead)
    [message] = mail.outbox
    assert message.to == [dcs.email]
    assert message.subject == f"Renewal of cap exception {approved.reference} needs your decision"
    assert f"asked to renew cap exception {approved.reference}" in message.body
    assert renewal.reference in message.body


def test_requesters_may_withdraw_a_pending_request_and_the_dcs_is_told(
    client, london_caps, agency, la_workforce_lead, dcs, django_capture_on_commit_callbacks
):
    pending = _request(la_workforce_lead, agency)
    client.force_login(la_workforce_lead)
    assert "Withdraw the request" in client.get(pending.get_absolute_url()).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("cap_exceptions:withdraw", args=[pending.pk]))
    pending.refresh_from_db()
    assert response.status_code == 302
    assert pending.status == ExceptionStatus.WITHDRAWN
    assert pending.events.filter(kind=EventKind.WITHDRAWN, actor=la_workforce_lead).exists()
    assert [m.to for m in mail.outbox] == [[dcs.email]]
    assert "withdrawn" in mail.outbox[0].subject
    assert "Withdraw the request" not in client.get(pending.get_absolute_url()).content.decode()


def test_only_the_las_own_people_withdraw(
    client, london_caps, agency, la_workforce_lead, regional_lead, newcastle_dcs, dcs
):
    pending = _request(la_workforce_lead, agency)
    url = reverse("cap_exceptions:withdraw", args=[pending.pk])
    with pytest.raises(PermissionDenied):
        services.exception_withdraw(exception=pending, actor=regional_lead)
    client.force_login(regional_lead)
    assert client.post(url).status_code == 403
    client.force_login(newcastle_dcs)
    assert client.post(url).status_code == 404
    services.exception_approve(exception=pending, actor=dcs)
    with pytest.raises(ValidationError, match="only a request still waiting"):
        services.exception_withdraw(exception=pending, actor=la_workforce_lead)


# 5. Forms and pages say the numbers.


def test_the_request_form_shows_the_caps_in_force_and_the_latest_expiry(
    client, london_caps, la_workforce_lead
):
    page = _page(client, la_workforce_lead, reverse("cap_exceptions:request"))
    caps = page[page.index('id="caps-in-force-1"') : page.index("</table>")]
    assert "London caps in force today, 4 January 2027" in caps
    assert "Team manager" in caps
    assert "£48.30" in caps
    assert "£45.00" in caps
    assert "PAYE" in caps
    assert "one starting today must expire by 4 July 2027" in page


def test_the_decide_page_shows_what_the_dcs_decides_on(
    client, london_caps, agency, la_workforce_lead, dcs
):
    pending = _request(la_workforce_lead, agency)
    page = _page(client, dcs, reverse("cap_exceptions:decide", args=[pending.pk]))
    facts = page[page.index('id="decision-facts"') : page.index("</dl>")]
    for text in (
        "Team manager",
        "Limited company or umbrella",
        "Kingsmead Children&#x27;s Services Staffing Ltd",
        str(la_workforce_lead),
        "Permanent appointment by June",
        "£4.50 over the cap of £48.30",
    ):
        assert text in facts


def test_a_refused_exception_does_not_say_not_yet(
    client, london_caps, agency, la_workforce_lead, dcs
):
    refused = services.exception_refuse(
        exception=_request(la_workforce_lead, agency), actor=dcs, reason="A candidate at the cap"
    )
    page = _page(client, la_workforce_lead, refused.get_absolute_url())
    assert "not yet" not in page.lower()
    assert "Refused by" in page
    assert "A candidate at the cap" in page


def test_opening_the_decision_page_of_a_decided_exception_says_it_was_decided(
    client, approved, dcs
):
    client.force_login(dcs)
    response = client.get(reverse("cap_exceptions:decide", args=[approved.pk]), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == approved.get_absolute_url()
    assert f"{approved.reference} was approved by {dcs}" in page
    assert "your role does not let you" not in page.lower()


def test_the_engagement_type_is_named_as_it_is(client, london_caps, agency, la_workforce_lead):
    paye = _request(la_workforce_lead, agency, engagement_type=EngagementType.PAYE)
    page = _page(client, la_workforce_lead, paye.get_absolute_url())
    assert "Team manager, PAYE" in page
    assert "(paye)" not in page


# 6. Everyone who should know is told.


def test_expiry_tells_the_la_its_dcs_and_the_regions_leads(
    approved,
    la_workforce_lead,
    dcs,
    regional_lead,
    django_capture_on_commit_callbacks,
    time_machine,
):
    mail.outbox.clear()
    travel_to(time_machine, D(2027, 7, 1))
    with django_capture_on_commit_callbacks(execute=True):
        services.exceptions_expire(as_of=D(2027, 7, 1))
    expired = [m for m in mail.outbox if "has expired" in m.subject]
    assert sorted(m.to[0] for m in expired) == sorted(
        [la_workforce_lead.email, dcs.email, regional_lead.email]
    )
    assert "expired on 30 June 2027" in expired[0].body


def test_an_early_end_tells_the_la_its_dcs_and_the_regions_leads(
    approved,
    la_workforce_lead,
    dcs,
    regional_lead,
    north_east_lead,
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.exception_end_early(
            exception=approved, actor=la_workforce_lead, ended_on=D(2027, 3, 31), reason="Starter"
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [la_workforce_lead.email, dcs.email, regional_lead.email]
    )
    assert all("ends early on 31 March 2027" in m.subject for m in mail.outbox)


def test_the_approval_email_carries_the_dcs_note(
    london_caps, agency, la_workforce_lead, dcs, regional_lead, django_capture_on_commit_callbacks
):
    pending = _request(la_workforce_lead, agency)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.exception_approve(
            exception=pending, actor=dcs, note="Agreed for continuity of casework"
        )
    assert {m.to[0] for m in mail.outbox} == {regional_lead.email, la_workforce_lead.email}
    for message in mail.outbox:
        assert f"Note from {dcs}: Agreed for continuity of casework" in message.body
