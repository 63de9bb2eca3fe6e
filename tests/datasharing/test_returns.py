"""Data returns: periods and their default dates, starting a return (one per LA per period,
joint returns), who prepares, submits, authorises and reopens, revisions, and scope."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from accounts.roles import Role
from datasharing import services
from datasharing.models import (
    LINE_FIELDS,
    DataReturn,
    ReturnCoverage,
    Revision,
    RevisionState,
)
from datasharing.permissions import get_return_for_user
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap
from tests.factories import (
    MembershipFactory,
    MSPContractFactory,
    local_authority,
    mou_version,
    person_with_role,
    region,
    statement_made,
)

pytestmark = pytest.mark.django_db
D = datetime.date
LTD = EngagementType.LIMITED_COMPANY_UMBRELLA
GOOD = {
    "agency_headcount": Decimal(10),
    "agency_fte": Decimal("9.5"),
    "inpost_headcount": Decimal(40),
    "inpost_fte": Decimal("38.2"),
    "vacancy_fte": Decimal(6),
    "agency_cover_fte": Decimal(5),
    "starters_headcount": Decimal(3),
    "starters_fte": Decimal(3),
    "leavers_headcount": Decimal(2),
    "leavers_fte": Decimal("1.5"),
    "project_team_workers": Decimal(0),
    "above_cap_workers": Decimal(0),
    "above_cap_under_exception": Decimal(0),
}


@pytest.fixture(autouse=True)
def _today(time_machine):
    """10 October 2026, while July to September's returns are open (due 2 November)."""
    time_machine.move_to(
        datetime.datetime(2026, 10, 10, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


@pytest.fixture
def period(london):
    version = mou_version("LDN", publish=False)
    mou_services.price_cap_save(
        version=version,
        cap=PriceCap(
            job_type=JobType.SOCIAL_WORKER, engagement_type=LTD, max_hourly_rate=Decimal("45.00")
        ),
        actor=None,
    )
    mou_services.mou_version_publish(version=version, actor=None)
    return services.period_create(region=london, year=2026, quarter=3, actor=None)


def _all_good():
    return {job: dict(GOOD) for job in JobType.values}


@pytest.fixture
def draft(period, la_workforce_lead):
    data_return = services.return_start(
        period=period, local_authorities=[local_authority("202")], actor=la_workforce_lead
    )
    return data_return.revisions.get()


def _filled(draft, actor, lines=None, rates=(), *, statement=True):
    """A draft's figures saved and, unless told not to, its statement made."""
    revision = services.revision_save(
        revision=draft, lines=lines or _all_good(), rates=rates, actor=actor
    )
    return statement_made(revision, actor) if statement else revision


def test_a_periods_default_dates_count_working_days_from_the_quarters_end():
    # July to September 2026 ends on Wednesday 30 September: opens Thursday 1 October.
    assert services.period_defaults(2026, 3) == (D(2026, 10, 1), D(2026, 10, 29), D(2026, 11, 26))
    # October to December ends on Thursday 31 December; 1 January is a bank holiday.
    assert services.period_defaults(2026, 4)[0] == D(2027, 1, 4)


def test_only_an_admin_of_the_region_sets_periods(
    london, london_admin, north_east_lead, regional_lead
):
    services.period_create(region=london, year=2026, quarter=2, actor=london_admin)
    for person in (regional_lead, north_east_lead):
        with pytest.raises(PermissionDenied):
            services.period_create(region=london, year=2026, quarter=1, actor=person)
    with pytest.raises(ValidationError, match="already has a period"):
        services.period_create(region=london, year=2026, quarter=2, actor=london_admin)


def test_a_periods_dates_are_in_order(london, london_admin):
    with pytest.raises(ValidationError) as error:
        services.period_create(
            region=london,
            year=2026,
            quarter=1,
            actor=london_admin,
            dates=(D(2026, 4, 10), D(2026, 4, 1), D(2026, 3, 1)),
        )
    assert set(error.value.message_dict) == {"due_on", "closes_on"}


def test_a_return_starts_as_a_first_draft_named_for_its_period_and_la(draft):
    assert (draft.number, draft.state) == (1, RevisionState.DRAFT)
    assert draft.data_return.reference == "LDN-2026-Q3-202"


def test_one_return_per_la_per_period(period, draft, la_workforce_lead):
    with pytest.raises(ValidationError, match="already has a return for July to September 2026"):
        services.return_start(
            period=period, local_authorities=[local_authority("202")], actor=la_workforce_lead
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ReturnCoverage.objects.create(
            data_return=draft.data_return, period=period, local_authority=local_authority("202")
        )


def test_las_reporting_jointly_submit_one_return(period, reference_data):
    kingston, richmond = local_authority("314"), local_authority("318")
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=kingston)
    with pytest.raises(PermissionDenied):  # not in Richmond's name without a role there
        services.return_start(period=period, local_authorities=[kingston, richmond], actor=lead)
    MembershipFactory(user=lead, role=Role.LA_WORKFORCE_LEAD, local_authority=richmond)
    lead = User.objects.get(pk=lead.pk)  # a person's roles are read once per request
    joint = services.return_start(period=period, local_authorities=[kingston, richmond], actor=lead)
    assert joint.reference == "LDN-2026-Q3-314-318"
    richmond_lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=richmond)
    assert get_return_for_user(richmond_lead, joint.pk) == joint
    with pytest.raises(ValidationError, match="already has a return"):
        services.return_start(period=period, local_authorities=[richmond], actor=richmond_lead)


def test_an_la_outside_the_periods_region_is_refused(period, newcastle_dcs):
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("391"))
    with pytest.raises(ValidationError, match="is not in London"):
        services.return_start(period=period, local_authorities=[local_authority("391")], actor=lead)


def test_who_may_start_a_return(period, dcs, regional_lead, newcastle_dcs, msp_contact):
    camden = [local_authority("202")]
    for person in (dcs, regional_lead, newcastle_dcs):
        with pytest.raises(PermissionDenied):
            services.return_start(period=period, local_authorities=camden, actor=person)
    # The contact of an MSP serving Camden may prepare its draft, not another LA's.
    assert services.return_start(period=period, local_authorities=camden, actor=msp_contact)
    with pytest.raises(PermissionDenied):
        services.return_start(
            period=period, local_authorities=[local_authority("204")], actor=msp_contact
        )


def test_an_msp_contact_prepares_but_never_submits(draft, msp_contact):
    _filled(draft, msp_contact, statement=False)
    with pytest.raises(PermissionDenied):
        services.return_submit(revision=draft, actor=msp_contact)


@pytest.mark.parametrize(
    ("person", "sees"),
    [
        ("la_workforce_lead", True),
        ("dcs", True),
        ("regional_lead", True),
        ("london_admin", True),
        ("national_admin", True),
        ("msp_contact", True),  # its MSP serves Camden
        ("observer", False),
        ("north_east_lead", False),
        ("newcastle_dcs", False),
    ],
)
def test_scope(request, draft, person, sees):
    assert (
        DataReturn.objects.visible_to(request.getfixturevalue(person))
        .filter(pk=draft.data_return_id)
        .exists()
        is sees
    )


def test_an_msp_serving_another_region_sees_none_of_londons(draft, reference_data):
    contract = MSPContractFactory(local_authority=local_authority("391"))
    contact = person_with_role(Role.MSP_CONTACT, msp=contract.msp)
    assert not DataReturn.objects.visible_to(contact).exists()


def test_errors_block_submission(draft, la_workforce_lead):
    lines = _all_good()
    lines[JobType.SOCIAL_WORKER]["agency_fte"] = Decimal(11)  # more than the 10 people
    del lines[JobType.TEAM_MANAGER]
    _filled(draft, la_workforce_lead, lines)
    with pytest.raises(ValidationError) as error:
        services.return_submit(revision=draft, actor=la_workforce_lead)
    text = " ".join(error.value.messages)
    assert "Social worker: Agency workers (FTE) (11) is more than" in text
    assert "Give the figures for team managers" in text
    assert Revision.objects.get(pk=draft.pk).state == RevisionState.DRAFT


def test_queries_need_an_explanation_kept_with_the_revision(draft, la_workforce_lead):
    rate = services.RateFigures(
        JobType.SOCIAL_WORKER, LTD, Decimal("40"), Decimal("44"), Decimal("48.50")
    )
    _filled(draft, la_workforce_lead, rates=[rate])
    with pytest.raises(ValidationError, match="Explain: Social worker, Limited company"):
        services.return_submit(revision=draft, actor=la_workforce_lead)
    [query] = services.revision_check(draft).unexplained
    assert query.code == "DR102"
    services.explanation_save(
        revision=draft,
        key=query.key,
        text="Two workers under LDN-CX-00012",
        actor=la_workforce_lead,
    )
    submitted = services.return_submit(revision=draft, actor=la_workforce_lead)
    assert submitted.state == RevisionState.SUBMITTED
    assert not submitted.submitted_late
    assert submitted.explanations.get().text == "Two workers under LDN-CX-00012"


def test_a_return_submitted_after_its_due_date_is_late(draft, la_workforce_lead, time_machine):
    _filled(draft, la_workforce_lead)
    time_machine.move_to(datetime.datetime(2026, 12, 1, 10, tzinfo=ZoneInfo("Europe/London")))
    assert services.return_submit(revision=draft, actor=la_workforce_lead).submitted_late


def test_the_las_dcs_authorises_a_submitted_return(
    draft, la_workforce_lead, dcs, regional_lead, newcastle_dcs
):
    _filled(draft, la_workforce_lead)
    with pytest.raises(ValidationError, match="only a submitted return"):
        services.return_authorise(revision=draft, actor=dcs)
    services.return_submit(revision=draft, actor=la_workforce_lead)
    for person in (la_workforce_lead, regional_lead, newcastle_dcs):
        with pytest.raises(PermissionDenied):
            services.return_authorise(revision=draft, actor=person)
    authorised = services.return_authorise(revision=draft, actor=dcs)
    assert (authorised.state, authorised.authorised_by) == (RevisionState.AUTHORISED, dcs)
    assert services.counted_revision(draft.data_return) == authorised


def test_a_draft_cannot_change_once_submitted(draft, la_workforce_lead):
    _filled(draft, la_workforce_lead)
    services.return_submit(revision=draft, actor=la_workforce_lead)
    with pytest.raises(ValidationError, match="only a draft can change"):
        _filled(draft, la_workforce_lead)


def test_reopening_starts_a_new_revision_and_the_authorised_one_counts_until_replaced(
    draft, la_workforce_lead, dcs, regional_lead
):
    _filled(draft, la_workforce_lead)
    services.return_submit(revision=draft, actor=la_workforce_lead)
    first = services.return_authorise(revision=draft, actor=dcs)
    with pytest.raises(ValidationError, match="Enter why"):
        services.return_reopen(revision=first, actor=regional_lead, reason=" ")
    with pytest.raises(PermissionDenied):
        services.return_reopen(revision=first, actor=la_workforce_lead, reason="Wrong FTE")
    second = services.return_reopen(revision=first, actor=regional_lead, reason="Wrong FTE")
    first.refresh_from_db()
    assert (second.number, second.state) == (2, RevisionState.DRAFT)
    assert (first.state, first.reopen_reason, first.replaced_by) == (
        RevisionState.AUTHORISED,
        "Wrong FTE",
        second,
    )
    assert {
        line.job_type: {n: getattr(line, n) for n in LINE_FIELDS} for line in second.lines.all()
    } == _all_good()
    assert services.counted_revision(draft.data_return) == first  # until the next is authorised
    lines = _all_good()
    lines[JobType.SOCIAL_WORKER]["agency_fte"] = Decimal("8.5")
    _filled(second, la_workforce_lead, lines)
    services.return_submit(revision=second, actor=la_workforce_lead)
    services.return_authorise(revision=second, actor=dcs)
    assert services.counted_revision(draft.data_return) == second
    assert first.lines.get(job_type=JobType.SOCIAL_WORKER).agency_fte == Decimal("9.5")  # readable


def test_a_submitted_return_sent_back_never_counts(draft, la_workforce_lead, dcs):
    _filled(draft, la_workforce_lead)
    services.return_submit(revision=draft, actor=la_workforce_lead)
    services.return_reopen(revision=draft, actor=dcs, reason="Check the leavers")
    draft.refresh_from_db()
    assert draft.state == RevisionState.SENT_BACK
    assert services.counted_revision(draft.data_return) is None
    with pytest.raises(ValidationError, match="already reopened"):
        services.return_reopen(revision=draft, actor=dcs, reason="Again")


def test_the_database_holds_one_open_revision(draft):
    with pytest.raises(IntegrityError), transaction.atomic():
        Revision.objects.create(data_return=draft.data_return, number=2)


def test_the_previous_authorised_quarter_and_caps_feed_the_queries(
    period, draft, la_workforce_lead, dcs, london_admin
):
    earlier = services.period_create(region=region("LDN"), year=2026, quarter=2, actor=london_admin)
    before = services.return_start(
        period=earlier, local_authorities=[local_authority("202")], actor=la_workforce_lead
    ).revisions.get()
    lines = _all_good()
    lines[JobType.SOCIAL_WORKER]["agency_headcount"] = Decimal(6)
    lines[JobType.SOCIAL_WORKER]["agency_fte"] = Decimal(6)
    _filled(before, la_workforce_lead, lines)
    services.return_submit(revision=before, actor=la_workforce_lead)
    services.return_authorise(revision=before, actor=dcs)
    _filled(draft, la_workforce_lead)
    figures = services.figures_of(draft)
    assert figures.previous[JobType.SOCIAL_WORKER]["agency_headcount"] == 6
    assert figures.caps == {(JobType.SOCIAL_WORKER, LTD): Decimal("45.00")}
    codes = {f.code for f in services.revision_check(draft).queries}
    assert codes == {"DR101"}  # 6 → 10 agency workers


def test_once_the_period_closes_only_a_regional_lead_reopens(
    draft, la_workforce_lead, dcs, regional_lead, client, time_machine
):
    _filled(draft, la_workforce_lead)
    services.return_submit(revision=draft, actor=la_workforce_lead)
    authorised = services.return_authorise(revision=draft, actor=dcs)
    closes = authorised.data_return.period.closes_on
    time_machine.move_to(
        datetime.datetime.combine(closes + datetime.timedelta(days=1), datetime.time(10)).replace(
            tzinfo=ZoneInfo("Europe/London")
        ),
        tick=False,
    )
    with pytest.raises(PermissionDenied):
        services.return_reopen(revision=authorised, actor=dcs, reason="Wrong FTE")
    client.force_login(dcs)
    url = f"/returns/{authorised.data_return_id}/reopen/"
    assert client.get(url).status_code == 403
    assert "Reopen" not in client.get(f"/returns/{authorised.data_return_id}/").content.decode()
    second = services.return_reopen(revision=authorised, actor=regional_lead, reason="Wrong FTE")
    assert second.number == 2


def test_a_joint_return_is_started_on_the_page_for_the_persons_own_las(
    client, period, reference_data
):
    kingston, richmond = local_authority("314"), local_authority("318")
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=kingston)
    url = f"/returns/periods/{period.pk}/start-joint/"
    client.force_login(lead)
    assert client.get(url).status_code == 404  # one LA: nothing to join
    assert "report jointly" not in client.get("/returns/").content.decode()
    MembershipFactory(user=lead, role=Role.LA_WORKFORCE_LEAD, local_authority=richmond)
    assert "report jointly" in client.get("/returns/").content.decode()
    page = client.get(url).content.decode()
    assert "Kingston upon Thames" in page
    assert "Richmond upon Thames" in page
    assert "Camden" not in page
    response = client.post(url, {"local_authorities": ["314"]})
    assert response.context["form"].errors["local_authorities"] == [
        "Select at least two local authorities: for one, start its own return"
    ]
    response = client.post(url, {"local_authorities": ["314", "202"]})  # Camden is not theirs
    assert "local_authorities" in response.context["form"].errors
    assert not DataReturn.objects.exists()
    response = client.post(url, {"local_authorities": ["314", "318"]})
    joint = DataReturn.objects.get()
    assert response.url == f"/returns/{joint.pk}/figures/"
    assert joint.reference == "LDN-2026-Q3-314-318"
    assert client.get(url).status_code == 404  # both now have a return
