"""The breach list serves a queue (issue 14, points 3 and 6): open breaches most urgent first,
one next deadline with overdue marked, the MSP filter as the MSP's people see breaches, GOV.UK
date filters, and a CSV with each party kind, the level, the rule and the rate."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from breaches.models import Breach, BreachState
from breaches.workflow import breach_act
from tests.factories import (
    AgencyFactory,
    ChainMembershipFactory,
    MSPContractFactory,
    local_authority,
    logged_breach,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def _set(breach, **fields):
    Breach.objects.filter(pk=breach.pk).update(**fields)


def _listed(client, **query) -> list[str]:
    response = client.get(reverse("breaches:list"), query)
    assert response.status_code == 200
    return [b.reference for b in response.context["table"].page]


def test_the_list_is_the_open_queue_most_urgent_first(client, london_mou, regional_lead):
    camden = local_authority("202")
    today = timezone.localdate()
    late_stage, soon, later, no_date, closed, awaiting, withdrawn = (
        logged_breach(camden, reporter=regional_lead) for _ in range(7)
    )
    _set(late_stage, state=BreachState.UNDER_REVIEW, due_on=today - datetime.timedelta(days=3))
    _set(soon, state=BreachState.UNDER_REVIEW, due_on=today + datetime.timedelta(days=2))
    _set(later, state=BreachState.UNDER_REVIEW, due_on=today + datetime.timedelta(days=9))
    _set(no_date, state=BreachState.UNDER_REVIEW, due_on=None)
    _set(closed, state=BreachState.CLOSED, due_on=None)
    _set(withdrawn, state=BreachState.WITHDRAWN, due_on=None)
    # Awaiting a reply: the reply's date counts (overdue), not the stage's (weeks away).
    _set(
        awaiting,
        state=BreachState.AWAITING_RESPONSE,
        due_on=today + datetime.timedelta(days=30),
        reply_due_on=today - datetime.timedelta(days=1),
    )
    client.force_login(regional_lead)
    assert _listed(client) == [
        late_stage.reference,  # overdue by 3 days
        awaiting.reference,  # its reply overdue by 1 day
        soon.reference,
        later.reference,
        no_date.reference,  # no deadline: last
    ]
    assert set(_listed(client, state="all")) == {
        b.reference for b in (late_stage, soon, later, no_date, closed, awaiting, withdrawn)
    }
    assert _listed(client, state="closed") == [closed.reference]
    html = client.get(reverse("breaches:list")).content.decode()
    assert html.count('<strong class="govuk-tag govuk-tag--red">Overdue</strong>') == 2
    # Sorting by the next deadline keeps breaches without one last, both ways round.
    assert _listed(client, sort="deadline")[-1] == no_date.reference
    assert _listed(client, sort="-deadline")[-1] == no_date.reference
    assert _listed(client, sort="-deadline")[0] == later.reference


def test_the_msp_filter_finds_the_breaches_the_msp_answers_for(client, london_mou, regional_lead):
    camden = local_authority("202")
    msp = MSPContractFactory(local_authority=camden).msp
    in_chain = AgencyFactory()
    ChainMembershipFactory(msp=msp, agency=in_chain)
    against_msp = logged_breach(camden, reporter=regional_lead, msps=[msp])
    against_agency = logged_breach(camden, reporter=regional_lead, agencies=[in_chain])
    logged_breach(camden, reporter=regional_lead, agencies=[AgencyFactory()])  # another chain
    client.force_login(regional_lead)
    assert set(_listed(client, msp=msp.name)) == {against_msp.reference, against_agency.reference}


def test_the_date_filters_are_govuk_date_inputs_and_explain_a_wrong_date(
    client, london_mou, regional_lead
):
    camden = local_authority("202")
    march = logged_breach(camden, reporter=regional_lead, occurred_on=D(2026, 3, 2))
    logged_breach(camden, reporter=regional_lead, occurred_on=D(2026, 1, 5))
    client.force_login(regional_lead)
    html = client.get(reverse("breaches:list")).content.decode()
    assert 'name="occurred_from_day"' in html
    assert "YYYY-MM-DD" not in html
    query = {"occurred_from_day": "1", "occurred_from_month": "3", "occurred_from_year": "2026"}
    assert _listed(client, **query) == [march.reference]
    response = client.get(reverse("breaches:list"), query | {"occurred_from_month": "13"})
    assert response.status_code == 200
    assert "must be a real date" in " ".join(
        response.context["filter"].form.errors["occurred_from"]
    )


def test_the_csv_has_each_party_kind_the_level_the_rule_and_the_rate(
    client, london_mou, regional_lead
):
    camden = local_authority("202")
    msp = MSPContractFactory(local_authority=camden).msp
    agency = AgencyFactory(name="Rate Agency Ltd")
    breach = logged_breach(
        camden,
        reporter=regional_lead,
        breach_type="rate_above_cap",
        agencies=[agency],
        msps=[msp],
        rate_paid=Decimal("44.50"),
        job_type="social_worker",
        engagement_type="paye",
    )
    breach_act(breach=breach, action="accept", actor=regional_lead, note="")
    client.force_login(regional_lead)
    content = client.get(reverse("breaches:export")).content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))
    assert len(rows) == 1
    row = rows[0]
    assert row["Reference"] == breach.reference
    assert row["Rule"] == "Price caps"
    assert (row["Local authorities"], row["Agencies"], row["MSPs"]) == (
        "Camden",
        "Rate Agency Ltd",
        msp.name,
    )
    assert row["Level"] == "1: Regional workforce group"
    assert (
        row["Rate paid (£ an hour)"],
        row["Cap (£ an hour)"],
        row["Over the cap (£ an hour)"],
    ) == (
        "44.50",
        "38.00",
        "6.50",
    )
    breach.refresh_from_db()
    assert row["Next deadline"] == breach.next_deadline.isoformat()
    assert row["Overdue"] == "No"
