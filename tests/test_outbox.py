"""The email outbox (issue 21): every email a row in the change's transaction, delivered after
commit and marked sent, never sent twice; a rolled-back change sends nothing; a failed delivery
waits and is retried with backoff by `send_outbox`; each row names the request that caused it."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command
from django.db import transaction

from kernel import outbox
from kernel.models import OutboxEmail

pytestmark = pytest.mark.django_db
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _outbox(settings):
    settings.EMAIL_BACKEND = "kernel.outbox.OutboxBackend"
    settings.OUTBOX_DELIVERY_BACKEND = LOCMEM


class Failing:
    """A mail service that is down."""

    def __init__(self, *args, **kwargs) -> None:
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError


def _email(to=("a@example.org", "b@example.org")) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives("Subject", "Body", to=list(to), reply_to=["lead@example.org"])
    message.attach_alternative("<p>Body</p>", "text/html")
    return message


def test_each_address_is_a_row_delivered_after_commit_and_sent_once(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        _email().send()
        assert OutboxEmail.objects.count() == 2
        assert mail.outbox == []  # nothing leaves before the change commits
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    assert mail.outbox[0].reply_to == ["lead@example.org"]
    assert mail.outbox[0].alternatives[0].content == "<p>Body</p>"
    assert not OutboxEmail.objects.filter(sent_at__isnull=True).exists()
    assert outbox.deliver() == 0
    assert outbox.deliver(OutboxEmail.objects.values_list("pk", flat=True)) == 0
    assert len(mail.outbox) == 2  # never again


def test_a_change_that_rolls_back_sends_nothing(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                _email().send()
                raise RuntimeError
        except RuntimeError:
            pass
    assert OutboxEmail.objects.count() == 0
    assert mail.outbox == []


def test_a_failed_delivery_waits_and_is_retried_with_backoff(
    settings, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(datetime.datetime(2026, 10, 5, 9, tzinfo=datetime.UTC), tick=False)
    settings.OUTBOX_DELIVERY_BACKEND = "tests.test_outbox.Failing"
    with django_capture_on_commit_callbacks(execute=True):
        _email(to=["a@example.org"]).send()
    row = OutboxEmail.objects.get()
    assert (row.sent_at, row.attempts, row.last_error) == (None, 1, "ConnectionRefusedError")
    assert row.next_try_at == datetime.datetime(2026, 10, 5, 9, 1, tzinfo=datetime.UTC)
    assert outbox.deliver() == 0  # not due yet
    time_machine.move_to(datetime.datetime(2026, 10, 5, 9, 1, tzinfo=datetime.UTC), tick=False)
    outbox.deliver()  # still down: the next try is 2 minutes on
    row.refresh_from_db()
    assert (row.attempts, row.next_try_at.minute) == (2, 3)
    settings.OUTBOX_DELIVERY_BACKEND = LOCMEM  # the service is back
    time_machine.move_to(datetime.datetime(2026, 10, 5, 9, 3, tzinfo=datetime.UTC), tick=False)
    out = StringIO()
    call_command("send_outbox", stdout=out)
    assert "1 emails sent" in out.getvalue()
    assert [m.to for m in mail.outbox] == [["a@example.org"]]


def test_a_claimed_row_is_not_sent_by_a_second_sender(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        _email(to=["a@example.org"]).send()
    row = OutboxEmail.objects.get()
    assert outbox._claim(row.pk, row.created_at)  # the first sender
    assert outbox.deliver([row.pk]) == 0  # the second finds it taken
    assert mail.outbox == []


def test_each_row_names_the_request_that_caused_it(client, regional_lead):
    from accounts.models import User

    client.force_login(regional_lead)
    response = client.post("/password-reset/", {"email": regional_lead.email})
    assert response.status_code == 302
    row = OutboxEmail.objects.get()
    assert row.to == User.objects.get(pk=regional_lead.pk).email
    assert row.request_id == response["X-Request-ID"]


def test_an_invitation_is_a_row_inside_the_change_and_gone_if_it_rolls_back(
    london_admin, camden, django_capture_on_commit_callbacks
):
    from accounts.models import Membership
    from accounts.roles import Role
    from accounts.services import person_invite

    def invite(email: str) -> None:
        person_invite(
            email=email,
            name="New Person",
            membership=Membership(role=Role.DCS, local_authority=camden),
            actor=london_admin,
        )

    @transaction.atomic
    def invite_then_fail(email: str) -> None:
        invite(email)
        raise RuntimeError("the change fails after the invitation was written")

    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            invite("kept@example.org")
            assert OutboxEmail.objects.filter(to="kept@example.org").exists()  # before commit
        with pytest.raises(RuntimeError):
            invite_then_fail("dropped@example.org")
    assert list(OutboxEmail.objects.values_list("to", flat=True)) == ["kept@example.org"]
    assert [m.to for m in mail.outbox] == [["kept@example.org"]]


def test_no_service_sends_email_after_commit_outside_the_outbox():
    """Emails are written inside the change's transaction: an app that sent from on_commit
    would lose the email if the process stopped just after the commit."""
    import pathlib

    root = pathlib.Path(__file__).resolve().parent.parent
    allowed = {"kernel/outbox.py", "accounts/scope.py", "dashboards/cache.py"}  # not emails
    apps = "kernel accounts mou msp cap_exceptions breaches datasharing dashboards governance"
    found = [
        str(path.relative_to(root))
        for app in [*apps.split(), "governance_portal"]
        for path in (root / app).rglob("*.py")
        if "on_commit(" in path.read_text() and str(path.relative_to(root)) not in allowed
    ]
    assert found == []
