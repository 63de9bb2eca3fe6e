"""Reminders about data returns: 5 working days before the due date, on it and once when late,
to the LA's people for a return not yet authorised; one summary to the region's leads; safe to
run twice."""

import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from datasharing import services
from datasharing.models import LINE_FIELDS, ReminderKind, ReturnReminder
from datasharing.reminders import kind_on
from mou.models import JobType
from tests.factories import local_authority, statement_made

pytestmark = pytest.mark.django_db
D = datetime.date


def _on(time_machine, day):
    time_machine.move_to(
        datetime.datetime.combine(day, datetime.time(7), ZoneInfo("Europe/London")), tick=False
    )


@pytest.fixture
def period(london, time_machine):
    _on(time_machine, D(2026, 10, 1))
    return services.period_create(region=london, year=2026, quarter=3, actor=None)  # due 29 Oct


def _run(time_machine, day, *args) -> str:
    _on(time_machine, day)
    out = StringIO()
    call_command("remind_data_returns", "--as-of", day.isoformat(), *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("day", "kind"),
    [
        (D(2026, 10, 21), None),
        (D(2026, 10, 22), ReminderKind.DUE_SOON),  # 5 working days before
        (D(2026, 10, 28), ReminderKind.DUE_SOON),
        (D(2026, 10, 29), ReminderKind.DUE_TODAY),
        (D(2026, 10, 30), ReminderKind.LATE),
        (D(2026, 12, 1), ReminderKind.LATE),
    ],
)
def test_which_reminder_a_day_calls_for(period, day, kind):
    assert kind_on(period, day) == kind


def test_due_soon_reaches_the_las_people_and_one_summary_the_regions_leads(
    period,
    la_workforce_lead,
    dcs,
    regional_lead,
    newcastle_dcs,
    time_machine,
    django_capture_on_commit_callbacks,
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        out = _run(time_machine, D(2026, 10, 22))
    london = local_authority("202").region.local_authorities.count()
    assert f"{london} reminders and 1 summaries sent" in out
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == sorted([la_workforce_lead.email, dcs.email, regional_lead.email])
    camden = next(m for m in mail.outbox if m.to == [dcs.email])
    assert camden.subject == "Data return for July to September 2026 due on 29 October 2026"
    assert (
        "Camden's data return for July to September 2026 is due on 29 October 2026" in camden.body
    )
    summary = next(m for m in mail.outbox if m.to == [regional_lead.email])
    assert f"{london} of London's local authorities" in summary.body
    assert "Camden: not started" in summary.body


def test_running_twice_sends_nothing_twice(
    period, la_workforce_lead, regional_lead, time_machine, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _run(time_machine, D(2026, 10, 22))
    sent = len(mail.outbox)
    assert sent == 2  # Camden's workforce lead, and the summary to London's lead
    count = ReturnReminder.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        out = _run(time_machine, D(2026, 10, 23))  # still "due soon": already sent
    assert "0 reminders and 0 summaries sent" in out
    assert (len(mail.outbox), ReturnReminder.objects.count()) == (sent, count)


def test_an_authorised_return_is_not_reminded(
    period, la_workforce_lead, dcs, regional_lead, time_machine, django_capture_on_commit_callbacks
):
    _on(time_machine, D(2026, 10, 20))
    revision = services.return_start(
        period=period, local_authorities=[local_authority("202")], actor=la_workforce_lead
    ).revisions.get()
    services.revision_save(
        revision=revision,
        lines={job: dict.fromkeys(LINE_FIELDS, Decimal(0)) for job in JobType.values},
        actor=la_workforce_lead,
    )
    statement_made(revision, la_workforce_lead)
    services.return_submit(revision=revision, actor=la_workforce_lead)
    services.return_authorise(revision=revision, actor=dcs)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _run(time_machine, D(2026, 10, 29))
    assert [m.to for m in mail.outbox] == [[regional_lead.email]]  # only the summary
    assert "Camden" not in mail.outbox[0].body


def test_late_is_sent_once(period, dcs, time_machine, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _run(time_machine, D(2026, 10, 30))
        _run(time_machine, D(2026, 11, 2))
    late = [m for m in mail.outbox if m.to == [dcs.email]]
    assert len(late) == 1
    assert "was due on 29 October 2026 and is late" in late[0].body


def test_a_dry_run_sends_nothing_and_may_look_ahead(period, dcs, time_machine):
    _on(time_machine, D(2026, 10, 2))
    out = StringIO()
    call_command("remind_data_returns", "--as-of", "2026-10-29", "--dry-run", stdout=out)
    assert "Would remind LDN 2026-Q3 Camden: due today" in out.getvalue()
    assert not ReturnReminder.objects.exists()
    assert mail.outbox == []
    with pytest.raises(CommandError, match="after today"):
        call_command("remind_data_returns", "--as-of", "2026-10-29", stdout=StringIO())
