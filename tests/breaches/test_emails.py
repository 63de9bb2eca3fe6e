"""Emails read like a service: one message a recipient, the question asked and the reply date in
a "reply needed" email, plain subjects, links from PORTAL_BASE_URL (issue 14, point 5)."""

import datetime
import shutil
import subprocess  # nosec B404: runs `make -n`, a fixed command

import pytest
from django.core import mail
from django.urls import reverse

from breaches.workflow import breach_act
from tests.factories import local_authority, logged_breach, mou_version

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def breach(reference_data, regional_lead):
    mou_version("LDN")
    return logged_breach(local_authority("202"), reporter=regional_lead)


def test_each_recipient_gets_a_message_of_their_own_with_the_question_and_the_date(
    breach,
    regional_lead,
    dcs,
    la_workforce_lead,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.PORTAL_BASE_URL = "https://portal.example.gov.uk/"
    breach_act(breach=breach, action="accept", actor=regional_lead, note="", today=D(2027, 1, 4))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        breach_act(
            breach=breach,
            action="request_reply",
            actor=regional_lead,
            party=breach.parties.get(),
            note="Why was one week's notice given?",
            reply_due_on=D(2027, 1, 18),
            today=D(2027, 1, 4),
        )
    assert [len(m.to) for m in mail.outbox] == [1] * len(mail.outbox)
    told = sorted(m.to[0] for m in mail.outbox)
    assert told == sorted({regional_lead.email, dcs.email, la_workforce_lead.email})
    for message in mail.outbox:
        assert message.cc == [] and message.bcc == []  # noqa: PT018 (one message, three lists)
        assert message.subject == f"Breach {breach.reference}: a reply is needed by 18 January 2027"
        assert "Why was one week's notice given?" in message.body
        assert "Reply by: 18 January 2027" in message.body
        assert f"https://portal.example.gov.uk/breaches/{breach.reference}/" in message.body
        html = message.alternatives[0][0]
        assert "Why was one week&#x27;s notice given?" in html


def test_an_escalation_subject_names_the_level_and_links_ignore_the_host_header(
    client, breach, regional_lead, dcs, settings, django_capture_on_commit_callbacks
):
    settings.PORTAL_BASE_URL = "https://portal.example.gov.uk"
    settings.ALLOWED_HOSTS = ["evil.example", "testserver"]
    breach_act(breach=breach, action="accept", actor=regional_lead, note="")
    client.force_login(regional_lead)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("breaches:action", args=[breach.reference, "escalate"]),
            {"version": breach.version + 1, "note": "No reply in time"},
            HTTP_HOST="evil.example",
        )
    assert mail.outbox, "an escalation is emailed"
    subjects = {m.subject for m in mail.outbox}
    assert subjects == {
        f"Breach {breach.reference} escalated to level 2: DCS of the local authority concerned"
    }
    bodies = " ".join(m.body for m in mail.outbox)
    assert "evil.example" not in bodies
    assert "https://portal.example.gov.uk/breaches/" in bodies


def test_make_run_on_another_port_links_emails_there():
    make = shutil.which("make")
    assert make, "make is one of the portal's two commands"
    dry_run = subprocess.run(  # noqa: S603  # nosec B603: a fixed command, no shell
        [make, "-n", "run", "PORT=8123"], capture_output=True, text=True, check=True
    ).stdout
    assert "PORTAL_BASE_URL=http://127.0.0.1:8123" in dry_run
    assert "runserver 127.0.0.1:8123" in dry_run
