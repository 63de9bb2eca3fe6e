"""Candidate breaches from returns: proposed when a return is authorised (a rate above the cap,
workers above the cap no approved exception covers) and for returns not authorised by the
period's close; made once however often returns are re-authorised or the command runs; the
region's leads confirm one (a breach logged, linked back) or dismiss it with a reason."""

import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from breaches.models import Breach, BreachType
from cap_exceptions import services as exception_services
from datasharing import candidates, services
from datasharing.models import LINE_FIELDS, CandidateBreach, CandidateKind, CandidateState
from mou import services as mou_services
from mou.models import EngagementType, JobType, PriceCap
from tests.factories import (
    authorised_return,
    cap_exception,
    local_authority,
    mou_version,
    statement_made,
)

pytestmark = pytest.mark.django_db
LTD = EngagementType.LIMITED_COMPANY_UMBRELLA
LONDON = ZoneInfo("Europe/London")


def _on(time_machine, day):
    time_machine.move_to(datetime.datetime.combine(day, datetime.time(10), LONDON), tick=False)


@pytest.fixture
def period(london, time_machine):
    _on(time_machine, datetime.date(2026, 10, 10))
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


def test_a_rate_above_the_cap_proposes_one_candidate_however_often_reauthorised(period, dcs):
    authorised_return(period, "202", 10, 40, rate_max="48.50")
    [candidate] = CandidateBreach.objects.all()
    assert (candidate.kind, candidate.job_type, candidate.engagement_type) == (
        CandidateKind.RATE_ABOVE_CAP,
        JobType.SOCIAL_WORKER,
        LTD,
    )
    assert (candidate.rate, candidate.cap) == (Decimal("48.50"), Decimal("45.00"))
    assert candidate.occurred_on == datetime.date(2026, 9, 30)  # the quarter's last day
    assert candidate.local_authority == local_authority("202")
    revision = candidate.data_return.revisions.get()
    second = services.return_reopen(revision=revision, actor=dcs, reason="Check the rates")
    lead = candidate.data_return.created_by
    statement_made(second, lead)
    services.return_submit(revision=second, actor=lead)
    services.return_authorise(revision=second, actor=dcs)
    assert CandidateBreach.objects.count() == 1


def test_a_rate_within_the_cap_proposes_nothing(period):
    authorised_return(period, "202", 10, 40, rate_max="45.00")
    assert not CandidateBreach.objects.exists()


def test_workers_above_the_cap_beyond_approved_exceptions_propose_one(
    period, la_workforce_lead, dcs, time_machine
):
    _on(time_machine, datetime.date(2026, 8, 3))
    exception = cap_exception(
        local_authority("202"),
        requested_by=la_workforce_lead,
        starts=datetime.date(2026, 8, 10),
        expires=datetime.date(2026, 12, 10),
    )
    exception_services.exception_approve(exception=exception, actor=dcs)  # one approved
    _on(time_machine, datetime.date(2026, 10, 10))
    revision = services.return_start(
        period=period, local_authorities=[local_authority("202")], actor=la_workforce_lead
    ).revisions.get()
    lines = {job: dict.fromkeys(LINE_FIELDS, Decimal(0)) for job in JobType.values}
    lines[JobType.SOCIAL_WORKER] |= {
        "agency_headcount": Decimal(10),
        "agency_fte": Decimal(10),
        "above_cap_workers": Decimal(3),
        "above_cap_under_exception": Decimal(1),
    }
    services.revision_save(revision=revision, lines=lines, actor=la_workforce_lead)
    statement_made(revision, la_workforce_lead)
    for query in services.revision_check(revision).unexplained:
        services.explanation_save(
            revision=revision, key=query.key, text="x", actor=la_workforce_lead
        )
    services.return_submit(revision=revision, actor=la_workforce_lead)
    services.return_authorise(revision=revision, actor=dcs)
    [candidate] = CandidateBreach.objects.all()
    assert (candidate.kind, candidate.workers) == (CandidateKind.UNCOVERED_ABOVE_CAP, 2)
    assert "2 workers above the cap not covered" in candidate.summary


def test_returns_not_authorised_by_the_close_propose_late_candidates_once(period, time_machine):
    authorised_return(period, "202", 10, 40)  # in time
    _on(time_machine, period.closes_on + datetime.timedelta(days=2))
    authorised_return(period, "204", 10, 40)  # after the close
    _on(time_machine, period.closes_on + datetime.timedelta(days=3))
    out = StringIO()
    call_command("propose_late_returns", "--dry-run", stdout=out)
    london = local_authority("202").region.local_authorities.count()
    assert f"Would propose {london - 1} candidate breaches" in out.getvalue()
    assert not CandidateBreach.objects.exists()
    call_command("propose_late_returns", stdout=StringIO())
    late = CandidateBreach.objects.filter(kind=CandidateKind.RETURN_LATE)
    assert late.count() == london - 1
    assert not late.filter(local_authority__la_code="202").exists()
    assert late.get(local_authority__la_code="204").data_return is not None
    out = StringIO()
    call_command("propose_late_returns", stdout=out)  # a second run
    assert "Proposed 0 candidate breaches" in out.getvalue()
    assert late.count() == london - 1


def test_nothing_is_proposed_before_the_period_closes(period):
    assert candidates.propose_late(period.closes_on) == []


def test_the_lead_confirms_a_candidate_as_a_breach_linked_back_to_the_return(
    client, period, regional_lead
):
    authorised_return(period, "202", 10, 40, rate_max="48.50")
    candidate = CandidateBreach.objects.get()
    client.force_login(regional_lead)
    tracker = client.get(reverse("datasharing:tracker", args=[period.pk])).content.decode()
    assert "Confirm as a breach" in tracker
    url = reverse("datasharing:candidate_confirm", args=[candidate.pk])
    form = client.get(url).context["form"]
    assert form.initial["breach_type"] == BreachType.RATE_ABOVE_CAP
    assert form.initial["rate_paid"] == Decimal("48.50")
    data = {
        "breach_type": BreachType.RATE_ABOVE_CAP,
        "occurred_on_day": "30",
        "occurred_on_month": "9",
        "occurred_on_year": "2026",
        "local_authority": str(candidate.local_authority_id),
        "description": form.initial["description"],
        "rate_paid": "48.50",
        "job_type": JobType.SOCIAL_WORKER,
        "engagement_type": LTD,
    }
    response = client.post(url, data)
    breach = Breach.objects.get()
    assert response.url == breach.get_absolute_url()
    candidate.refresh_from_db()
    assert (candidate.state, candidate.breach) == (CandidateState.CONFIRMED, breach)
    page = client.get(
        reverse("datasharing:detail", args=[candidate.data_return_id])
    ).content.decode()
    assert f'Confirmed: <a class="govuk-link" href="{breach.get_absolute_url()}">' in page
    assert client.get(url).status_code == 403  # decided


def test_the_lead_dismisses_one_with_a_reason_shown_on_the_return(
    client, period, regional_lead, dcs
):
    authorised_return(period, "202", 10, 40, rate_max="48.50")
    candidate = CandidateBreach.objects.get()
    url = reverse("datasharing:candidate_dismiss", args=[candidate.pk])
    client.force_login(dcs)
    assert client.get(url).status_code == 403  # the region's leads decide
    client.force_login(regional_lead)
    response = client.post(url, {"reason": ""})
    assert response.context["form"].errors["reason"] == ["Enter why it is not a breach"]
    assert client.post(url, {"reason": "Covered by LDN-CX-0004"}).status_code == 302
    client.force_login(dcs)
    page = client.get(
        reverse("datasharing:detail", args=[candidate.data_return_id])
    ).content.decode()
    assert "Dismissed: Covered by LDN-CX-0004" in page
    assert "Confirm as a breach" not in page


def test_another_regions_lead_never_reaches_londons_candidates(client, period, north_east_lead):
    authorised_return(period, "202", 10, 40, rate_max="48.50")
    candidate = CandidateBreach.objects.get()
    client.force_login(north_east_lead)
    for name in ("datasharing:candidate_confirm", "datasharing:candidate_dismiss"):
        assert client.get(reverse(name, args=[candidate.pk])).status_code == 404
