"""Which breaches an MSP's contacts reach: only when, on the day the breach happened, their MSP
held a contract with an LA of the breach's region, and the MSP is a party or an agency party was
in its chain that day. Seen by them, emailed to them, replied to by them: the same rule."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from breaches import services, workflow
from breaches.models import Breach
from mou.models import MOUVersion
from msp.models import Agency, ChainMembership
from tests.factories import (
    AgencyFactory,
    MSPContractFactory,
    MSPFactory,
    local_authority,
    logged_breach,
    mou_version,
    person_with_role,
    region,
)

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 2)


@pytest.fixture
def cast(reference_data):
    """MSP A serves Camden (London) and Bracknell Forest (South East) from 1 January 2026; agency
    X is in its chain from 2025, agency Y was until the end of 2025. MSP B serves only
    Birmingham (West Midlands) and also has agency X in its chain."""
    for code in ("LDN", "WM", "SE"):
        mou_version(code)
    msp_a = MSPFactory(name="MSP A")
    msp_b = MSPFactory(name="MSP B")
    for la in ("202", "867"):
        MSPContractFactory(
            msp=msp_a, local_authority=local_authority(la), starts_on=datetime.date(2026, 1, 1)
        )
    MSPContractFactory(
        msp=msp_b, local_authority=local_authority("330"), starts_on=datetime.date(2025, 1, 1)
    )
    agency_x, agency_y = AgencyFactory(name="Agency X"), AgencyFactory(name="Agency Y")
    for msp in (msp_a, msp_b):
        ChainMembership.objects.create(
            msp=msp, agency=agency_x, tier=1, from_date=datetime.date(2025, 1, 1)
        )
    ChainMembership.objects.create(
        msp=msp_a,
        agency=agency_y,
        tier=1,
        from_date=datetime.date(2024, 1, 1),
        to_date=datetime.date(2025, 12, 31),
    )
    return {
        "msp_a": msp_a,
        "msp_b": msp_b,
        "agency_x": agency_x,
        "agency_y": agency_y,
        "a_contact": person_with_role(Role.MSP_CONTACT, msp=msp_a),
        "b_contact": person_with_role(Role.MSP_CONTACT, msp=msp_b),
        "london_lead": person_with_role(Role.REGIONAL_LEAD, region=region("LDN")),
        "wm_lead": person_with_role(Role.REGIONAL_LEAD, region=region("WM")),
    }


def _breach(cast, la_code: str, *, on=MARCH, agency=None, msp=None) -> Breach:
    la = local_authority(la_code)
    lead = cast["london_lead"] if la.region.code == "LDN" else cast["wm_lead"]
    if la.region.code not in ("LDN", "WM"):
        lead = person_with_role(Role.REGIONAL_LEAD, region=la.region)
    return logged_breach(
        la,
        reporter=lead,
        occurred_on=on,
        agencies=[agency] if agency else [],
        msps=[msp] if msp else [],
    )


def test_an_msp_contact_sees_only_breaches_their_msp_reached_on_the_day(cast):
    seen = [
        _breach(cast, "202", agency=cast["agency_x"]),  # London, X in A's chain, A contracted
        _breach(cast, "202", msp=cast["msp_a"]),  # A itself is a party
        _breach(cast, "867", agency=cast["agency_x"]),  # the South East: A serves it too
    ]
    unseen = [
        _breach(cast, "330", agency=cast["agency_x"]),  # West Midlands: no A contract there
        _breach(cast, "202", agency=cast["agency_y"]),  # Y had left A's chain by March 2026
        # Before A's London contract began (X was in the chain, but A did not serve London).
        _breach(cast, "202", on=datetime.date(2025, 11, 3), agency=cast["agency_x"]),
    ]
    visible = set(Breach.objects.visible_to(cast["a_contact"]))
    assert visible == set(seen)
    assert not visible & set(unseen)


def test_a_breach_they_reported_stays_visible_to_them(cast):
    breach = _breach(cast, "330", agency=cast["agency_x"])
    breach.reported_by = cast["a_contact"]
    breach.save(update_fields=["reported_by"])
    assert list(Breach.objects.visible_to(cast["a_contact"])) == [breach]


def test_another_msps_contact_cannot_open_download_or_comment_through_a_shared_agency(client, cast):
    # MSP B has no London contract; agency X is in its chain too.
    breach = _breach(cast, "202", agency=cast["agency_x"])
    lead_client = type(client)()
    lead_client.force_login(cast["london_lead"])
    lead_client.post(
        reverse("breaches:evidence_add", args=[breach.reference]),
        {"file": SimpleUploadedFile("notice.pdf", b"%PDF-1.7\n%%EOF\n")},
    )
    evidence = breach.evidence.get()
    client.force_login(cast["b_contact"])
    assert client.get(breach.get_absolute_url()).status_code == 404
    assert (
        client.get(reverse("breaches:evidence", args=[breach.reference, evidence.pk])).status_code
        == 404
    )
    response = client.post(reverse("breaches:comment", args=[breach.reference]), {"text": "Hi"})
    assert response.status_code == 404
    assert not breach.events.filter(kind="comment").exists()
    assert breach.reference not in client.get(reverse("breaches:export")).content.decode()
    assert breach.reference not in client.get(reverse("breaches:list")).content.decode()


def test_the_export_and_list_hold_only_what_the_contact_reaches(client, cast):
    reached = _breach(cast, "202", agency=cast["agency_x"])
    elsewhere = _breach(cast, "330", agency=cast["agency_x"])
    client.force_login(cast["a_contact"])
    export = client.get(reverse("breaches:export")).content.decode()
    assert reached.reference in export
    assert elsewhere.reference not in export
    assert client.get(elsewhere.get_absolute_url()).status_code == 404
    listing = client.get(reverse("breaches:list"))
    assert list(listing.context["table"].page.object_list) == [reached]


def test_only_the_contacts_of_an_msp_that_reaches_the_breach_are_emailed(
    cast, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _breach(cast, "330", agency=cast["agency_x"])  # West Midlands: B serves it, A does not
    to = {address for message in mail.outbox for address in message.to}
    assert cast["b_contact"].email in to
    assert cast["a_contact"].email not in to
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _breach(cast, "202", agency=cast["agency_y"])  # Y left A's chain before the breach
    to = {address for message in mail.outbox for address in message.to}
    assert cast["a_contact"].email not in to
    assert cast["b_contact"].email not in to


def _awaiting_agency_reply(cast, breach: Breach, agency: Agency) -> Breach:
    lead = cast["london_lead"]
    breach = workflow.breach_act(breach=breach, action="accept", actor=lead)
    party = breach.parties.get(agency=agency)
    return workflow.breach_act(
        breach=breach,
        action="request_reply",
        actor=lead,
        party=party,
        reply_due_on=timezone.localdate() + datetime.timedelta(days=14),
    )


def test_an_msp_contact_may_reply_only_for_an_agency_their_msp_answered_for(cast):
    breach = _awaiting_agency_reply(
        cast, _breach(cast, "202", agency=cast["agency_x"]), cast["agency_x"]
    )
    assert "reply" in {a.name for a in workflow.allowed_actions(cast["a_contact"], breach)}
    assert "reply" not in {a.name for a in workflow.allowed_actions(cast["b_contact"], breach)}
    ended = _awaiting_agency_reply(
        cast, _breach(cast, "202", agency=cast["agency_y"]), cast["agency_y"]
    )
    assert "reply" not in {a.name for a in workflow.allowed_actions(cast["a_contact"], ended)}
    # The lead records a reply for an agency no MSP answers for, as before.
    assert "reply" in {a.name for a in workflow.allowed_actions(cast["london_lead"], ended)}


def test_a_party_msp_must_have_served_the_region_on_the_day(client, cast):
    client.force_login(cast["london_lead"])
    version = MOUVersion.objects.in_force_in_region(region("LDN"), on=MARCH)
    rule = version.rules.get(kind="notice_weeks")
    before = Breach.objects.count()
    response = client.post(
        reverse("breaches:log"),
        {
            "occurred_on_day": "2",
            "occurred_on_month": "3",
            "occurred_on_year": "2026",
            "breach_type": "notice",
            "rule": rule.pk,
            "msp": cast["msp_b"].name,
            "description": "Headhunted a Camden worker",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "MSP B had no contract with a London local authority on 2 March 2026" in errors["msp"][0]
    assert "Headhunted a Camden worker" in response.content.decode()
    assert Breach.objects.count() == before
    with pytest.raises(Exception, match="no contract with a London"):
        services.breach_log(
            new=services.NewBreach(
                rule=rule,
                breach_type="notice",
                occurred_on=MARCH,
                description="x",
                msps=[cast["msp_b"]],
            ),
            actor=cast["london_lead"],
        )


def test_an_msp_contact_sees_agencies_in_their_msps_chain_today_only(cast):
    visible = set(Agency.objects.visible_to(cast["a_contact"]))
    assert cast["agency_x"] in visible
    assert cast["agency_y"] not in visible  # left the chain at the end of 2025
