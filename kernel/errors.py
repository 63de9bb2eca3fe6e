"""Error reporting to Sentry (or a Sentry-compatible service) when SENTRY_DSN is set, with
personal data off: no person, no cookies, no query string or form body (either may hold what a
person typed), no local variables, and only harmless request headers. The request's id (also
in the logs) ties a report to what happened."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from kernel.logs import request_id

if TYPE_CHECKING:
    from sentry_sdk.types import Event, Hint

# Request headers an error report may keep; everything else (cookies, authorisation, forwarded
# addresses) is dropped.
SAFE_HEADERS = frozenset({"Accept", "Content-Type", "Host", "User-Agent", "X-Request-Id"})


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """What leaves for the error service: the error, where it happened, and the request's
    method, path and id."""
    request = event.get("request")
    if isinstance(request, dict):
        kept: dict[str, Any] = {}
        if request.get("method"):
            kept["method"] = request["method"]
        if request.get("url"):
            kept["url"] = str(request["url"]).split("?", 1)[0]
        headers = request.get("headers") or {}
        if safe := {k: v for k, v in headers.items() if k.title() in SAFE_HEADERS}:
            kept["headers"] = safe
        event["request"] = kept
    if request_id.get():
        event.setdefault("tags", {})["request_id"] = request_id.get()
    event.pop("user", None)
    for exception in (event.get("exception") or {}).get("values", []):
        for frame in (exception.get("stacktrace") or {}).get("frames", []):
            frame.pop("vars", None)
    return event


def _before_send(event: Event, hint: Hint) -> Event:
    return cast("Event", scrub(cast("dict[str, Any]", event), hint))


def start_error_reporting(dsn: str, *, environment: str, release: str = "") -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        data_collection={
            "user_info": False,
            "http_bodies": [],
            "stack_frame_variables": False,
            "database_query_data": False,
        },
        traces_sample_rate=0,
        before_send=_before_send,
    )
