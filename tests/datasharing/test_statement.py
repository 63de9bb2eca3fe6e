"""The national return's statement: compliance with each rule (what happened where the LA did
not comply), the LA's confirmation of what the portal holds for the quarter, the agencies it
adds. Its layout is configuration; a revision keeps the layout it was answered in."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.checks import run_checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.roles import Role
from datasharing import national_return, services
from datasharing.models import LINE_FIELDS, RevisionState
from datasharing.national_return import Layout, Question, current_layout
from mou.models import JobType
from tests.factories import local_authority, person_with_role, statement_made

pytestmark = pytest.mark.django_db
QUESTIONS = [q.key for q in current_layout().questions]


@pytest.fixture(autouse=True)
def _today(time_machine):
    time_machine.move_to(
        datetime.datetime(2026, 10, 10, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    )


@pytest.fixture
def draft(london, la_workforce_lead):
    period = services.period_create(region=london, year=2026, quarter=3, actor=None)
    revision = services.return_start(
        period=period, local_authorities=[local_authority("202")], actor=la_workforce_lead
    ).revisions.get()
    return services.revision_save(
        revision=revision,
        lines={job: dict.fromkeys(LINE_FIELDS, Decimal(0)) for job in JobType.values},
        actor=la_workforce_lead,
    )


def _url(draft):
    return reverse("datasharing:statement", args=[draft.data_return_id])


def _post(**overrides):
    return dict.fromkeys(QUESTIONS, "complied") | {"holdings_confirmed": "on"} | overrides


def test_the_layout_asks_about_each_national_rule():
    assert QUESTIONS == [
        "price_caps",
        "min_pqe_years",
        "references_required",
        "non_engagement_months",
        "notice_weeks",
        "project_team_controls",
    ]


def test_submission_needs_every_question_answered_and_the_holdings_confirmed(
    draft, la_workforce_lead
):
    with pytest.raises(ValidationError) as error:
        services.return_submit(revision=draft, actor=la_workforce_lead)
    text = " ".join(error.value.messages)
    assert "Price caps: Say whether the local authority complied" in text
    assert "Project teams: Say whether" in text
    assert "Confirm the cap exceptions and breaches" in text
    services.statement_save(
        revision=draft,
        answers=dict.fromkeys(QUESTIONS, ("complied", "")),
        holdings_confirmed=False,
        actor=la_workforce_lead,
    )
    codes = {f.code for f in services.revision_check(draft).errors}
    assert codes == {"DR011"}
    statement_made(draft, la_workforce_lead)
    assert services.return_submit(revision=draft, actor=la_workforce_lead).state == "submitted"


def test_a_rule_not_complied_with_says_what_happened(draft, la_workforce_lead):
    with pytest.raises(ValidationError) as error:
        statement_made(draft, la_workforce_lead, notice_weeks=("not_complied", "  "))
    assert error.value.message_dict == {
        "notice_weeks_explanation": [
            "Say what happened where the local authority did not comply, and what it is doing "
            "about it"
        ]
    }
    assert not draft.compliance_answers.exists()  # nothing saved
    statement_made(
        draft, la_workforce_lead, notice_weeks=("not_complied", "Two legacy contracts: 1 week")
    )
    answer = draft.compliance_answers.get(question="notice_weeks")
    assert (answer.answer, answer.explanation) == ("not_complied", "Two legacy contracts: 1 week")
    # What is typed under an answer that needs none is not kept.
    statement_made(draft, la_workforce_lead, notice_weeks=("complied", "typed, then changed"))
    assert draft.compliance_answers.get(question="notice_weeks").explanation == ""


def test_the_holdings_confirmation_records_who_and_when_and_unticking_clears_it(
    draft, la_workforce_lead
):
    statement_made(draft, la_workforce_lead)
    draft.refresh_from_db()
    assert draft.holdings_confirmed_by == la_workforce_lead
    assert draft.holdings_confirmed_at is not None
    assert draft.statement_layout == "2024-10"
    services.statement_save(
        revision=draft,
        answers=dict.fromkeys(QUESTIONS, ("complied", "")),
        holdings_confirmed=False,
        actor=la_workforce_lead,
    )
    draft.refresh_from_db()
    assert (draft.holdings_confirmed_by, draft.holdings_confirmed_at) == (None, None)


def test_only_those_who_submit_make_the_statement(
    draft, la_workforce_lead, msp_contact, dcs, regional_lead
):
    for person in (msp_contact, dcs, regional_lead):
        with pytest.raises(PermissionDenied):
            statement_made(draft, person)


@pytest.mark.parametrize(
    ("person", "status"),
    [
        ("la_workforce_lead", 200),
        ("msp_contact", 403),  # prepares figures, never confirms the LA's records
        ("dcs", 403),
        ("regional_lead", 403),
        ("north_east_lead", 404),
        ("newcastle_dcs", 404),
    ],
)
def test_the_statement_page_answers_by_role_and_scope(request, client, draft, person, status):
    client.force_login(request.getfixturevalue(person))
    assert client.get(_url(draft)).status_code == status
    response = client.post(_url(draft), _post())
    assert response.status_code == (302 if status == 200 else status)
    assert draft.compliance_answers.exists() is (status == 200)


def test_another_las_lead_never_reaches_the_statement(client, draft, camden):
    islington = person_with_role(Role.LA_WORKFORCE_LEAD, local_authority=local_authority("206"))
    client.force_login(islington)
    assert client.get(_url(draft)).status_code == 404


def test_bad_answers_are_explained_beside_the_field_and_lose_nothing(
    client, draft, la_workforce_lead
):
    statement_made(draft, la_workforce_lead, references_required=("not_complied", "One missing"))
    client.force_login(la_workforce_lead)
    missing = dict(_post(notice_weeks="not_complied"))
    del missing["price_caps"]
    response = client.post(_url(draft), missing)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["price_caps"] == ["Say whether you complied: price caps"]
    assert errors["notice_weeks_explanation"] == [
        "Say what happened where the local authority did not comply, and what it is doing about it"
    ]
    page = response.content.decode()
    assert 'href="#id_price_caps_0"' in page  # the error summary links to the field
    assert draft.compliance_answers.get(question="references_required").explanation == (
        "One missing"
    )  # what was saved before is kept
    response = client.post(
        _url(draft), _post(notice_weeks="not_complied", notice_weeks_explanation="Legacy")
    )
    assert response.status_code == 302
    assert draft.compliance_answers.get(question="notice_weeks").explanation == "Legacy"


def test_the_return_page_shows_the_statement(client, draft, la_workforce_lead):
    statement_made(
        draft,
        la_workforce_lead,
        min_pqe_years=("not_complied", "One worker with 2 years' PQE, ended"),
    )
    draft.refresh_from_db()
    draft.other_agencies = "Northgate Locums: offered workers above the cap"
    draft.save()
    client.force_login(la_workforce_lead)
    page = client.get(reverse("datasharing:detail", args=[draft.data_return_id])).content.decode()
    section = page[page.index('id="statement"') :]
    assert "Post-qualification experience" in section
    assert "No, not in every engagement" in section
    assert "One worker with 2 years&#x27; PQE, ended" in section
    assert f"Checked by {la_workforce_lead}" in section
    assert "Northgate Locums" in section


def test_reopening_keeps_the_answers_and_asks_to_confirm_the_holdings_again(
    draft, la_workforce_lead, dcs
):
    statement_made(draft, la_workforce_lead, notice_weeks=("not_complied", "Legacy"))
    services.return_submit(revision=draft, actor=la_workforce_lead)
    services.return_authorise(revision=draft, actor=dcs)
    second = services.return_reopen(revision=draft, actor=dcs, reason="Leavers were wrong")
    assert {a.question: a.answer for a in second.compliance_answers.all()} == {
        key: "not_complied" if key == "notice_weeks" else "complied" for key in QUESTIONS
    }
    assert second.holdings_confirmed_at is None
    assert {f.code for f in services.revision_check(second).errors} == {"DR011"}
    assert draft.compliance_answers.count() == len(QUESTIONS)  # the earlier one stays readable


def test_a_new_layout_applies_to_new_statements_and_earlier_ones_keep_theirs(
    client, draft, la_workforce_lead, settings, monkeypatch
):
    draft = statement_made(draft, la_workforce_lead)
    confirmed = Layout(
        version="2027-01",
        title="Compliance (DfE operational guidance)",
        source="DfE",
        questions=(Question("price_caps", "Price caps", "Did you keep to the caps?", ""),),
    )
    monkeypatch.setitem(national_return.LAYOUTS, "2027-01", confirmed)
    settings.DATA_RETURN_STATEMENT_LAYOUT = "2027-01"
    # The earlier statement still reads in the layout it was answered in.
    assert [key for key, _ in services.statement_of(draft).questions] == QUESTIONS
    client.force_login(la_workforce_lead)
    page = client.get(_url(draft)).content.decode()
    assert "Did you keep to the caps?" in page
    assert "Did the local authority comply with the notice periods rule" not in page
    assert client.post(_url(draft), {"price_caps": "complied"}).status_code == 302
    draft.refresh_from_db()
    assert draft.statement_layout == "2027-01"
    assert [a.question for a in draft.compliance_answers.all()] == ["price_caps"]


def test_an_unknown_layout_setting_fails_the_system_checks(settings):
    assert not [m for m in run_checks() if m.id == "datasharing.E001"]
    settings.DATA_RETURN_STATEMENT_LAYOUT = "2099-01"
    [message] = [m for m in run_checks() if m.id == "datasharing.E001"]
    assert "2099-01" in message.msg


def test_an_uploaded_files_preview_is_not_blocked_by_the_statement(draft):
    lines = {job: dict.fromkeys(LINE_FIELDS, Decimal(0)) for job in JobType.values}
    figures = services.figures_of(draft, lines=lines, rates={})
    assert figures.statement is None


def test_a_submitted_statement_cannot_change(draft, la_workforce_lead, client):
    statement_made(draft, la_workforce_lead)
    assert services.return_submit(revision=draft, actor=la_workforce_lead).state == (
        RevisionState.SUBMITTED
    )
    with pytest.raises(ValidationError, match="only a draft can change"):
        statement_made(draft, la_workforce_lead)
    client.force_login(la_workforce_lead)
    assert client.get(_url(draft)).status_code == 302
