"""One JSON line per request (issue 21): time, level, the request's id (also on the lines
logged during it and in X-Request-ID), method, path without the query string, status,
duration and the person's id; never their name or email address."""

import json
import logging

import pytest

from kernel.logs import JsonFormatter, RequestIdFilter

pytestmark = pytest.mark.django_db


@pytest.fixture
def lines():
    """The lines the portal logs during a test, formatted as production formats them."""
    captured: list[str] = []

    class Capture(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            captured.append(self.format(record))

    handler = Capture()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.addHandler(handler)
    previous = root.level
    root.setLevel(logging.INFO)
    yield captured
    root.removeHandler(handler)
    root.setLevel(previous)


def test_each_request_is_one_json_line_naming_the_person_by_id_only(client, regional_lead, lines):
    client.force_login(regional_lead)
    response = client.get("/breaches/?q=Jane+Smith+jane@example.org")
    request_lines = [json.loads(line) for line in lines if '"message": "request"' in line]
    assert len(request_lines) == 1
    line = request_lines[0]
    assert line["path"] == "/breaches/"
    assert (line["method"], line["status"], line["person_id"]) == ("GET", 200, regional_lead.pk)
    assert line["duration_ms"] >= 0
    assert line["request_id"] == response["X-Request-ID"]
    everything = "\n".join(lines)
    assert regional_lead.email not in everything
    assert regional_lead.name not in everything
    assert "Jane" not in everything


def test_a_proxys_request_id_is_kept_when_it_looks_like_one(client, lines):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-1234abcd"})
    assert response["X-Request-ID"] == "lb-1234abcd"
    response = client.get("/healthz", headers={"X-Request-ID": "<script>"})
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32
