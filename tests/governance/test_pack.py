"""The pack: generated from the portal's data since the group's last meeting for the LAs it
covers, frozen (stored, dated, numbered), its figures checked against a hand-made fixture; a
reader is never listed a record they cannot open, while counts cover every LA; an HTML page, a
printable page and a spreadsheet, each in scope; a fixed number of queries."""

import datetime
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from breaches.models import Breach, BreachEvent, BreachState, EventKind
from cap_exceptions.models import CapException, ExceptionStatus
from governance import pack, services
from governance.models import GroupKind
from tests.factories import cap_exception, local_authority, logged_breach, person_with_role

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
D = datetime.date


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(at(2026, 10, 10, 10), tick=False)


@pytest.fixture
def meeting(london, regional_lead, dcs):
    group = services.group_create(
        region=london,
        fields={
            "name": "North Central London",
            "kind": GroupKind.SUB_REGIONAL,
            "purpose": "p",
            "starts_on": D(2026, 1, 1),
            "chair": dcs,
        },
        local_authorities=[local_authority("202"), local_authority("206")],
        actor=regional_lead,
    )
    services.member_add(
        group=group,
        person=dcs,
        local_authority=local_authority("202"),
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    for day in ((2026, 7, 14), (2026, 10, 20)):
        last = services.meeting_schedule(
            group=group,
            starts_at=at(*day, 10),
            ends_at=at(*day, 12),
            place="Camden",
            actor=regional_lead,
        )
    return last


@pytest.fixture
def fixture_data(meeting, regional_lead, dcs):
    """By hand: since 14 July, for Camden and Islington (Hackney is not covered)."""
    camden, islington, hackney = (local_authority(c) for c in ("202", "206", "204"))
    exception = cap_exception(camden, requested_by=regional_lead)  # the MOU and its caps first
    logged = logged_breach(camden, reporter=regional_lead, occurred_on=D(2026, 7, 1))
    Breach.objects.filter(pk=logged.pk).update(
        reported_at=at(2026, 8, 1, 9), state=BreachState.REPORTED, due_on=D(2026, 10, 1)
    )
    BreachEvent.objects.create(breach=logged, kind=EventKind.ESCALATED, created_at=at(2026, 9, 1))
    resolved = logged_breach(islington, reporter=regional_lead, occurred_on=D(2026, 5, 1))
    Breach.objects.filter(pk=resolved.pk).update(
        reported_at=at(2026, 6, 1, 9), state=BreachState.RESOLVED, resolved_at=at(2026, 9, 2, 9)
    )
    elsewhere = logged_breach(hackney, reporter=regional_lead, occurred_on=D(2026, 7, 2))
    Breach.objects.filter(pk=elsewhere.pk).update(reported_at=at(2026, 8, 3, 9))
    CapException.objects.filter(pk=exception.pk).update(
        status=ExceptionStatus.APPROVED,
        dcs_approved_at=at(2026, 8, 10, 9),
        expires_on=D(2026, 10, 20),
    )
    return {"logged": logged, "resolved": resolved, "elsewhere": elsewhere, "exception": exception}


def test_the_packs_figures_match_the_hand_made_fixture(meeting, fixture_data, regional_lead):
    generated = pack.pack_generate(meeting=meeting, actor=regional_lead)
    content = generated.content
    assert (generated.number, generated.since, generated.generated_on) == (
        1,
        D(2026, 7, 14),
        D(2026, 10, 10),
    )
    assert content["local_authorities"] == ["Camden", "Islington"]
    assert content["breaches"]["rows"] == [["Camden", 1, 1, 0, 1], ["Islington", 0, 0, 1, 0]]
    assert content["cap_exceptions"]["rows"] == [["Camden", 1, 1], ["Islington", 0, 0]]
    listed = {r["label"] for r in content["breaches"]["records"]}
    assert listed == {fixture_data["logged"].reference, fixture_data["resolved"].reference}


def test_generating_freezes_and_numbers_the_pack(meeting, fixture_data, regional_lead, dcs):
    first = pack.pack_generate(meeting=meeting, actor=regional_lead)
    logged_breach(local_authority("202"), reporter=regional_lead)
    first.refresh_from_db()
    assert first.content["breaches"]["rows"][0] == ["Camden", 1, 1, 0, 1]  # as it stood
    second = pack.pack_generate(meeting=meeting, actor=regional_lead)
    assert second.number == 2
    assert second.content["breaches"]["rows"][0][1] == 2
    with pytest.raises(PermissionDenied):  # those who run the region generate it
        pack.pack_generate(meeting=meeting, actor=dcs)


def test_a_reader_is_listed_only_records_they_can_open(
    client, meeting, fixture_data, regional_lead, dcs, camden
):
    generated = pack.pack_generate(meeting=meeting, actor=regional_lead)
    lead = pack.records_for(generated, regional_lead)
    assert {r.label for r in lead["breach"]} == {
        fixture_data["logged"].reference,
        fixture_data["resolved"].reference,
    }
    # Camden's DCS: Camden's breach and exception, not Islington's breach
    mine = pack.records_for(generated, dcs)
    assert [r.label for r in mine["breach"]] == [fixture_data["logged"].reference]
    assert [r.label for r in mine["cap_exception"]] == [fixture_data["exception"].reference]
    # someone who only sits on groups: every count, no record
    member = person_with_role(Role.GROUP_MEMBER, local_authority=camden)
    services.member_add(
        group=meeting.group,
        person=member,
        local_authority=camden,
        from_date=D(2026, 1, 5),
        actor=regional_lead,
    )
    assert all(not listed for listed in pack.records_for(generated, member).values())
    client.force_login(member)
    page = client.get(f"/governance/meetings/{meeting.pk}/packs/1/").content.decode()
    assert "Islington" in page
    assert fixture_data["logged"].reference not in page
    assert fixture_data["resolved"].reference not in page


def test_the_pack_as_a_page_a_printable_page_and_a_spreadsheet_in_scope(
    client, meeting, fixture_data, regional_lead, north_east_lead, la_workforce_lead
):
    client.force_login(regional_lead)
    response = client.post(f"/governance/meetings/{meeting.pk}/packs/")
    assert response.url == f"/governance/meetings/{meeting.pk}/packs/1/"
    page = client.get(response.url).content.decode()
    assert fixture_data["logged"].reference in page
    printable = client.get(response.url + "?print=1").content.decode()
    assert 'class="govuk-header' not in printable
    assert "Pack 1" in printable
    sheet = client.get(f"/governance/meetings/{meeting.pk}/packs/1/pack.xlsx")
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.values)
    assert ("Camden", 1, 1, 0, 1) in [tuple(r[:5]) for r in rows]
    meeting_page = client.get(f"/governance/meetings/{meeting.pk}/").content.decode()
    assert "pack 1, generated on 10 October 2026" in meeting_page
    for person in (north_east_lead, la_workforce_lead):  # another region; sits on no group
        client.force_login(person)
        for url in ("/packs/1/", "/packs/1/?print=1", "/packs/1/pack.xlsx"):
            assert client.get(f"/governance/meetings/{meeting.pk}{url}").status_code == 404
        assert client.post(f"/governance/meetings/{meeting.pk}/packs/").status_code == 404


def test_the_pack_page_keeps_a_fixed_query_count(client, meeting, fixture_data, regional_lead):
    client.force_login(regional_lead)
    client.get("/governance/")
    url = f"/governance/meetings/{meeting.pk}/packs/"

    def count(number: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{url}{number}/").status_code == 200
        return len(ctx.captured_queries)

    pack.pack_generate(meeting=meeting, actor=regional_lead)
    few = count(1)
    for _ in range(5):
        logged_breach(local_authority("202"), reporter=regional_lead)
        cap_exception(local_authority("206"), requested_by=regional_lead)
    CapException.objects.update(status=ExceptionStatus.APPROVED, dcs_approved_at=at(2026, 9, 2))
    pack.pack_generate(meeting=meeting, actor=regional_lead)
    assert count(2) == few
