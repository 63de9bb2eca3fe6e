"""Data return pages: an LA lead starts a return, enters the figures, explains a query and
submits; the DCS authorises; a regional lead tracks and reopens. Scope across LAs, regions and
suppliers; bad input explained beside the field; fixed query counts."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import Role
from datasharing import services
from datasharing.forms import line_name, rate_name
from datasharing.models import LINE_FIELDS, DataReturn, RevisionState
from datasharing.national_return import current_layout
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap
from tests.factories import (
    AgencyFactory,
    MSPContractFactory,
    local_authority,
    logged_breach,
    mou_version,
    person_with_role,
    statement_made,
)

pytestmark = pytest.mark.django_db
LTD = EngagementType.LIMITED_COMPANY_UMBRELLA
GOOD = {
    "agency_headcount": "10",
    "agency_fte": "9.5",
    "inpost_headcount": "40",
    "inpost_fte": "38.2",
    "vacancy_fte": "6",
    "agency_cover_fte": "5",
    "starters_headcount": "3",
    "starters_fte": "3",
    "leavers_headcount": "2",
    "leavers_fte": "1.5",
    "project_team_workers": "0",
    "above_cap_workers": "0",
    "above_cap_under_exception": "0",
}


@pytest.fixture(autouse=True)
def _today(time_machine):
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


def _form(**overrides) -> dict[str, str]:
    data = {line_name(job, name): GOOD[name] for job in JobType.values for name in LINE_FIELDS}
    return data | overrides


@pytest.fixture
def camden_return(period, la_workforce_lead):
    return services.return_start(
        period=period, local_authorities=[local_authority("202")], actor=la_workforce_lead
    )


def test_the_lead_starts_enters_explains_and_submits_and_the_dcs_authorises(
    client, period, la_workforce_lead, dcs
):
    client.force_login(la_workforce_lead)
    home = client.get(reverse("datasharing:home")).content.decode()
    assert "London: July to September 2026" in home
    assert "Start the return" in home
    response = client.post(
        reverse("datasharing:start", args=[period.pk]), {"local_authority": "202"}
    )
    data_return = DataReturn.objects.get()
    assert response.url == reverse("datasharing:edit", args=[data_return.pk])
    assert client.get(response.url).status_code == 200

    rates = {
        rate_name(JobType.SOCIAL_WORKER, LTD, "rate_min"): "40.00",
        rate_name(JobType.SOCIAL_WORKER, LTD, "rate_median"): "44.00",
        rate_name(JobType.SOCIAL_WORKER, LTD, "rate_max"): "48.50",
    }
    response = client.post(reverse("datasharing:edit", args=[data_return.pk]), _form(**rates))
    assert response.status_code == 302
    page = client.get(reverse("datasharing:detail", args=[data_return.pk])).content.decode()
    assert "1 query to explain" in page
    assert "DR102" in page
    assert "£48.50, is above the cap of £45.00" in page
    assert "Submit for authorisation" not in page  # until the query is explained
    assert "19.9%" in page  # social workers' agency rate: 9.5 ÷ 47.7

    [query] = services.revision_check(data_return.revisions.get()).queries
    client.post(
        reverse("datasharing:explain", args=[data_return.pk]),
        {"key": query.key, "text": "Two workers under an approved exception"},
    )
    page = client.get(reverse("datasharing:detail", args=[data_return.pk])).content.decode()
    assert "Explained: Two workers under an approved exception" in page
    assert "DR009 (Price caps)" in page  # the statement is still to make
    assert "Submit for authorisation" not in page

    statement = reverse("datasharing:statement", args=[data_return.pk])
    assert "Did the local authority comply with the price caps rule" in (
        client.get(statement).content.decode()
    )
    answers = {q.key: "complied" for q in current_layout().questions}
    response = client.post(statement, answers | {"holdings_confirmed": "on"})
    assert response.status_code == 302
    page = client.get(reverse("datasharing:detail", args=[data_return.pk])).content.decode()
    assert "Yes, in every engagement" in page
    assert "Submit for authorisation" in page
    assert client.post(reverse("datasharing:submit", args=[data_return.pk])).status_code == 302
    assert client.get(reverse("datasharing:authorise", args=[data_return.pk])).status_code == 403

    client.force_login(dcs)
    assert (
        "Authorise"
        in client.get(reverse("datasharing:detail", args=[data_return.pk])).content.decode()
    )
    assert client.post(reverse("datasharing:authorise", args=[data_return.pk])).status_code == 302
    assert data_return.revisions.get().state == RevisionState.AUTHORISED


def test_bad_figures_are_explained_beside_the_field_and_nothing_is_lost(
    client, camden_return, la_workforce_lead
):
    client.force_login(la_workforce_lead)
    url = reverse("datasharing:edit", args=[camden_return.pk])
    bad = _form(
        **{
            line_name(JobType.TEAM_MANAGER, "agency_fte"): "nine",
            line_name(JobType.TEAM_MANAGER, "agency_headcount"): "-1",
            line_name(JobType.SOCIAL_WORKER, "inpost_headcount"): "4.5",
            rate_name(JobType.SOCIAL_WORKER, LTD, "rate_min"): "40.00",
        }
    )
    response = client.post(url, bad)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors[line_name(JobType.TEAM_MANAGER, "agency_fte")] == [
        "Agency workers (FTE) must be a number, like 4.5"
    ]
    assert "cannot be negative" in errors[line_name(JobType.TEAM_MANAGER, "agency_headcount")][0]
    assert "whole number" in errors[line_name(JobType.SOCIAL_WORKER, "inpost_headcount")][0]
    assert errors[rate_name(JobType.SOCIAL_WORKER, LTD, "rate_max")] == [
        "Enter all three rates, or none"
    ]
    assert response.context["form"][line_name(JobType.SOCIAL_WORKER, "agency_fte")].value() == "9.5"
    assert not camden_return.revisions.get().lines.exists()


def test_errors_block_submission_on_the_page(client, camden_return, la_workforce_lead):
    client.force_login(la_workforce_lead)
    client.post(
        reverse("datasharing:edit", args=[camden_return.pk]),
        _form(**{line_name(JobType.SOCIAL_WORKER, "agency_fte"): "11"}),
    )
    page = client.get(reverse("datasharing:detail", args=[camden_return.pk])).content.decode()
    assert "1 error to put right before you submit" in page
    assert "Submit for authorisation" not in page
    response = client.post(reverse("datasharing:submit", args=[camden_return.pk]))
    assert response.status_code == 200
    assert "each person is at most 1 FTE" in response.content.decode()
    assert camden_return.revisions.get().state == RevisionState.DRAFT


def test_the_regional_lead_tracks_the_region_and_reopens(
    client, period, camden_return, la_workforce_lead, dcs, regional_lead
):
    revision = camden_return.revisions.get()
    services.revision_save(
        revision=revision,
        lines={job: {n: Decimal(GOOD[n]) for n in LINE_FIELDS} for job in JobType.values},
        actor=la_workforce_lead,
    )
    statement_made(revision, la_workforce_lead)
    services.return_submit(revision=revision, actor=la_workforce_lead)
    client.force_login(regional_lead)
    page = client.get(reverse("datasharing:tracker", args=[period.pk])).content.decode()
    tracker = page[page.index('id="tracker"') :]
    london_las = local_authority("202").region.local_authorities.count()
    assert tracker.count('class="govuk-table__row"') == london_las + 1  # and the header
    counts = page[page.index('id="tracker-counts"') : page.index("</dl>")]
    assert f'<dd class="govuk-summary-list__value">{london_las - 1}</dd>' in counts
    assert "Submitted" in tracker
    assert camden_return.reference in tracker
    response = client.post(
        reverse("datasharing:reopen", args=[camden_return.pk]), {"reason": "Check the leavers"}
    )
    assert response.status_code == 302
    assert [r.state for r in camden_return.revisions.order_by("number")] == [
        RevisionState.SENT_BACK,
        RevisionState.DRAFT,
    ]


def test_a_reopen_needs_a_reason_beside_the_field(client, camden_return, la_workforce_lead, dcs):
    revision = camden_return.revisions.get()
    services.revision_save(
        revision=revision,
        lines={job: {n: Decimal(GOOD[n]) for n in LINE_FIELDS} for job in JobType.values},
        actor=la_workforce_lead,
    )
    statement_made(revision, la_workforce_lead)
    services.return_submit(revision=revision, actor=la_workforce_lead)
    client.force_login(dcs)
    response = client.post(reverse("datasharing:reopen", args=[camden_return.pk]), {"reason": ""})
    assert response.context["form"].errors["reason"] == ["Enter why the return is reopened"]


@pytest.mark.parametrize(
    ("person", "home", "detail", "tracker"),
    [
        ("la_workforce_lead", 200, 200, 403),
        ("dcs", 200, 200, 403),
        ("regional_lead", 200, 200, 200),
        ("london_admin", 200, 200, 200),
        ("msp_contact", 200, 200, 403),  # its MSP serves Camden
        ("observer", 403, 404, 403),
        ("north_east_lead", 200, 404, 404),
        ("newcastle_dcs", 200, 404, 404),
    ],
)
def test_permission_matrix(client, request, period, camden_return, person, home, detail, tracker):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("datasharing:home")).status_code == home
    assert client.get(reverse("datasharing:detail", args=[camden_return.pk])).status_code == detail
    assert client.get(reverse("datasharing:tracker", args=[period.pk])).status_code == tracker


def test_an_msp_serving_another_region_reaches_none_of_londons_returns(
    client, camden_return, reference_data
):
    contract = MSPContractFactory(local_authority=local_authority("391"))
    contact = person_with_role(Role.MSP_CONTACT, msp=contract.msp)
    client.force_login(contact)
    for name in ("detail", "edit", "submit"):
        assert (
            client.get(reverse(f"datasharing:{name}", args=[camden_return.pk])).status_code == 404
        )


def test_an_la_person_cannot_start_another_las_return(client, period, la_workforce_lead):
    client.force_login(la_workforce_lead)
    response = client.post(
        reverse("datasharing:start", args=[period.pk]), {"local_authority": "204"}
    )
    assert response.status_code == 404
    assert not DataReturn.objects.exists()


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_tracker_and_the_return_page_keep_a_fixed_query_count(
    client, period, camden_return, regional_lead, reference_data
):
    client.force_login(regional_lead)
    tracker = reverse("datasharing:tracker", args=[period.pk])
    detail = reverse("datasharing:detail", args=[camden_return.pk])
    client.get(reverse("datasharing:home"))  # the session's first request reads more
    few = (_queries(client, tracker), _queries(client, detail))
    for code in ("204", "205", "206", "207", "208"):
        la = local_authority(code)
        lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=la)
        services.return_start(period=period, local_authorities=[la], actor=lead)
    lead = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("202"))
    services.revision_save(
        revision=camden_return.revisions.get(),
        lines={job: {n: Decimal(GOOD[n]) for n in LINE_FIELDS} for job in JobType.values},
        actor=lead,
    )
    many = (_queries(client, tracker), _queries(client, detail))
    assert few == many


def test_the_returns_home_keeps_a_fixed_query_count(
    client, period, camden_return, la_workforce_lead, regional_lead, london_admin
):
    people = (la_workforce_lead, regional_lead)

    def counts():
        out = []
        for person in people:
            client.force_login(person)
            client.get(reverse("datasharing:home"))  # the session's first request reads more
            out.append(_queries(client, reverse("datasharing:home")))
        return out

    few = counts()
    for year, quarter in ((2025, 4), (2026, 1), (2026, 2)):
        earlier = services.period_create(
            region=period.region, year=year, quarter=quarter, actor=None
        )
        services.return_start(
            period=earlier, local_authorities=[local_authority("202")], actor=la_workforce_lead
        )
    many = counts()
    assert few == many
    client.force_login(la_workforce_lead)
    page = client.get(reverse("datasharing:home")).content.decode()
    assert page.count("Open LDN-") == 4


def test_a_drafts_and_a_submitted_returns_page_keep_a_fixed_count_within_15(
    client, period, camden_return, la_workforce_lead, dcs, regional_lead
):
    """The draft's page runs the checks (the previous quarter, the caps, cap exceptions); the
    submitted one lists what the portal holds (cap exceptions, breaches, their agencies)."""
    revision = camden_return.revisions.get()
    services.revision_save(
        revision=revision,
        lines={job: {n: Decimal(GOOD[n]) for n in LINE_FIELDS} for job in JobType.values},
        actor=la_workforce_lead,
    )
    detail = reverse("datasharing:detail", args=[camden_return.pk])
    logged_breach(
        local_authority("202"),
        reporter=regional_lead,
        occurred_on=datetime.date(2026, 7, 20),
        agencies=[AgencyFactory()],
    )
    client.force_login(la_workforce_lead)
    client.get(reverse("datasharing:home"))
    draft_few = _queries(client, detail)
    statement_made(revision, la_workforce_lead)
    services.return_submit(revision=revision, actor=la_workforce_lead)
    client.force_login(dcs)
    client.get(reverse("datasharing:home"))
    submitted_few = _queries(client, detail)

    for day in (3, 10, 17):
        logged_breach(
            local_authority("202"),
            reporter=regional_lead,
            occurred_on=datetime.date(2026, 8, day),
            agencies=[AgencyFactory()],
        )
    second = services.return_reopen(revision=revision, actor=dcs, reason="Leavers")
    services.explanation_save(revision=second, key="DR101:x", text="t", actor=la_workforce_lead)
    client.force_login(la_workforce_lead)
    client.get(reverse("datasharing:home"))
    draft_many = _queries(client, detail)
    statement_made(second, la_workforce_lead)
    services.return_submit(revision=second, actor=la_workforce_lead)
    client.force_login(dcs)
    client.get(reverse("datasharing:home"))
    submitted_many = _queries(client, detail)
    assert (draft_few, submitted_few) == (draft_many, submitted_many)
    assert max(draft_many, submitted_many) <= 15


def test_the_dcs_who_authorises_sees_the_queries_explained(
    client, camden_return, la_workforce_lead, dcs
):
    revision = camden_return.revisions.get()
    services.revision_save(
        revision=revision,
        lines={job: {n: Decimal(GOOD[n]) for n in LINE_FIELDS} for job in JobType.values},
        rates=[
            services.RateFigures(
                JobType.SOCIAL_WORKER, LTD, Decimal("40"), Decimal("44"), Decimal("48.50")
            )
        ],
        actor=la_workforce_lead,
    )
    [query] = services.revision_check(revision).queries
    services.explanation_save(
        revision=revision,
        key=query.key,
        text="Two workers under LDN-CX-00012",
        actor=la_workforce_lead,
    )
    statement_made(revision, la_workforce_lead)
    services.return_submit(revision=revision, actor=la_workforce_lead)
    client.force_login(dcs)
    page = client.get(reverse("datasharing:detail", args=[camden_return.pk])).content.decode()
    section = page[page.index('id="explanations"') :]
    assert "Two workers under LDN-CX-00012" in section
