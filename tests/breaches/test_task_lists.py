"""Every party has a task list (issue 14, point 2): what waits on each person is on their home
page, with a "see all" link to the same breaches in the list."""

import datetime

import pytest
from django.urls import reverse

from breaches.models import Breach
from breaches.workflow import breach_act
from tests.factories import (
    AgencyFactory,
    ChainMembershipFactory,
    MSPContractFactory,
    local_authority,
    logged_breach,
    mou_version,
    person_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def _ask(breach, lead, party, due):
    breach_act(breach=breach, action="accept", actor=lead, note="")
    breach_act(
        breach=breach,
        action="request_reply",
        actor=lead,
        party=party,
        reply_due_on=due,
        today=D(2026, 3, 2),
    )


def test_an_msp_contact_asked_to_reply_finds_it_on_their_home_page(
    client, reference_data, regional_lead
):
    from accounts.roles import Role

    mou_version("LDN")
    camden = local_authority("202")
    msp = MSPContractFactory(local_authority=camden).msp
    agency = AgencyFactory()
    ChainMembershipFactory(msp=msp, agency=agency)
    contact = person_with_role(Role.MSP_CONTACT, msp=msp)
    asked = logged_breach(camden, reporter=regional_lead, agencies=[agency])
    _ask(asked, regional_lead, asked.parties.get(agency=agency), D(2026, 3, 20))  # overdue now
    other = logged_breach(camden, reporter=regional_lead, agencies=[agency])  # not asked
    client.force_login(contact)
    home = client.get("/")
    queues = {q.title: q for q in home.context["queues"]}
    queue = queues["Your MSP is asked to reply"]
    assert queue.breaches == [asked]
    html = home.content.decode()
    assert '<strong class="govuk-tag govuk-tag--red">Overdue</strong>' in html
    listed = client.get(queue.see_all)
    assert [b.reference for b in listed.context["table"].page] == [asked.reference]
    assert other.reference not in listed.content.decode()


def test_the_la_reply_queue_links_to_the_same_list_and_the_lead_can_log_from_home(
    client, reference_data, regional_lead, la_workforce_lead, dcs
):
    mou_version("LDN")
    camden = local_authority("202")
    asked = logged_breach(camden, reporter=regional_lead)
    _ask(asked, regional_lead, asked.parties.get(), D(2099, 1, 5))
    client.force_login(la_workforce_lead)
    queue = next(q for q in client.get("/").context["queues"] if "reply" in q.title)
    assert queue.see_all == f"{reverse('breaches:list')}?awaiting=you"
    listed = client.get(queue.see_all).context["table"].page
    assert list(listed) == queue.breaches == [Breach.objects.get(pk=asked.pk)]
    client.force_login(regional_lead)
    home = client.get("/").content.decode()
    assert f'href="{reverse("breaches:log")}" role="button"' in home
    lead_queues = {q.title: q for q in client.get("/").context["queues"]}
    awaiting = lead_queues["Awaiting a reply"]
    assert [b.reference for b in client.get(awaiting.see_all).context["table"].page] == [
        b.reference for b in awaiting.breaches
    ]


def test_a_dcs_home_labels_region_wide_counts_and_does_not_link_them(
    client, reference_data, regional_lead, dcs
):
    mou_version("LDN")
    logged_breach(local_authority("204"), reporter=regional_lead)  # Hackney's: not the DCS's
    client.force_login(dcs)
    html = client.get("/").content.decode()
    figures = html[
        html.index('id="home-figures"') : html.index("</dl>", html.index('id="home-figures"'))
    ]
    assert "Open breaches across the region" in figures
    assert "Overdue across the region" in figures
    assert "<a " not in figures  # it counts breaches the DCS cannot open
