"""Error reports (issue 21): with SENTRY_DSN set, an error is reported to Sentry with personal
data off. Tested against a stand-in Sentry on the loopback that keeps what it is sent."""

import gzip
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sentry_sdk
from django.urls import include, path

from kernel.errors import scrub, start_error_reporting
from tests.test_settings import _run

pytestmark = pytest.mark.django_db


def failing_view(request):  # (no address in this file's source: reports carry its lines)
    typed = request.GET.get("q")  # a local variable holding what the person typed
    raise RuntimeError(f"Something went wrong ({len(typed or '')} characters)")


urlpatterns = [path("boom/", failing_view), path("", include("governance_portal.urls"))]


class StandInSentry(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli

            body = brotli.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry():
    StandInSentry.received = []
    server = HTTPServer(("127.0.0.1", 0), StandInSentry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://public@127.0.0.1:{server.server_port}/1", StandInSentry.received
    sentry_sdk.get_client().close()
    sentry_sdk.init()  # no DSN: reporting off for the tests after
    server.shutdown()


def test_an_error_is_reported_without_personal_data(client, settings, sentry, dcs):
    dsn, received = sentry
    settings.ROOT_URLCONF = __name__
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False
    start_error_reporting(dsn, environment="test")
    client.raise_request_exception = False
    client.force_login(dcs)
    client.cookies["extra"] = "alice@example.org"
    response = client.get("/boom/?q=alice@example.org", HTTP_X_REQUEST_ID="request-0123456789")
    assert response.status_code == 500
    sentry_sdk.flush(timeout=5)
    sent = b"".join(received).decode()
    assert "Something went wrong (17 characters)" in sent  # the error is reported
    event = json.loads(next(line for line in sent.splitlines() if '"exception"' in line))
    assert event["tags"]["request_id"] == "request-0123456789"  # as in the logs
    assert "cookies" not in event.get("request", {})
    assert "user" not in event
    assert "alice@example.org" not in sent
    assert dcs.email not in sent
    assert "sessionid" not in sent


def test_the_scrubber_drops_what_a_person_typed_or_who_they_are():
    event = scrub(
        {
            "request": {
                "url": "https://portal.example/search/?q=Alice",
                "method": "POST",
                "query_string": "q=Alice",
                "data": {"name": "Alice Example"},
                "cookies": {"sessionid": "secret"},
                "headers": {"Cookie": "sessionid=secret", "User-Agent": "Browser"},
                "env": {"REMOTE_ADDR": "10.0.0.1"},
            },
            "user": {"id": 7, "email": "alice@example.org", "ip_address": "10.0.0.1"},
            "exception": {"values": [{"stacktrace": {"frames": [{"vars": {"x": "Alice"}}]}}]},
        }
    )
    assert event["request"] == {
        "method": "POST",
        "url": "https://portal.example/search/",
        "headers": {"User-Agent": "Browser"},
    }
    assert "user" not in event
    assert "Alice" not in json.dumps(event)


REPORTING = """
import django, sentry_sdk
django.setup()
client = sentry_sdk.get_client()
collected = client.options["data_collection"] if client.is_active() else {}
print(client.is_active(), *(collected.get(k) for k in ("user_info", "stack_frame_variables", "http_bodies")))
"""


@pytest.mark.parametrize(
    ("dsn", "expected"),
    [("", "False None None None"), ("http://public@127.0.0.1:9/1", "True False False []")],
)
def test_sentry_dsn_turns_reporting_on_with_personal_data_off(dsn, expected):
    result = _run(
        ["-c", REPORTING],
        DJANGO_SETTINGS_MODULE="governance_portal.settings",
        DJANGO_DEBUG="true",
        SENTRY_DSN=dsn,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().startswith(expected)
