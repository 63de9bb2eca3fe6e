"""Background work on Celery (issue 21): the outbox's emails queued to a worker when the change
commits (in the process when no broker is configured), nothing lost when the broker is down,
the scheduled commands run by one beat, the readiness check naming the broker, and each task's
log line naming the request that queued it.

The tests against a real broker use Redis with their own key prefix and queue; CI starts Redis
(.ci/run), elsewhere they are skipped."""

import json
import logging
import time
import uuid
from io import StringIO

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.mail import send_mail
from django.core.management import call_command, get_commands
from django.urls import reverse

from accounts.models import User
from governance_portal.celery import SCHEDULE, app
from governance_portal.tasks import run_scheduled
from kernel import outbox
from kernel.logs import JsonFormatter, request_id
from kernel.models import OutboxEmail
from tests.test_shared_cache import REDIS_TEST_URL, UNREACHABLE, needs_redis


@pytest.fixture
def broker():
    """Point the Celery app at a broker for one test (tasks queued, not run in the process),
    under a key prefix of the test's own, whose keys are deleted after; then put it back."""
    keys = ("task_always_eager", "broker_url", "broker_transport_options")
    saved = {key: app.conf[key] for key in keys}
    used: list[tuple[str, str]] = []

    def use(url: str) -> None:
        prefix = f"test-{uuid.uuid4().hex}:"
        app.conf.update(
            task_always_eager=False,
            broker_url=url,
            broker_transport_options={
                **saved["broker_transport_options"],
                "global_keyprefix": prefix,
            },
        )
        app._pool = None  # connections are made again for the new broker
        app.amqp._producer_pool = None
        used.append((url, prefix))

    yield use
    app.conf.update(**saved)
    app._pool = None
    app.amqp._producer_pool = None
    for url, prefix in used:
        if url != UNREACHABLE:
            server = redis.Redis.from_url(url)
            for key in server.scan_iter(f"{prefix}*"):
                server.delete(key)


class Lines(logging.Handler):
    """The JSON lines the portal's task logger writes (from any thread)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[dict] = []
        self.setFormatter(JsonFormatter())

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(json.loads(self.format(record)))


@pytest.fixture
def task_lines():
    handler, logger = Lines(), logging.getLogger("portal.tasks")
    logger.addHandler(handler)
    level, logger.level = logger.level, logging.INFO
    yield handler.lines
    logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.mark.django_db
def test_an_email_is_queued_for_a_worker_once_the_change_commits(
    monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(
        "kernel.tasks.send_emails.apply_async", lambda args, **kwargs: queued.append(args)
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Subject", "Body", None, ["a@example.org", "b@example.org"])
        assert queued == []  # nothing leaves before the change commits
    assert queued == [[list(OutboxEmail.objects.order_by("pk").values_list("pk", flat=True))]]


@pytest.mark.django_db
def test_without_a_broker_the_task_runs_in_the_process_after_commit(
    django_capture_on_commit_callbacks,
):
    assert app.conf.task_always_eager  # tests, like `make run`, configure no broker
    with django_capture_on_commit_callbacks(execute=True):
        send_mail("Subject", "Body", None, ["a@example.org"])
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    assert OutboxEmail.objects.get().sent_at is not None


@pytest.mark.django_db
def test_broker_down_the_page_works_and_the_email_waits_to_be_sent_later(
    client, broker, caplog, reference_data, django_capture_on_commit_callbacks
):
    User.objects.create_user(email="new.person@example.org", name="New Person")
    broker(UNREACHABLE)
    started = time.perf_counter()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("password_reset"), {"email": "new.person@example.org"})
    assert response.status_code == 302
    assert time.perf_counter() - started < 5  # one try of the broker, not a wait
    row = OutboxEmail.objects.get()
    assert row.sent_at is None
    assert mail.outbox == []
    assert any("the broker did not take them" in r.getMessage() for r in caplog.records)
    assert "127.0.0.1" not in caplog.text  # never the broker's address
    call_command("send_outbox", stdout=StringIO())  # what beat runs every minute
    row.refresh_from_db()
    assert row.sent_at is not None
    assert [m.to for m in mail.outbox] == [["new.person@example.org"]]


@pytest.mark.django_db
def test_the_readiness_check_names_the_broker(client, broker, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    assert client.get("/readyz").json()["broker"] == "in process"
    broker(UNREACHABLE)
    response = client.get("/readyz")
    assert response.status_code == 200  # pages work; emails wait in the outbox
    assert (response.json()["status"], response.json()["broker"]) == ("degraded", "unreachable")
    assert "127.0.0.1" not in response.content.decode()


@needs_redis
@pytest.mark.django_db
def test_the_readiness_check_says_a_reachable_broker_is_ok(client, broker, settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path
    broker(REDIS_TEST_URL)
    response = client.get("/readyz")
    assert (response.json()["status"], response.json()["broker"]) == ("ok", "ok")


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_the_email_and_its_log_line_names_the_request(broker, task_lines):
    broker(REDIS_TEST_URL)
    token = request_id.set("request-0123456789")
    try:
        send_mail("Subject", "Body", None, ["a@example.org"])  # autocommit: queued at once
    finally:
        request_id.reset(token)
    row = OutboxEmail.objects.get()
    assert row.sent_at is None  # queued, not sent in the process
    with start_worker(app, pool="solo", perform_ping_check=False, loglevel="INFO"):
        for _ in range(100):
            row.refresh_from_db()
            if row.sent_at:
                break
            time.sleep(0.1)
    assert row.sent_at is not None
    assert [m.to for m in mail.outbox] == [["a@example.org"]]
    ended = [line for line in task_lines if line["task"] == "kernel.tasks.send_emails"]
    assert [(line["state"], line["request_id"]) for line in ended] == [
        ("SUCCESS", "request-0123456789")
    ]
    assert "a@example.org" not in json.dumps(ended)


@pytest.mark.django_db
def test_a_task_run_in_the_process_logs_a_line_naming_the_request(task_lines):
    token = request_id.set("request-abcdef0123")
    try:
        outbox.queue([])
    finally:
        request_id.reset(token)
    ended = task_lines
    assert [(line["task"], line["state"], line["request_id"]) for line in ended] == [
        ("kernel.tasks.send_emails", "SUCCESS", "request-abcdef0123")
    ]
    assert isinstance(ended[0]["duration_ms"], float)


def test_beat_schedules_every_scheduled_command_and_only_commands():
    commands = get_commands()
    assert set(SCHEDULE) <= set(commands)
    scheduled = {
        "send_outbox",
        "escalate_overdue_breaches",
        "expire_cap_exceptions",
        "remind_data_returns",
        "propose_late_returns",
        "remind_meeting_papers",
        "remind_market_notices",
    }
    assert set(SCHEDULE) == scheduled
    assert {entry["args"][0] for entry in app.conf.beat_schedule.values()} == scheduled
    assert all(
        entry["task"] == "governance_portal.tasks.run_scheduled"
        for entry in app.conf.beat_schedule.values()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(SCHEDULE))
def test_each_scheduled_command_runs_as_a_task(name, reference_data):
    result = run_scheduled.apply(args=[name])
    assert result.successful(), result.traceback


def test_a_task_runs_no_command_beat_does_not_schedule():
    result = run_scheduled.apply(args=["flush"])
    assert not result.successful()
    assert isinstance(result.result, ValueError)
