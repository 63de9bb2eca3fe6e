"""GOV.UK Notify as the portal's email (issue 21), against a stand-in Notify on the loopback
that checks what Notify would receive: one request per recipient to /v2/notifications/email,
signed with the key's secret for its service, the template and the personalisation; a 429 or a
5xx answer raises, so the sender retries."""

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, HTTPServer

import jwt
import pytest
from django.core.mail import EmailMessage, get_connection
from notifications_python_client.errors import HTTPError

SERVICE, SECRET = str(uuid.uuid4()), str(uuid.uuid4())
API_KEY = f"portal_test-{SERVICE}-{SECRET}"
TEMPLATE = str(uuid.uuid4())


@pytest.fixture
def notify(settings):
    received: list[dict] = []
    answers: list[int] = []

    class StandIn(BaseHTTPRequestHandler):
        def do_POST(self):
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            token = self.headers["Authorization"].removeprefix("Bearer ")
            claims = jwt.decode(token, SECRET, algorithms=["HS256"])
            received.append({"path": self.path, "iss": claims["iss"], "body": body})
            status = answers.pop(0) if answers else 201
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            payload = {"id": str(uuid.uuid4())} if status == 201 else {"errors": [{"error": "x"}]}
            self.wfile.write(json.dumps(payload).encode())

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), StandIn)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "kernel.notify.NotifyEmailBackend"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_TEMPLATE_ID = TEMPLATE
    settings.NOTIFY_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield received, answers
    server.shutdown()
    server.server_close()


def test_each_recipient_gets_one_notify_email_from_the_template(notify):
    received, _ = notify
    message = EmailMessage(
        subject="North Central London: Rates",
        body="Please bring your rate cards",
        to=["a@example.org", "b@example.org"],
        reply_to=["lead@example.org"],
    )
    assert get_connection().send_messages([message]) == 1
    assert [r["path"] for r in received] == ["/v2/notifications/email"] * 2
    assert {r["iss"] for r in received} == {SERVICE}
    first = received[0]["body"]
    assert first["email_address"] == "a@example.org"
    assert first["template_id"] == TEMPLATE
    assert first["personalisation"]["subject"] == "North Central London: Rates"
    assert first["personalisation"]["body"].startswith("Please bring your rate cards")
    assert "To reply, write to lead@example.org." in first["personalisation"]["body"]


@pytest.mark.parametrize("status", [429, 500])
def test_notifys_limits_and_outages_raise_so_the_sender_retries(notify, status):
    _, answers = notify
    answers.append(status)
    message = EmailMessage(subject="s", body="b", to=["a@example.org"])
    with pytest.raises(HTTPError) as error:
        get_connection().send_messages([message])
    assert error.value.status_code == status
    assert get_connection(fail_silently=True).send_messages([message]) == 1  # answered 201


def test_a_notify_key_needs_its_template(tmp_path):
    from tests.test_settings import _run

    result = _run(["manage.py", "check"], DJANGO_DEBUG="true", NOTIFY_API_KEY=API_KEY)
    assert result.returncode != 0
    assert "NOTIFY_API_KEY needs NOTIFY_TEMPLATE_ID" in result.stderr
