"""MSPs, agencies, contracts, standings, reviews and the escalation contact."""

import csv
import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from msp import services
from msp.models import (
    MSP,
    Agency,
    AgencyStanding,
    ChainMembership,
    EscalationContact,
    MSPContract,
    RelationshipReview,
    ReviewAction,
    StandingStatus,
)
from tests.factories import AgencyFactory, MSPContractFactory, MSPFactory, local_authority, region

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("1234567", "01234567"), ("sc123456", "SC123456"), (" 0123 4567 ", "01234567")],
)
def test_companies_house_numbers_are_normalised(regional_lead, typed, stored):
    agency = services.agency_save(
        agency=Agency(name="Acme Care", company_number=typed), actor=regional_lead
    )
    assert agency.company_number == stored


@pytest.mark.parametrize("bad", ["ABC", "123456789", "S1234567", "12-34567"])
def test_malformed_companies_house_numbers_are_refused(regional_lead, bad):
    with pytest.raises(ValidationError, match="Companies House number of 8 characters"):
        services.agency_save(
            agency=Agency(name="Acme Care", company_number=bad), actor=regional_lead
        )


def test_a_duplicate_companies_house_number_names_the_existing_company(regional_lead):
    AgencyFactory(name="First Care Ltd", company_number="01234567")
    with pytest.raises(ValidationError) as error:
        services.agency_save(
            agency=Agency(name="Second", company_number="1234567"), actor=regional_lead
        )
    assert error.value.message_dict["company_number"] == [
        "First Care Ltd already has Companies House number 01234567"
    ]
    assert Agency.objects.count() == 1


def test_which_msp_serves_an_la_today_is_one_query(reference_data, django_assert_num_queries):
    camden = local_authority("202")
    old = MSPContractFactory(local_authority=camden, starts_on=D(2020, 1, 1), ends_on=D(2023, 1, 1))
    current = MSPContractFactory(local_authority=camden, starts_on=D(2023, 1, 2))
    with django_assert_num_queries(1):
        serving = [c.msp.name for c in MSPContract.objects.serving(camden)]
    assert serving == [current.msp.name]
    assert [c.msp for c in MSPContract.objects.serving(camden, on=D(2022, 6, 1))] == [old.msp]


def test_a_contract_for_an_la_outside_the_editors_region_is_refused(regional_lead, reference_data):
    msp = MSPFactory()
    with pytest.raises(ValidationError) as error:
        services.contract_save(
            contract=MSPContract(
                msp=msp, local_authority=local_authority("391"), starts_on=D(2026, 1, 1)
            ),
            actor=regional_lead,
        )
    assert "not in a region you manage" in error.value.message_dict["local_authority"][0]


def test_contract_dates_must_be_in_order(regional_lead, reference_data):
    with pytest.raises(ValidationError, match="end date must be after the start date"):
        services.contract_save(
            contract=MSPContract(
                msp=MSPFactory(),
                local_authority=local_authority("202"),
                starts_on=D(2026, 1, 1),
                ends_on=D(2025, 1, 1),
            ),
            actor=regional_lead,
        )


def test_only_the_latest_standing_counts_and_the_history_stays(regional_lead, london):
    agency = AgencyFactory()
    services.standing_set(
        agency=agency,
        region=london,
        status=StandingStatus.WARNED,
        reason="Adverts",
        decided_on=D(2026, 1, 1),
        actor=regional_lead,
    )
    services.standing_set(
        agency=agency,
        region=london,
        status=StandingStatus.SUSPENDED,
        reason="Again",
        decided_on=D(2026, 3, 1),
        actor=regional_lead,
    )
    annotated = Agency.objects.with_standing(london.pk).get(pk=agency.pk)
    assert annotated.standing == StandingStatus.SUSPENDED
    assert AgencyStanding.objects.filter(agency=agency).count() == 2
    assert (
        Agency.objects.with_standing(region("NE").pk).get(pk=agency.pk).standing is None
    )  # active elsewhere


def test_only_the_regions_leads_and_admins_set_its_standings(
    london, dcs, north_east_lead, london_admin
):
    agency = AgencyFactory()
    for person in (dcs, north_east_lead):
        with pytest.raises(PermissionDenied):
            services.standing_set(
                agency=agency,
                region=london,
                status="warned",
                reason="x",
                decided_on=D(2026, 1, 1),
                actor=person,
            )
    services.standing_set(
        agency=agency,
        region=london,
        status="warned",
        reason="x",
        decided_on=D(2026, 1, 1),
        actor=london_admin,
    )


def test_the_escalation_contact_must_have_a_role_in_the_region(
    regional_lead, london, newcastle_dcs, dcs
):
    with pytest.raises(ValidationError, match="has no role in London"):
        services.escalation_contact_set(region=london, person=newcastle_dcs, actor=regional_lead)
    services.escalation_contact_set(region=london, person=dcs, actor=regional_lead)
    assert EscalationContact.objects.get(region=london).person == dcs


def _url(name, *args):
    return reverse(f"msp:{name}", args=args)


@pytest.fixture
def chain(reference_data):
    msp = MSPContractFactory(local_authority=local_authority("202")).msp
    agency = AgencyFactory()
    ChainMembership.objects.create(msp=msp, agency=agency, tier=1, from_date=D(2025, 1, 1))
    review = RelationshipReview.objects.create(
        region=region("LDN"), msp=msp, held_on=D(2026, 1, 1), attendees="Leads", effectiveness=4
    )
    return msp, agency, review


@pytest.mark.parametrize(
    ("person", "read", "edit", "regional", "review_page"),
    [
        ("national_admin", 200, 200, 200, 200),
        ("london_admin", 200, 200, 200, 200),
        ("regional_lead", 200, 200, 200, 200),
        ("north_east_lead", 200, 200, 404, 404),
        ("dcs", 200, 403, 403, 200),
        ("la_workforce_lead", 200, 403, 403, 200),
        # Observers read aggregates and published MOU versions only: never a supplier review.
        ("observer", 200, 403, 403, 404),
        ("msp_contact", 200, 403, 403, 200),
    ],
)
def test_permission_matrix(client, request, chain, person, read, edit, regional, review_page):
    msp, agency, review = chain
    user = request.getfixturevalue(person)
    if person == "msp_contact":
        user.memberships.update(msp=msp)  # their own MSP
    client.force_login(user)
    reads = [
        _url("msp_list"),
        _url("msp_detail", msp.pk),
        _url("agency_list"),
        _url("agency_detail", agency.pk),
        _url("agency_export"),
    ]
    edits = [
        _url("msp_create"),
        _url("msp_edit", msp.pk),
        _url("agency_create"),
        _url("agency_edit", agency.pk),
        _url("chain_add", msp.pk),
    ]
    regionals = [
        _url("standing_set", agency.pk, "LDN"),
        _url("review_action_add", review.pk),
        _url("escalation_contact", "LDN"),
    ]
    assert {u: client.get(u).status_code for u in reads} == dict.fromkeys(reads, read)
    assert client.get(_url("review_detail", review.pk)).status_code == review_page
    assert {u: client.get(u).status_code for u in edits} == dict.fromkeys(edits, edit)
    got = {u: client.get(u).status_code for u in regionals}
    if (
        person == "msp_contact"
    ):  # the review is visible to them, standing and contact pages are not theirs
        assert got == {regionals[0]: 403, regionals[1]: 403, regionals[2]: 403}
    elif person == "observer":  # the review is not theirs to see at all
        assert got == {regionals[0]: 403, regionals[1]: 404, regionals[2]: 403}
    else:
        assert got == dict.fromkeys(regionals, regional)


def test_an_msp_contact_sees_only_their_msp_and_its_agencies(
    client, msp_contact, camden_msp, reference_data
):
    mine = AgencyFactory(name="Mine Ltd")
    ChainMembership.objects.create(msp=camden_msp, agency=mine, tier=2, from_date=D(2025, 1, 1))
    other_msp = MSPFactory()
    theirs = AgencyFactory(name="Theirs Ltd")
    ChainMembership.objects.create(msp=other_msp, agency=theirs, tier=1, from_date=D(2025, 1, 1))
    client.force_login(msp_contact)
    names = [a.name for a in client.get(_url("agency_list")).context["table"].data]
    assert names == ["Mine Ltd"]
    assert client.get(_url("agency_detail", theirs.pk)).status_code == 404
    assert client.get(_url("msp_detail", other_msp.pk)).status_code == 404


def test_bad_input_gets_a_message_beside_the_field_and_nothing_is_lost(
    client, regional_lead, reference_data
):
    AgencyFactory(name="First Care Ltd", company_number="01234567")
    client.force_login(regional_lead)
    response = client.post(_url("agency_create"), {"name": "Copy", "company_number": "01234567"})
    assert "First Care Ltd already has" in " ".join(
        response.context["form"].errors["company_number"]
    )
    response = client.post(
        _url("msp_create"), {"name": "New MSP", "company_number": "nope", "kind": "neutral_vendor"}
    )
    assert "8 characters" in " ".join(response.context["form"].errors["company_number"])
    msp = MSPFactory()
    response = client.post(
        _url("contract_add", msp.pk),
        {
            "local_authority": local_authority("391").pk,
            "starts_on_day": "1",
            "starts_on_month": "1",
            "starts_on_year": "2026",
        },
    )
    assert "Choose a local authority in a region you manage" in " ".join(
        response.context["form"].errors["local_authority"]
    )
    response = client.post(
        _url("contract_add", msp.pk),
        {
            "local_authority": local_authority("202").pk,
            "starts_on_day": "1",
            "starts_on_month": "1",
            "starts_on_year": "2026",
            "ends_on_day": "1",
            "ends_on_month": "1",
            "ends_on_year": "2025",
        },
    )
    assert "end date must be after the start date" in " ".join(
        response.context["form"].errors["ends_on"]
    )
    assert Agency.objects.count() == 1
    assert not MSPContract.objects.filter(msp=msp).exists()


def test_the_agency_list_filters_and_exports_what_it_shows(
    client, regional_lead, london, reference_data
):
    msp = MSPFactory(name="Filter MSP")
    warned, fine = AgencyFactory(name="Warned Ltd"), AgencyFactory(name="Fine Ltd")
    for agency, tier in ((warned, 2), (fine, 1)):
        ChainMembership.objects.create(msp=msp, agency=agency, tier=tier, from_date=D(2025, 1, 1))
    services.standing_set(
        agency=warned,
        region=london,
        status="warned",
        reason="=HYPERLINK(1)",
        decided_on=D(2026, 1, 1),
        actor=regional_lead,
    )
    client.force_login(regional_lead)
    query = {"standing": "warned", "msp": msp.name, "tier": "2"}
    names = [a.name for a in client.get(_url("agency_list"), query).context["table"].data]
    assert names == ["Warned Ltd"]
    active = [
        a.name
        for a in client.get(_url("agency_list"), {"standing": "active", "msp": msp.name})
        .context["table"]
        .data
    ]
    assert active == ["Fine Ltd"]
    rows = list(
        csv.reader(
            io.StringIO(client.get(_url("agency_export"), query).content.decode("utf-8-sig"))
        )
    )
    assert rows == [
        ["Agency", "Companies House number", "MSPs (tier)", "Standing in London"],
        ["Warned Ltd", warned.company_number, "Filter MSP (2)", "Warned"],
    ]


def test_a_review_with_an_action_can_be_recorded_and_closed(
    client, regional_lead, reference_data, dcs, group_member
):
    msp = MSPFactory()
    client.force_login(regional_lead)
    response = client.post(
        _url("msp_review_add", msp.pk),
        {
            "region": region("LDN").pk,
            "held_on_day": "3",
            "held_on_month": "11",
            "held_on_year": "2026",
            "attendees": "Priya Shah; MSP account manager",
            "effectiveness": "4",
            "deliverables_reviewed": "Fill rates",
        },
    )
    review = RelationshipReview.objects.get()
    assert response["Location"] == review.get_absolute_url()
    action_url = _url("review_action_add", review.pk)
    dated = {"due_on_day": "1", "due_on_month": "12", "due_on_year": "2026"}
    response = client.post(action_url, {"description": "Send rate card", **dated})
    assert response.context["form"].errors["owner_person"] == ["Choose who will do it"]
    # the owner is a person who may open the review: not someone who only sits on groups
    response = client.post(
        action_url, {"description": "Send rate card", "owner_person": group_member.pk, **dated}
    )
    assert "owner_person" in response.context["form"].errors
    client.post(action_url, {"description": "Send rate card", "owner_person": dcs.pk, **dated})
    action = ReviewAction.objects.get()
    assert action.owner_person == dcs
    assert client.get(msp.get_absolute_url()).context["open_actions"] == [action]
    client.force_login(dcs)
    home = client.get("/").content.decode()
    assert "Send rate card" in home[home.index('id="home-actions"') :]
    client.force_login(regional_lead)
    client.post(_url("review_action_done", review.pk, action.pk))
    action.refresh_from_db()
    assert action.done_on == timezone.localdate()
    assert client.get(msp.get_absolute_url()).context["open_actions"] == []


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_supply_chain_pages_keep_a_fixed_query_count(client, regional_lead, london, reference_data):
    msp = MSPContractFactory(local_authority=local_authority("202")).msp
    agency = AgencyFactory()
    client.force_login(regional_lead)
    client.get("/")
    urls = [
        _url("agency_list"),
        _url("agency_list") + "?standing=active",
        _url("msp_list"),
        msp.get_absolute_url(),
        agency.get_absolute_url(),
        _url("agency_export"),
    ]
    before = [_count(client, u) for u in urls]
    for n in range(25):
        extra = AgencyFactory()
        ChainMembership.objects.create(
            msp=msp, agency=extra, tier=1 + n % 2, from_date=D(2025, 1, 1)
        )
        services.standing_set(
            agency=extra,
            region=london,
            status="warned",
            reason="x",
            decided_on=D(2026, 1, 1),
            actor=regional_lead,
        )
        MSPContractFactory(msp=MSPFactory(), local_authority=local_authority("204"))
        services.standing_set(
            agency=agency,
            region=london,
            status="active",
            reason="x",
            decided_on=D(2026, 1, 2),
            actor=regional_lead,
        )
    RelationshipReview.objects.bulk_create(
        RelationshipReview(
            region=london, msp=msp, held_on=D(2026, 1, 1), attendees="x", effectiveness=3
        )
        for _ in range(10)
    )
    assert [_count(client, u) for u in urls] == before


def test_every_change_is_kept_in_history(regional_lead):
    msp = services.msp_save(
        msp=MSP(name="History MSP", company_number="12345678"), actor=regional_lead
    )
    msp.framework = "New framework"
    services.msp_save(msp=msp, actor=regional_lead)
    records = list(
        MSP.history.filter(id=msp.pk).values_list("history_type", "framework", "history_user")
    )
    assert records == [("~", "New framework", regional_lead.pk), ("+", "", regional_lead.pk)]


def test_a_standing_can_point_at_the_breach_that_led_to_it(regional_lead, london, reference_data):
    from tests.factories import logged_breach, mou_version

    mou_version("LDN")
    breach = logged_breach(local_authority("202"), reporter=regional_lead)
    agency = AgencyFactory()
    with pytest.raises(ValidationError, match="There is no breach NE-2026-0001 in London"):
        services.standing_set(
            agency=agency,
            region=london,
            status="warned",
            reason="x",
            decided_on=D(2026, 1, 1),
            actor=regional_lead,
            breach_reference="NE-2026-0001",
        )
    standing = services.standing_set(
        agency=agency,
        region=london,
        status="warned",
        reason="x",
        decided_on=D(2026, 1, 1),
        actor=regional_lead,
        breach_reference=breach.reference.lower(),
    )
    assert standing.breach == breach


def test_the_agency_list_shows_standing_only_for_a_chosen_region(
    client, national_admin, london, regional_lead
):
    msp = MSPFactory(name="Row MSP")
    agency = AgencyFactory(name="Row Agency Ltd")
    ChainMembership.objects.create(msp=msp, agency=agency, tier=1, from_date=D(2025, 1, 1))
    services.standing_set(
        agency=agency,
        region=london,
        status="suspended",
        reason="Repeated breaches",
        decided_on=D(2026, 1, 1),
        actor=regional_lead,
    )
    client.force_login(national_admin)

    def row(query):
        html = client.get(_url("agency_list"), query).content.decode()
        start = html.index(f'href="{agency.get_absolute_url()}"')
        return html[start : html.index("</tr>", start)], " ".join(html.split())

    everywhere, html = row({})
    assert "Row MSP (1)" in everywhere
    assert "govuk-tag" not in everywhere
    header = '<th scope="col" class="govuk-table__header"> Standing </th>'
    assert header not in html
    in_london, html = row({"region": london.code})
    assert '<strong class="govuk-tag govuk-tag--orange">Suspended</strong>' in in_london
    assert header in html
