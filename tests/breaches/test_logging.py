"""Logging breaches: the rule in force, parties, rates and caps, references, scope and pages."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from breaches import services
from breaches.models import Breach, BreachState, BreachType
from mou import services as mou_services
from tests.factories import (
    AgencyFactory,
    ChainMembershipFactory,
    MSPContractFactory,
    local_authority,
    logged_breach,
    person_with_role,
    region,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def _new(version, **overrides):
    values = {
        "region": version.mou.region,
        "breach_type": "notice",
        "occurred_on": D(2026, 3, 2),
        "description": "One week's notice given",
        "local_authorities": [local_authority("202")],
    } | overrides
    return services.NewBreach(**values)


def test_a_logged_breach_gets_a_reference_a_triage_deadline_and_an_event(
    london_mou,
    regional_lead,
    django_capture_on_commit_callbacks,
    monkeypatch,
    national_admin,
    london_admin,
    north_east_lead,
):
    # Logged on Christmas Eve 2026: 5 working days skip Christmas, Boxing Day (moved to Monday
    # 28 December) and New Year's Day, so triage is due on Tuesday 5 January 2027.
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: D(2026, 12, 24))
    with django_capture_on_commit_callbacks(execute=True):
        breach = services.breach_log(new=_new(london_mou), actor=regional_lead)
    year = 2026
    assert breach.reference == f"LDN-{year}-0001"
    assert breach.state == BreachState.REPORTED
    assert breach.mou_version == london_mou
    assert breach.due_on == D(2027, 1, 5)
    assert [e.kind for e in breach.events.all()] == ["logged"]
    # The reporter is the region's lead; admins who may act there and other regions' leads
    # are not told of every breach.
    assert mail.outbox[0].to == [regional_lead.email]
    second = services.breach_log(new=_new(london_mou), actor=regional_lead)
    assert second.reference == f"LDN-{year}-0002"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"occurred_on": D(2999, 1, 1)}, "occurred_on", "must be today or in the past"),
        ({"occurred_on": D(2024, 1, 1)}, "occurred_on", "No London MOU was in force"),
        ({"local_authorities": []}, "local_authorities", "Choose at least one party"),
        ({"breach_type": "rate_above_cap"}, "rate_paid", "Enter the hourly rate paid"),
        (
            {
                "breach_type": "rate_above_cap",
                "rate_paid": Decimal("37"),
                "job_type": "social_worker",
                "engagement_type": "paye",
            },
            "rate_paid",
            "is not above the cap of £38.00",
        ),
        (
            {
                "breach_type": "rate_above_cap",
                "rate_paid": Decimal("45"),
                "job_type": "team_manager",
                "engagement_type": "paye",
            },
            "job_type",
            "sets no cap",
        ),
    ],
)
def test_bad_breaches_are_refused_with_a_clear_message(
    london_mou, regional_lead, overrides, field, message
):
    with pytest.raises(ValidationError) as error:
        services.breach_log(new=_new(london_mou, **overrides), actor=regional_lead)
    assert message in " ".join(error.value.message_dict[field])
    assert not Breach.objects.exists()


def test_a_rule_from_another_version_is_refused(london_mou, regional_lead):
    later = mou_services.mou_version_create_draft(
        mou=london_mou.mou,
        label="2026.2",
        effective_from=D(2026, 6, 1),
        review_due=D(2027, 6, 1),
        actor=None,
    )
    mou_services.mou_version_publish(version=later, actor=None)
    with pytest.raises(ValidationError) as error:
        services.breach_log(
            new=_new(london_mou, breach_type="other", rule=later.rules.get(kind="notice_weeks")),
            actor=regional_lead,
        )
    assert "version 2025.1 was in force" in error.value.message_dict["rule"][0]


def test_a_rate_breach_shows_the_excess_over_the_cap_in_force(london_mou, regional_lead):
    breach = services.breach_log(
        new=_new(
            london_mou,
            breach_type="rate_above_cap",
            rate_paid=Decimal("44.50"),
            job_type="social_worker",
            engagement_type="paye",
        ),
        actor=regional_lead,
    )
    assert (breach.cap_rate, breach.excess) == (Decimal("38.00"), Decimal("6.50"))


@pytest.mark.parametrize(
    "person", ["regional_lead", "dcs", "la_workforce_lead", "msp_contact", "london_admin"]
)
def test_people_with_a_role_in_the_region_may_log(london_mou, request, person):
    actor = request.getfixturevalue(person)
    breach = services.breach_log(new=_new(london_mou), actor=actor)
    logged = Breach.objects.get(pk=breach.pk)
    assert (logged.reported_by, logged.state) == (actor, BreachState.REPORTED)
    assert [(e.kind, e.actor) for e in logged.events.all()] == [("logged", actor)]
    assert Breach.objects.visible_to(actor).filter(pk=breach.pk).exists()


@pytest.mark.parametrize("person", ["observer", "north_east_lead", "newcastle_dcs"])
def test_others_may_not_log_in_the_region(london_mou, request, person):
    with pytest.raises(PermissionDenied):
        services.breach_log(new=_new(london_mou), actor=request.getfixturevalue(person))


@pytest.fixture
def against_camden(london_mou, regional_lead):
    return logged_breach(local_authority("202"), reporter=regional_lead)


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("regional_lead", 200),
        ("london_admin", 200),
        ("national_admin", 200),
        ("dcs", 200),
        ("la_workforce_lead", 200),
        ("observer", 404),
        ("msp_contact", 404),
        ("north_east_lead", 404),
        ("newcastle_dcs", 404),
    ],
)
def test_who_sees_a_breach_against_camden(client, request, against_camden, person, status):
    client.force_login(request.getfixturevalue(person))
    assert client.get(against_camden.get_absolute_url()).status_code == status
    listed = client.get(reverse("breaches:list"))
    if listed.status_code == 200:
        assert (against_camden in listed.context["table"].data) == (status == 200)


def test_an_msp_contact_sees_breaches_against_their_agencies(
    client, london_mou, regional_lead, msp_contact, camden_msp
):
    agency = AgencyFactory()
    ChainMembershipFactory(msp=camden_msp, agency=agency)
    breach = services.breach_log(
        new=_new(london_mou, local_authorities=[], agencies=[agency]), actor=regional_lead
    )
    client.force_login(msp_contact)
    assert client.get(breach.get_absolute_url()).status_code == 200
    # Another MSP serving London (a party MSP must have served the region on the day).
    other_msp = MSPContractFactory(local_authority=local_authority("204")).msp
    other = services.breach_log(
        new=_new(london_mou, local_authorities=[], msps=[other_msp]), actor=regional_lead
    )
    assert client.get(other.get_absolute_url()).status_code == 404


def test_another_las_lead_does_not_see_it_unless_they_reported_it(
    client, london_mou, against_camden
):
    hackney_lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("204"))
    client.force_login(hackney_lead)
    assert client.get(against_camden.get_absolute_url()).status_code == 404
    mine = services.breach_log(
        new=_new(london_mou), actor=hackney_lead
    )  # against Camden, reported by Hackney
    assert client.get(mine.get_absolute_url()).status_code == 200


def test_logging_through_the_page_with_evidence(client, london_mou, regional_lead):
    client.force_login(regional_lead)
    rule = london_mou.rules.get(kind="notice_weeks")
    response = client.post(
        reverse("breaches:log"),
        {
            "occurred_on_day": "2",
            "occurred_on_month": "3",
            "occurred_on_year": "2026",
            "breach_type": "notice",
            "rule": rule.pk,
            "local_authority": local_authority("202").pk,
            "description": "One week's notice",
            "evidence": SimpleUploadedFile("notice.pdf", b"%PDF-1.7\n%%EOF\n"),
        },
    )
    breach = Breach.objects.get()
    assert response["Location"] == breach.get_absolute_url()
    item = breach.evidence.get()
    download = client.get(reverse("breaches:evidence", args=[breach.reference, item.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    client.force_login(person_with_role(Role.REGIONAL_LEAD, region=region("NE")))
    assert (
        client.get(reverse("breaches:evidence", args=[breach.reference, item.pk])).status_code
        == 404
    )


def test_the_page_explains_bad_input_and_keeps_what_was_typed(client, london_mou, regional_lead):
    client.force_login(regional_lead)
    response = client.post(
        reverse("breaches:log"),
        {
            "occurred_on_day": "2",
            "occurred_on_month": "3",
            "occurred_on_year": "2026",
            "breach_type": "notice",
            "rule": london_mou.rules.get(kind="notice_weeks").pk,
            "description": "Kept text",
            "evidence": SimpleUploadedFile("notice.pdf", b"not a pdf"),
        },
    )
    errors = response.context["form"].errors
    assert "is not a real PDF" in " ".join(errors["evidence"])
    response = client.post(
        reverse("breaches:log"),
        {
            "occurred_on_day": "2",
            "occurred_on_month": "3",
            "occurred_on_year": "2026",
            "breach_type": "notice",
            "rule": london_mou.rules.get(kind="notice_weeks").pk,
            "description": "Kept text",
        },
    )
    assert "Choose at least one party" in " ".join(
        response.context["form"].errors["local_authority"]
    )
    assert response.context["form"]["description"].value() == "Kept text"
    assert not Breach.objects.exists()


def test_comments_go_on_the_timeline(client, against_camden, dcs):
    client.force_login(dcs)
    client.post(
        reverse("breaches:comment", args=[against_camden.reference]),
        {"text": "We gave four weeks."},
    )
    assert against_camden.events.filter(
        kind="comment", note="We gave four weeks.", actor=dcs
    ).exists()


def test_the_export_has_exactly_the_rows_the_person_may_see(
    client, london_mou, regional_lead, against_camden
):
    hackney_lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("204"))
    hackney = services.breach_log(
        new=_new(london_mou, local_authorities=[local_authority("204")]), actor=regional_lead
    )
    client.force_login(hackney_lead)
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("breaches:export")).content.decode("utf-8-sig")))
    )
    assert [r[0] for r in rows[1:]] == [hackney.reference]


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries), response


def test_list_and_breach_page_keep_a_fixed_query_count(
    client, london_mou, regional_lead, against_camden
):
    client.force_login(regional_lead)
    client.get("/")
    before_list, _ = _count(client, reverse("breaches:list"))
    before_page, _ = _count(client, against_camden.get_absolute_url())
    for n in range(20):
        services.breach_log(
            new=_new(
                london_mou,
                local_authorities=[local_authority("202"), local_authority("204")],
                agencies=[AgencyFactory()],
            ),
            actor=regional_lead,
        )
        services.breach_comment(breach=against_camden, text=f"Comment {n}", actor=regional_lead)
    after_list, response = _count(client, reverse("breaches:list"))
    assert len(response.context["table"].page.object_list) == 21
    after_page, response = _count(client, against_camden.get_absolute_url())
    assert len(response.context["events"]) == 21
    assert (after_list, after_page) == (before_list, before_page)


def test_the_list_filters_by_level_agency_msp_and_overdue(client, london_mou, regional_lead):
    from breaches.workflow import breach_act

    agency, msp = AgencyFactory(), MSPContractFactory(local_authority=local_authority("202")).msp
    late = services.breach_log(new=_new(london_mou, agencies=[agency]), actor=regional_lead)
    breach_act(
        breach=late, action="accept", actor=regional_lead, today=D(2026, 1, 5)
    )  # due 19 January 2026
    other = services.breach_log(new=_new(london_mou, msps=[msp]), actor=regional_lead)
    client.force_login(regional_lead)

    def shown(**query):
        return [
            b.reference for b in client.get(reverse("breaches:list"), query).context["table"].data
        ]

    assert shown(level="1") == [late.reference]
    assert shown(agency=agency.name[2:-2].upper()) == [late.reference]
    assert shown(agency=f" {agency.company_number} ") == [late.reference]
    assert shown(agency="No such agency") == []
    assert shown(msp=msp.name) == [other.reference]
    assert shown(overdue="yes") == [late.reference]
    assert shown(q=other.reference.lower()) == [other.reference]


def test_the_list_shows_each_breach_and_sorts_by_a_column_keeping_the_filters(
    client, london_mou, regional_lead
):
    first = services.breach_log(
        new=_new(london_mou, occurred_on=D(2026, 2, 2)), actor=regional_lead
    )
    second = services.breach_log(
        new=_new(london_mou, occurred_on=D(2026, 3, 3), breach_type=BreachType.REFERENCES),
        actor=regional_lead,
    )
    client.force_login(regional_lead)
    response = client.get(reverse("breaches:list"), {"state": "reported", "sort": "-occurred_on"})
    html = response.content.decode()
    assert [b.reference for b in response.context["table"].page] == [
        second.reference,
        first.reference,
    ]
    row = (
        f'<a class="govuk-link" href="{second.get_absolute_url()}">{second.reference}</a></td>'
        f'<td class="govuk-table__cell" data-label="Type">{second.get_breach_type_display()}</td>'
        '<td class="govuk-table__cell" data-label="Against">Camden</td>'
        '<td class="govuk-table__cell" data-label="Happened">3 Mar 2026</td>'
        '<td class="govuk-table__cell" data-label="Level">—</td>'
        f'<td class="govuk-table__cell" data-label="Next deadline">{second.due_on:%-d %b %Y}</td>'
        '<td class="govuk-table__cell" data-label="State"><strong class="govuk-tag '
        'govuk-tag--yellow">Reported'
    )
    flat = re.sub(r">\s+<", "><", html)
    assert row in flat
    # The sorted column says so, and its link turns the order round and keeps the filters.
    assert 'aria-sort="descending"' in html
    assert 'href="?state=reported&amp;sort=occurred_on"' in html
    assert 'href="?state=reported&amp;sort=reference"' in html


def test_a_breach_awaiting_a_reply_names_the_party_without_another_query(
    client, london_mou, regional_lead, against_camden
):
    from breaches.workflow import breach_act

    client.force_login(regional_lead)
    client.get("/")
    breach_act(breach=against_camden, action="accept", actor=regional_lead)
    before, _ = _count(client, against_camden.get_absolute_url())
    against_camden.refresh_from_db()
    breach_act(
        breach=against_camden,
        action="request_reply",
        actor=regional_lead,
        party=against_camden.parties.get(),
        reply_due_on=D(2099, 1, 5),
    )
    after, response = _count(client, against_camden.get_absolute_url())
    assert "Clock stopped: awaiting a reply from Camden until 5 January 2099" in (
        response.content.decode()
    )
    assert after == before


def test_the_timeline_says_what_happened_when_and_who(client, regional_lead, against_camden):
    from breaches.models import BreachEvent, EventKind

    BreachEvent.objects.create(
        breach=against_camden,
        kind=EventKind.ESCALATED,
        from_state=BreachState.UNDER_REVIEW,
        to_state=BreachState.UNDER_REVIEW,
        to_level=2,
        note="Deadline passed\nNo reply",
        created_at=datetime.datetime(2026, 7, 1, 13, 5, tzinfo=datetime.UTC),
    )
    BreachEvent.objects.create(
        breach=against_camden,
        kind=EventKind.RESOLVED,
        from_state=BreachState.UNDER_REVIEW,
        to_state=BreachState.RESOLVED,
        actor=regional_lead,
        created_at=datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC),
    )
    client.force_login(regional_lead)
    events = client.get(against_camden.get_absolute_url()).context["events"]
    by_title = {event["title"]: event for event in events}
    assert [e["title"] for e in events if e["title"] != "Logged"] == ["Escalated", "Resolved"]
    escalated, resolved = by_title["Escalated"], by_title["Resolved"]
    assert escalated["change"] == " (level 2)"
    assert (escalated["when"], escalated["who"]) == ("1 Jul 2026, 14:05", "the portal")  # BST
    assert escalated["note"] == "Deadline passed\nNo reply"
    assert resolved["change"] == ": Under review to resolved"
    assert (resolved["when"], resolved["who"]) == (
        "1 Dec 2026, 09:00",
        f"{regional_lead} (London region)",
    )


def test_a_dcs_at_their_level_sees_their_actions_without_another_query(
    client, london_mou, regional_lead, dcs, against_camden
):
    from breaches.workflow import breach_act

    breach_act(breach=against_camden, action="accept", actor=regional_lead)
    client.force_login(dcs)
    client.get("/")
    before, response = _count(client, against_camden.get_absolute_url())
    assert response.context["actions"] == []  # level 1 is the regional leads'
    against_camden.refresh_from_db()
    breach_act(breach=against_camden, action="escalate", actor=regional_lead, note="No reply")
    after, response = _count(client, against_camden.get_absolute_url())
    assert response.context["actions"]  # the LA's DCS acts at level 2
    assert after == before
