import logging
import os
import uuid

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.db.models import Model, Q
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from accounts.permissions import can_manage_people
from accounts.roles import ROLE_DESCRIPTIONS
from accounts.scope import access_for
from breaches.permissions import breaches_visible_to, can_log_somewhere
from breaches.selectors import home_queues
from cap_exceptions.selectors import home_lists
from dashboards.figures import headline
from dashboards.permissions import has_dashboard
from governance.review import reviews_due as governance_reviews_due
from governance.selectors import my_open_actions
from governance_portal.context_processors import header_links
from kernel.http import AuthenticatedHttpRequest
from mou.models import LocalAuthority, Region
from mou.selectors import reviews_due
from msp.models import MSP, Agency
from msp.selectors import my_open_review_actions

logger = logging.getLogger(__name__)


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The person's dashboard first (for the roles that have one), then their work, their
    memberships and where to go next."""
    access = access_for(request.user)
    memberships = [
        {"membership": m, "description": ROLE_DESCRIPTIONS[m.role]} for m in access.memberships
    ]
    dashboard = None
    if has_dashboard(request.user):
        regions = Region.objects.visible_to(request.user)
        dashboard = {
            "figures": headline(regions, timezone.localdate()),
            "national": access.scope.national,
            "region": None if access.scope.national else regions.order_by("name").first(),
        }
    return render(
        request,
        "home.html",
        {
            "memberships": memberships,
            "scope": access.scope,
            "can_manage_people": can_manage_people(request.user),
            "queues": home_queues(request.user),
            "can_log": can_log_somewhere(request.user),
            "dashboard": dashboard,
            "reviews_due": reviews_due(request.user, today=timezone.localdate()),
            "exception_lists": home_lists(request.user, today=timezone.localdate()),
            "actions": my_open_actions(request.user),
            "review_actions": my_open_review_actions(request.user),
            "governance_reviews_due": governance_reviews_due(
                request.user, today=timezone.localdate()
            ),
            "today": timezone.localdate(),
        },
    )


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 when it does not (for load balancers and monitoring)."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "unavailable", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _database_ready() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Readiness: the database did not answer")
        return "unreachable"
    return "ok"


def _cache_ready() -> str:
    from django.core.cache import cache

    if not settings.REDIS_URL:
        return "in process"
    probe = f"readyz:{uuid.uuid4().hex}"
    cache.set(probe, "1", 10)  # the resilient cache swallows an outage: a miss tells
    answered = cache.get(probe) == "1"
    cache.delete(probe)
    return "ok" if answered else "unreachable"


def _storage_ready() -> str:
    root = settings.PRIVATE_MEDIA_ROOT
    return "ok" if os.path.isdir(root) and os.access(root, os.W_OK) else "unwritable"


def _broker_ready() -> str:
    from governance_portal.celery import app

    if app.conf.task_always_eager:
        return "in process"  # no broker configured: tasks run in the process
    try:
        with app.connection_for_write() as broker:
            broker.ensure_connection(max_retries=0, timeout=1)
    except Exception:  # any failure to reach it; its message may hold the broker's URL
        logger.warning("Readiness: the broker did not answer")
        return "unreachable"
    return "ok"


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    """Whether this server is ready for traffic, part by part (for load balancers and
    monitoring; never a secret or a path): 503 when the database or file storage fails; the
    cache or the broker down is "degraded", as pages then work without them (emails wait in
    the outbox)."""
    parts = {
        "database": _database_ready(),
        "cache": _cache_ready(),
        "storage": _storage_ready(),
        "broker": _broker_ready(),
    }
    failing = parts["database"] != "ok" or parts["storage"] != "ok"
    degraded = "unreachable" in (parts["cache"], parts["broker"])
    status = "unavailable" if failing else ("degraded" if degraded else "ok")
    return JsonResponse({"status": status, **parts}, status=503 if failing else 200)


@login_not_required
@require_GET
def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "accessibility.html")


def server_error(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The 500 page, rendered without context processors: the database may be what failed."""
    context = {
        "portal_name": settings.PORTAL_NAME,
        "require_2fa": settings.REQUIRE_2FA,
        "header_links": header_links(),
    }
    html = loader.get_template("500.html").render(context)
    return HttpResponseServerError(html)


def csrf_failure(request: AuthenticatedHttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


SEARCH_SHOWN = 10


def _address(record: Model) -> str:
    return record.get_absolute_url()  # type: ignore[attr-defined]  # each model searched has one


@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The header's search: a breach by reference, an agency or MSP by name or Companies House
    number, an LA by name or code, each only among what the person may open (`visible_to`)."""
    text = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    groups = []
    if len(text) >= 2:
        code = text.upper()
        found = [
            (
                "Breaches",
                breaches_visible_to(request.user).filter(reference__icontains=text).order_by("-pk"),
            ),
            ("Agencies", Agency.objects.visible_to(request.user).search(text)),
            ("MSPs", MSP.objects.visible_to(request.user).search(text)),
            (
                "Local authorities",
                LocalAuthority.objects.visible_to(request.user)
                .filter(Q(name__icontains=text) | Q(la_code=code) | Q(ons_code=code))
                .order_by("name"),
            ),
        ]
        for title, queryset in found:
            shown = list(queryset[: SEARCH_SHOWN + 1])
            groups.append(
                {
                    "title": title,
                    "results": [(str(r), _address(r)) for r in shown[:SEARCH_SHOWN]],
                    "more": len(shown) > SEARCH_SHOWN,
                }
            )
    return render(
        request,
        "search.html",
        {"text": text, "groups": groups, "too_short": bool(text) and len(text) < 2},
    )
