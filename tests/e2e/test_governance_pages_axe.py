"""axe on the governance pages the journeys do not reach: changing a group, ending a
membership, a message to the members, an agenda item's minute, paper and declaration, the
shared minutes with an entry, the calendar feed page, the representation page, and logging a
breach from a raised issue."""

import datetime

import pytest
from django.utils import timezone

from accounts.roles import Role
from governance import agenda, channels, services
from governance.models import GroupKind, Minutes, MinutesState
from msp.models import EscalationContact
from tests.e2e.conftest import assert_accessible
from tests.factories import (
    MSPContractFactory,
    local_authority,
    mou_version,
    person_with_role,
    region,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_every_other_governance_page_passes_axe(live_server, signed_in_page):
    london = region("LDN")
    mou_version("LDN")
    lead = person_with_role(Role.REGIONAL_LEAD, region=london)
    dcs = person_with_role(Role.DCS, local_authority=local_authority("202"))
    EscalationContact.objects.create(region=london, person=lead)
    msp = MSPContractFactory(local_authority=local_authority("202")).msp
    contact = person_with_role(Role.MSP_CONTACT, msp=msp)
    group = services.group_create(
        region=london,
        fields={
            "name": "North Central London",
            "kind": GroupKind.SUB_REGIONAL,
            "purpose": "Share decisions",
            "starts_on": datetime.date(2026, 1, 1),
            "chair": dcs,
        },
        local_authorities=[local_authority("202")],
        actor=lead,
    )
    member = services.member_add(
        group=group,
        person=dcs,
        local_authority=local_authority("202"),
        from_date=datetime.date(2026, 1, 5),
        actor=lead,
    )
    past = timezone.now() - datetime.timedelta(days=40)
    meeting = services.meeting_schedule(
        group=group,
        starts_at=past,
        ends_at=past + datetime.timedelta(hours=2),
        place="x",
        actor=lead,
    )
    item = agenda.item_add(meeting=meeting, title="Rates", presenter=dcs, actor=lead)
    agenda.item_minute(item=item, minute="Rate cards shared", actor=lead)
    Minutes.objects.filter(meeting=meeting).update(
        state=MinutesState.PUBLISHED, approved_at_meeting=meeting, published_on=past.date()
    )
    issue = channels.issue_raise(
        region=london, msp=msp, subject="Adverts", description="Above the cap", actor=contact
    )

    page = signed_in_page(person=lead)
    base = live_server.url
    for path in (
        f"/governance/groups/{group.pk}/edit/",
        f"/governance/groups/{group.pk}/members/{member.pk}/end/",
        f"/governance/groups/{group.pk}/messages/new/",
        f"/governance/meetings/{meeting.pk}/",
        f"/governance/meetings/{meeting.pk}/items/{item.pk}/minute/",
        f"/governance/meetings/{meeting.pk}/items/{item.pk}/papers/new/",
        f"/governance/meetings/{meeting.pk}/items/{item.pk}/declarations/new/",
        f"/governance/meetings/{meeting.pk}/decisions/new/",
        f"/governance/meetings/{meeting.pk}/actions/new/",
        f"/governance/meetings/{meeting.pk}/attendance/",
        "/governance/regions/LDN/minutes/",
        "/governance/regions/LDN/representation/",
        "/governance/regions/LDN/structure/",
        "/governance/calendar/",
        f"/governance/issues/{issue.pk}/answer/",
        f"/governance/issues/{issue.pk}/breach/",
    ):
        page.goto(base + path)
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)
