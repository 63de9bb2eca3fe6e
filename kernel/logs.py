"""Logs as one JSON line each (`DJANGO_LOG_FORMAT=json`, the default when not in debug), and a
line per request: time, level, the request's id (also on every line logged while it runs, and
sent back as X-Request-ID), method, path (never the query string, which may hold what a person
typed), status, duration and the person's id. Never names, email addresses or worker
references: a person is their id."""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")
logger = logging.getLogger("portal.requests")
# An id a proxy or load balancer sent is kept when it looks like one; anything else is replaced.
INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# What a line may carry besides the message, from `extra=`.
FIELDS = ("method", "path", "status", "duration_ms", "person_id", "task", "task_id", "state")


class RequestIdFilter(logging.Filter):
    """Every line logged during a request names the request."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or request_id.get(),
        }
        line |= {name: getattr(record, name) for name in FIELDS if hasattr(record, name)}
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class RequestLogMiddleware:
    """First in the middleware: names the request, times it, and logs one line when it ends."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        rid = incoming if INCOMING_ID.match(incoming) else uuid.uuid4().hex
        token = request_id.set(rid)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            user = getattr(request, "user", None)
            logger.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "person_id": user.pk if user is not None and user.is_authenticated else None,
                },
            )
            response["X-Request-ID"] = rid
            return response
        finally:
            request_id.reset(token)


# Tasks ------------------------------------------------------------------------------------------
# A task carries the id of the request that queued it (a message header), so its log lines and
# the one line logged when it ends name that request: search by request id to follow a request
# to the tasks and emails it caused.

task_logger = logging.getLogger("portal.tasks")
_task_started: dict[str, tuple[float, contextvars.Token[str]]] = {}


def stamp_request(headers: dict | None = None, **kwargs) -> None:
    """Celery's before_task_publish: the queueing request's id goes with the task."""
    if headers is not None and request_id.get():
        headers["request_id"] = request_id.get()


def task_started(task_id: str = "", task=None, **kwargs) -> None:
    """Celery's task_prerun: the task's lines name the request that queued it (or the task)."""
    rid = getattr(task.request, "request_id", None) if task is not None else None
    if not (isinstance(rid, str) and INCOMING_ID.match(rid)):
        rid = request_id.get() or task_id  # run in the process: the request still running
    token = request_id.set(rid)
    _task_started[task_id] = (time.perf_counter(), token)


def task_ended(task_id: str = "", task=None, state: str | None = None, **kwargs) -> None:
    """Celery's task_postrun: one line per task (its name, id, state and duration)."""
    started, token = _task_started.pop(task_id, (time.perf_counter(), None))
    task_logger.info(
        "task",
        extra={
            "task": getattr(task, "name", ""),
            "task_id": task_id,
            "state": state or "",
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    if token is not None:
        request_id.reset(token)


def connect_task_logs() -> None:
    from celery import signals

    signals.before_task_publish.connect(stamp_request, dispatch_uid="portal-task-request")
    signals.task_prerun.connect(task_started, dispatch_uid="portal-task-started")
    signals.task_postrun.connect(task_ended, dispatch_uid="portal-task-ended")
