"""The region's channels: its contact directory and CSV (MSP contacts see the leads and single
point of contact only; other regions nothing); messages to a group's members, each emailed on
its own with replies to the sender; market notices to every MSP serving the region (an MSP
serving other regions too included, one serving only elsewhere not), acknowledged, reminded
once however often the reminder runs, shared and re-issued; issues raised between meetings,
answered, put on an agenda or turned into a breach that keeps the link."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.roles import Role
from breaches.models import Breach
from governance import channels, services
from governance.models import GroupKind, IssueState, NoticeRecipient, RaisedIssue
from msp.models import EscalationContact
from tests.factories import MSPContractFactory, local_authority, mou_version, person_with_role

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
D = datetime.date


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(at(2026, 10, 5, 10), tick=False)  # a Monday


@pytest.fixture
def spoc(london, regional_lead):
    EscalationContact.objects.create(region=london, person=regional_lead)
    return regional_lead


@pytest.fixture
def group(london, regional_lead, dcs, la_workforce_lead):
    group = services.group_create(
        region=london,
        fields={
            "name": "North Central London",
            "kind": GroupKind.SUB_REGIONAL,
            "purpose": "p",
            "starts_on": D(2026, 1, 1),
            "chair": dcs,
        },
        local_authorities=[local_authority("202")],
        actor=regional_lead,
    )
    services.member_add(
        group=group,
        person=dcs,
        local_authority=local_authority("202"),
        deputy=la_workforce_lead,
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    return group


# The directory ---------------------------------------------------------------------------------


def test_the_directory_lists_the_regions_people_with_their_groups(
    client, group, regional_lead, dcs, la_workforce_lead, spoc
):
    client.force_login(dcs)
    page = client.get("/governance/regions/LDN/directory/")
    names = [e.person for e in page.context["entries"]]
    assert set(names) == {regional_lead, dcs, la_workforce_lead}
    entry = next(e for e in page.context["entries"] if e.person == dcs)
    assert entry.groups == ["North Central London"]
    export = client.get("/governance/regions/LDN/directory.csv")
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0] == ["Name", "Email address", "Roles", "Groups"]
    assert len(rows) == 4


def test_msp_contacts_see_the_leads_and_contact_point_only_other_regions_nothing(
    client, group, regional_lead, dcs, msp_contact, spoc, north_east_lead, observer
):
    client.force_login(msp_contact)
    entries = client.get("/governance/regions/LDN/directory/").context["entries"]
    assert [e.person for e in entries] == [regional_lead]
    assert "Single point of contact for MSPs and agencies" in entries[0].roles
    csv_rows = client.get("/governance/regions/LDN/directory.csv").content.decode()
    assert dcs.email not in csv_rows
    for outsider in (north_east_lead, observer):
        client.force_login(outsider)
        assert client.get("/governance/regions/LDN/directory/").status_code == 404
        assert client.get("/governance/regions/LDN/directory.csv").status_code == 404


# Messages ---------------------------------------------------------------------------------------


def test_a_message_goes_to_each_member_on_their_own_replies_to_the_sender(
    client, group, dcs, la_workforce_lead, regional_lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = channels.message_send(
            group=group, subject="Rates", body="Please bring your rate cards", actor=regional_lead
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([dcs.email, la_workforce_lead.email])
    assert all(m.reply_to == [regional_lead.email] for m in mail.outbox)
    assert message.recipients == 2
    with pytest.raises(PermissionDenied):  # a deputy does not write for the group
        channels.message_send(group=group, subject="x", body="y", actor=la_workforce_lead)
    client.force_login(la_workforce_lead)
    page = client.get(f"/governance/groups/{group.pk}/").content.decode()
    assert "Please bring your rate cards" in page[page.index('id="messages"') :]


# Market notices ---------------------------------------------------------------------------------


@pytest.fixture
def suppliers(london, north_east, camden):
    """Two MSPs serving London (one also serving the North East) and one serving the North East
    only, each with a contact."""
    london_only = MSPContractFactory(local_authority=camden).msp
    both = MSPContractFactory(local_authority=local_authority("206")).msp
    MSPContractFactory(msp=both, local_authority=local_authority("391"))
    north_only = MSPContractFactory(local_authority=local_authority("392")).msp
    return {
        "london_only": person_with_role(Role.MSP_CONTACT, msp=london_only),
        "both": person_with_role(Role.MSP_CONTACT, msp=both),
        "north_only": person_with_role(Role.MSP_CONTACT, msp=north_only),
    }


def test_a_notice_reaches_every_msp_serving_the_region_and_is_acknowledged(
    client, london, regional_lead, suppliers, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = channels.notice_send(
            region=london,
            subject="Adverts at incorrect rates",
            body="Agencies are advertising Camden roles above the cap: take them down.",
            actor=regional_lead,
        )
    assert {r.person for r in notice.recipients.all()} == {
        suppliers["london_only"],
        suppliers["both"],
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [suppliers["london_only"].email, suppliers["both"].email]
    )
    client.force_login(suppliers["both"])
    assert client.post(f"/governance/notices/{notice.pk}/acknowledge/").status_code == 302
    assert client.get(f"/governance/notices/{notice.pk}/").context["mine"].acknowledged_at
    client.force_login(suppliers["north_only"])
    assert client.get(f"/governance/notices/{notice.pk}/").status_code == 404
    assert client.post(f"/governance/notices/{notice.pk}/acknowledge/").status_code == 404
    client.force_login(regional_lead)
    page = client.get(f"/governance/notices/{notice.pk}/")
    assert [r.person for r in page.context["waiting"]] == [suppliers["london_only"]]


def test_the_reminder_goes_once_however_often_it_runs(
    london, regional_lead, suppliers, django_capture_on_commit_callbacks
):
    notice = channels.notice_send(region=london, subject="s", body="b", actor=regional_lead)
    channels.notice_acknowledge(notice=notice, actor=suppliers["both"])
    assert channels.notices_remind(as_of=D(2026, 10, 6)) == []  # one working day: too soon
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = channels.notices_remind(as_of=D(2026, 10, 7))
        again = channels.notices_remind(as_of=D(2026, 10, 7))
        later = channels.notices_remind(as_of=D(2026, 10, 9))
    assert first == [f"{suppliers['london_only'].email}: {notice}"]
    assert again == later == []
    assert [m.to for m in mail.outbox] == [[suppliers["london_only"].email]]
    assert "Reminder" in mail.outbox[0].subject
    receipt = NoticeRecipient.objects.get(person=suppliers["london_only"])
    assert receipt.reminded_on == D(2026, 10, 7)


def test_a_shared_notice_is_read_and_reissued_by_another_regions_lead(
    client, london, regional_lead, north_east_lead, suppliers
):
    private = channels.notice_send(region=london, subject="p", body="b", actor=regional_lead)
    shared = channels.notice_send(
        region=london, subject="Adverts", body="b", shared=True, actor=regional_lead
    )
    client.force_login(north_east_lead)
    assert client.get(f"/governance/notices/{private.pk}/").status_code == 404
    page = client.get(f"/governance/notices/{shared.pk}/")
    assert page.context["receipts"] == []  # London's acknowledgements are London's
    ne = page.context["reissue_in"][0]
    response = client.post(f"/governance/notices/{shared.pk}/reissue/", {"region": ne.pk})
    reissued = shared.reissues.get()
    assert response.url == f"/governance/notices/{reissued.pk}/"
    assert {r.person for r in reissued.recipients.all()} == {
        suppliers["both"],
        suppliers["north_only"],
    }
    with pytest.raises(PermissionDenied):  # a London lead does not send for the North East
        channels.notice_reissue(notice=shared, region=ne, actor=regional_lead)


# Issues raised ----------------------------------------------------------------------------------


def test_an_msp_contact_raises_an_issue_that_goes_to_the_contact_point(
    client,
    london,
    msp_contact,
    camden_msp,
    spoc,
    north_east_lead,
    django_capture_on_commit_callbacks,
):
    assert channels.parties_of(msp_contact) == [(london, None, camden_msp)]
    client.force_login(msp_contact)
    response = client.post("/governance/issues/new/", {"subject": "", "description": ""})
    errors = response.context["form"].errors
    assert errors["subject"] == ["Enter a subject"]
    assert errors["description"] == ["Describe the issue"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/governance/issues/new/",
            {
                "party": f"{london.pk}--{camden_msp.pk}",
                "subject": "Agency adverts at the wrong rate",
                "description": "Three agencies advertise Camden roles above the cap.",
            },
        )
    issue = RaisedIssue.objects.get()
    assert response.url == f"/governance/issues/{issue.pk}/"
    assert [m.to for m in mail.outbox] == [[spoc.email]]
    client.force_login(north_east_lead)
    assert client.get(f"/governance/issues/{issue.pk}/").status_code == 404
    with pytest.raises(ValidationError):  # not a party in the North East
        channels.issue_raise(
            region=north_east_lead.memberships.get().region,
            subject="s",
            description="d",
            msp=camden_msp,
            actor=msp_contact,
        )


def test_the_contact_point_answers_adds_to_an_agenda_and_turns_it_into_a_breach(
    client, group, london, msp_contact, camden_msp, spoc, camden, django_capture_on_commit_callbacks
):
    issue = channels.issue_raise(
        region=london,
        msp=camden_msp,
        subject="Adverts",
        description="Adverts above the cap",
        actor=msp_contact,
    )
    with pytest.raises(PermissionDenied):
        channels.issue_answer(issue=issue, answer="x", actor=msp_contact)
    with django_capture_on_commit_callbacks(execute=True):
        channels.issue_answer(issue=issue, answer="We are asking the MSPs", actor=spoc)
    assert mail.outbox[-1].to == [msp_contact.email]
    meeting = services.meeting_schedule(
        group=group,
        starts_at=at(2026, 11, 10, 10),
        ends_at=at(2026, 11, 10, 12),
        place="x",
        actor=spoc,
    )
    item = channels.issue_to_agenda(issue=issue, meeting=meeting, actor=spoc)
    assert item.title == "Issue raised: Adverts"
    mou_version("LDN")
    client.force_login(spoc)
    url = f"/governance/issues/{issue.pk}/breach/"
    form = client.get(url).context["form"]
    assert "Adverts above the cap" in form.initial["description"]
    response = client.post(
        url,
        {
            "region": london.pk,
            "breach_type": "notice",
            "occurred_on_day": "1",
            "occurred_on_month": "10",
            "occurred_on_year": "2026",
            "description": form.initial["description"],
            "local_authority": camden.pk,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    breach = Breach.objects.get()
    assert response.url == breach.get_absolute_url()
    issue.refresh_from_db()
    assert (issue.state, issue.breach) == (IssueState.BREACH, breach)
    assert [s.kind for s in issue.steps.all()] == ["open", "answered", "on_agenda", "breach"]
    client.force_login(msp_contact)  # the person who raised it sees each step
    page = client.get(f"/governance/issues/{issue.pk}/").content.decode()
    assert breach.reference in page
    assert "We are asking the MSPs" in page


def test_the_agenda_page_adds_the_issue_to_a_coming_meeting(
    client, group, london, msp_contact, camden_msp, spoc
):
    issue = channels.issue_raise(
        region=london, msp=camden_msp, subject="Adverts", description="d", actor=msp_contact
    )
    meeting = services.meeting_schedule(
        group=group,
        starts_at=at(2026, 11, 10, 10),
        ends_at=at(2026, 11, 10, 12),
        place="x",
        actor=spoc,
    )
    client.force_login(spoc)
    url = f"/governance/issues/{issue.pk}/agenda/"
    response = client.post(url, {"meeting": ""})
    assert response.context["form"].errors["meeting"] == ["Choose a meeting"]
    assert client.post(url, {"meeting": meeting.pk}).status_code == 302
    assert meeting.items.get().title == "Issue raised: Adverts"


def test_the_channel_and_review_pages_keep_a_fixed_query_count(
    client, group, london, regional_lead, msp_contact, camden_msp, spoc, suppliers
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance import review

    earlier = review.review_start(region=london, year=2025, actor=regional_lead)
    started = review.review_start(region=london, year=2026, actor=regional_lead)
    for each in (earlier, started):
        review.answer_save(
            review=each,
            question="escalation",
            rating=1,
            evidence_text="e",
            action_text="a",
            owner=regional_lead,
            due_on=D(2026, 12, 1),
            actor=regional_lead,
        )

    def add_some() -> tuple:
        notice = channels.notice_send(region=london, subject="s", body="b", actor=regional_lead)
        issue = channels.issue_raise(
            region=london, msp=camden_msp, subject="a", description="d", actor=msp_contact
        )
        channels.issue_answer(issue=issue, answer="x", actor=spoc)
        person_with_role(Role.DCS, local_authority=local_authority("206"))
        return notice, issue

    notice, issue = add_some()
    urls = [
        "/governance/regions/LDN/directory/",
        "/governance/notices/",
        f"/governance/notices/{notice.pk}/",
        "/governance/issues/",
        f"/governance/issues/{issue.pk}/",
        f"/governance/reviews/{started.pk}/",
        "/governance/regions/LDN/reviews/",
    ]
    client.force_login(regional_lead)
    client.get("/governance/")

    def counts() -> list[int]:
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200, url
            found.append(len(ctx.captured_queries))
        return found

    few = counts()
    for _ in range(3):
        add_some()
    assert counts() == few
    assert max(few) <= 15, dict(zip(urls, few, strict=True))
