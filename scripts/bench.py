"""`make bench`: the national-scale benchmark (docs/benchmark.md).

Against PostgreSQL holding the scale-10 data set, it serves the portal with gunicorn as production
does (2 workers, persistent connections, real two-factor sign-in) and measures, in one run, each
page's throughput and latency with wrk (8 clients) next to the health check's, plus the SQL
queries and rows of each page measured in-process. Every response must be a 200 carrying the
page's own content: a sign-in redirect or an error fails the run, so a fast wrong page can never
pass. It prints a table, writes it to a file, and exits non-zero when a check fails or a target is
missed.

Settings (environment): BENCH_DATABASE_URL, BENCH_SCALE (10), BENCH_SCALES (e.g. "1 10": one
run per scale, then each page's time per request compared), BENCH_ROUNDS (1: the median of this
many measurements of each page), BENCH_DURATION (10 s a page), BENCH_WARMUP (2 s),
BENCH_CONNECTIONS (8), BENCH_REDIS_URL (the shared cache and sessions, as on a live portal:
redis://127.0.0.1:6379/0 when it answers; "none" for none), BENCH_RESULTS (bench-results.md).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess  # nosec B404: fixed commands (gunicorn, wrk, git), no shell
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench?conn_max_age=600"
# p95 targets in milliseconds, by kind of page; every page must also reach this share of the
# health check's throughput and stay within this many queries.
P95_TARGET_MS = {"dashboard": 250, "list": 120, "breach": 50}
THROUGHPUT_SHARE = 0.25
# Being signed in costs little next to the page itself: the signed-in floor (the accessibility
# statement) reaches this share of the health check's throughput, breach pages and lists this
# share of the floor's, and dashboards (their figures cached) this share.
FLOOR_SHARE = 0.30
SHARE_OF_FLOOR = {"breach": 0.25, "list": 0.25, "dashboard": 0.20}
# At scale 10 a page takes at most this much longer per request than at scale 1.
SCALE_GROWTH = 1.25
QUERY_LIMIT = 15
BREACH_PAGES = 200  # breach pages the breach-page run rotates over (at least 100)


@dataclass
class Page:
    name: str
    paths: list[str]
    person: str | None  # a key of BENCH_PEOPLE; None: signed out
    markers: list[str]  # text every response must contain (wrk checks all of them)
    kind: str  # baseline, floor (no targets), dashboard, list or breach
    # Filled in as the run goes.
    queries: list[int] = field(default_factory=list)  # with the cache empty: the most
    cached_queries: list[int] = field(default_factory=list)  # with cached figures
    rows: list[int] = field(default_factory=list)
    rps: float = 0.0
    p50_ms: float = 0.0
    p95_ms: float = 0.0
    failures: list[str] = field(default_factory=list)

    @property
    def target_ms(self) -> int | None:
        return P95_TARGET_MS.get(self.kind)


class BenchFailed(Exception):
    """The run cannot go on (no server, no data): reported, then the run stops."""


def say(line: str = "") -> None:
    print(line, flush=True)


def setting(name: str, default: str) -> str:
    return os.environ.get(name) or default


# --- Database and Django ---------------------------------------------------------------------


def prepare_django(database_url: str, static_root: Path) -> dict[str, str]:
    """Point Django at the bench database with production settings; returns the environment
    gunicorn gets too."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-only-" + secrets.token_urlsafe(40),
        "DJANGO_REQUIRE_2FA": "true",
        # Served on 127.0.0.1 over plain HTTP, whatever the shell's environment says.
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": str(static_root),
        "DJANGO_SETTINGS_MODULE": "governance_portal.settings",
        "DJANGO_LOG_LEVEL": "WARNING",
        "BENCH": "1",  # seed_bench lives in the development-only bench app
    }
    redis_url = bench_redis_url()
    env.pop("REDIS_URL", None)
    if redis_url:
        # The shared cache and sessions, as on a live portal, under a prefix of this run's own.
        env |= {"REDIS_URL": redis_url, "CACHE_KEY_PREFIX": f"bench-{secrets.token_hex(6)}"}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return env


def bench_redis_url() -> str:
    """BENCH_REDIS_URL, or the local Redis when it answers; "" for none."""
    from urllib.parse import urlparse

    url = setting("BENCH_REDIS_URL", "redis://127.0.0.1:6379/0")
    if url == "none":
        return ""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=0.5):
            return url
    except OSError:
        if "BENCH_REDIS_URL" in os.environ:
            raise BenchFailed(f"Nothing answers at BENCH_REDIS_URL ({parsed.hostname})") from None
        return ""


def redis_forget() -> None:
    """Delete this run's keys (its own prefix) from the shared Redis."""
    if not os.environ.get("REDIS_URL"):
        return
    import redis

    server = redis.Redis.from_url(os.environ["REDIS_URL"])
    for key in server.scan_iter(f"{os.environ['CACHE_KEY_PREFIX']}*"):
        server.delete(key)


def database_create(database_url: str) -> None:
    """Create the bench database when it does not exist yet."""
    import environ
    import psycopg2
    from psycopg2 import sql

    config = environ.Env.db_url_config(database_url)
    name = config["NAME"]
    connection = psycopg2.connect(
        dbname="postgres",
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )
    try:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone() is None:
                say(f"Creating database {name}")
                cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    finally:
        connection.close()


def data_ensure(scale: float) -> dict[str, int]:
    """Migrate, and seed at `scale` unless the database already holds exactly that data set."""
    from django.core.management import call_command
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.models import User
    from bench.shape import BENCH_PEOPLE, breach_count, event_count
    from breaches.models import Breach, BreachEvent

    call_command("migrate", interactive=False, verbosity=0)
    breaches = Breach.objects.count()
    ready = (
        breaches == breach_count(scale)
        and BreachEvent.objects.count() == event_count(scale)
        and TOTPDevice.objects.filter(
            user__email__in=[p.email for p in BENCH_PEOPLE.values()], confirmed=True
        ).count()
        == len(BENCH_PEOPLE)
    )
    if ready:
        say(f"The database already holds the scale-{scale:g} data set")
    else:
        call_command("seed_bench", scale=scale, reset=breaches > 0 or User.objects.exists())
    return {"breaches": Breach.objects.count(), "events": BreachEvent.objects.count()}


def verified_session(email: str) -> str:
    """A session as signing in with password and authenticator code leaves it (django-otp's
    device key and the portal's session-timeout keys included); returns the session key."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from accounts.middleware import LAST_SEEN_AT, SIGNED_IN_AT
    from accounts.models import User

    user = User.objects.get(email=email)
    device = TOTPDevice.objects.get(user=user, confirmed=True)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    now = int(time.time())
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = "accounts.backends.PortalBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[DEVICE_ID_SESSION_KEY] = device.persistent_id
    store[SIGNED_IN_AT] = now
    store[LAST_SEEN_AT] = now
    store.create()
    return store.session_key


def breach_paths(count: int) -> list[str]:
    """Pages of breaches with 20 to 50 timeline events, spread over the data set."""
    from django.db.models import Count

    from bench.shape import RICH_EVENTS
    from breaches.models import Breach

    references = list(
        Breach.objects.annotate(n=Count("events"))
        .filter(n__gte=RICH_EVENTS[0], n__lte=RICH_EVENTS[1])
        .order_by("pk")
        .values_list("reference", flat=True)[:count]
    )
    if len(references) < 100:
        raise BenchFailed(f"Only {len(references)} breaches have 20 to 50 events; 100 are needed")
    return [f"/breaches/{reference}/" for reference in references]


HEADING = '<h1 class="govuk-heading-l">{}</h1>'


def pages() -> list[Page]:
    """The pages measured, each as the person who uses it, with text only the real page has."""
    from datasharing.models import DataReturn, ReturnPeriod
    from governance.models import Group, Pack
    from mou.models import MOU

    breaches = breach_paths(BREACH_PAGES)
    london_mou = MOU.objects.get(region__code="LDN").title
    latest = ReturnPeriod.objects.filter(region__code="LDN").order_by("-year", "-quarter")[0]
    london_return = DataReturn.objects.filter(period__region__code="LDN").order_by("pk")[0]
    # A draft's page also runs the checks against the previous quarter, the caps in force and
    # the cap exceptions.
    london_draft = DataReturn.objects.filter(period=latest, revisions__state="draft").order_by(
        "pk"
    )[0]
    board = Group.objects.get(region__code="LDN", kind="dcs_board")
    packed = Pack.objects.select_related("meeting").get()
    return [
        Page("Health check (baseline)", ["/healthz"], None, ['"status": "ok"'], "baseline"),
        # No target: the least any signed-in page costs (session, two-factor, memberships, the
        # base template), to show how much of each page's time is its own.
        Page(
            "Signed-in floor (accessibility statement)",
            ["/accessibility"],
            "admin",
            [HEADING.format("Accessibility statement"), "Sign out"],
            "floor",
        ),
        Page(
            "DCS dashboard (London)", ["/dashboards/LDN/"], "dcs", ["London dashboard"], "dashboard"
        ),
        Page("National view", ["/dashboards/"], "admin", ["National dashboard"], "dashboard"),
        # A lead's home page and dashboard add their work queues to the region's figures.
        Page(
            "Home page (London lead)",
            ["/"],
            "lead",
            ['id="home-dashboard"', "London today"],
            "dashboard",
        ),
        Page(
            "Lead's dashboard (London)",
            ["/dashboards/LDN/"],
            "lead",
            ["London dashboard", 'id="overdue-list"'],
            "dashboard",
        ),
        Page(
            "Data returns dashboard (London)",
            ["/dashboards/LDN/returns/"],
            "dcs",
            ["London data returns", 'id="figure-agency-rate"'],
            "dashboard",
        ),
        Page("Breach list", ["/breaches/"], "lead", [HEADING.format("Breaches")], "list"),
        Page(
            "Breach list, filtered",
            ["/breaches/?state=under_review&breach_type=rate_above_cap"],
            "lead",
            [HEADING.format("Breaches")],
            "list",
        ),
        Page(
            f"Breach page ({len(breaches)} rotating)",
            breaches,
            "admin",
            ['id="timeline"', 'id="events"'],
            "breach",
        ),
        Page(
            "MOU page (London)", ["/mous/LDN/"], "admin", [london_mou, 'id="signatories"'], "list"
        ),
        Page("Agency list", ["/agencies/"], "lead", [HEADING.format("Agencies")], "list"),
        Page(
            "Data return tracker (London, latest quarter)",
            [f"/returns/periods/{latest.pk}/"],
            "lead",
            ['id="tracker"', 'id="tracker-counts"'],
            "list",
        ),
        Page(
            "Data return page (authorised)",
            [f"/returns/{london_return.pk}/"],
            "lead",
            ['id="figures"', 'id="revisions"', 'id="compliance"'],
            "list",
        ),
        Page(
            "Data return page (draft, checked)",
            [f"/returns/{london_draft.pk}/"],
            "lead",
            ['id="figures"', 'id="checks"'],
            "list",
        ),
        # Governance: ten years of quarterly meetings in every region
        Page(
            "Governance group page (London board)",
            [f"/governance/groups/{board.pk}/"],
            "lead",
            ['id="members"', 'id="terms"'],
            "list",
        ),
        Page(
            "Meeting with its pack (London)",
            [f"/governance/meetings/{packed.meeting_id}/"],
            "lead",
            ['id="agenda"', 'id="carried"', "pack 1"],
            "list",
        ),
        Page(
            "Meeting pack (London)",
            [f"/governance/meetings/{packed.meeting_id}/packs/1/"],
            "member",
            ['id="pack-breaches"', 'id="pack-returns"'],
            "list",
        ),
        Page("Group member's home", ["/"], "member", ['id="home-actions"'], "list"),
    ]


def rows_shown(html: str) -> int:
    """Table body rows, plus timeline entries on a breach page."""
    rows = sum(body.count("<tr") for body in re.findall(r"<tbody.*?</tbody>", html, re.S))
    timeline = re.search(r'<ol[^>]*id="events"[^>]*>(.*?)</ol>', html, re.S)
    return rows + (timeline.group(1).count("<li") if timeline else 0)


def measure_in_process(page: Page, cookie: str | None) -> None:
    """SQL queries and rows shown, through the whole middleware stack (after a first request,
    so one-off caches are warm), with the cache emptied and then with cached figures. Breach
    pages: the first ten, whose sizes differ."""
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")
    if cookie:
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    for path in page.paths[:10]:
        client.get(path)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        with CaptureQueriesContext(connection) as cached:
            client.get(path)
        page.cached_queries.append(len(cached))
        html = response.content.decode()
        problem = content_problem(response.status_code, html, page, path)
        if problem:
            page.failures.append(f"in-process {path}: {problem}")
            return
        page.queries.append(len(queries))
        page.rows.append(rows_shown(html))


def content_problem(status: int, html: str, page: Page, path: str) -> str | None:
    if status != 200:
        return f"status {status}"
    missing = [m for m in page.markers if m not in html]
    if page.kind == "breach":
        heading = f"Breach {path.strip('/').split('/')[-1]}</h1>"
        missing += [] if heading in html else [heading]
    return f"does not contain {missing}" if missing else None


# --- Server and load ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def gunicorn_start(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "governance_portal.wsgi",
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--workers",
        "2",
        "--no-control-socket",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "60",
    ]
    with log.open("wb") as output:
        return subprocess.Popen(  # noqa: S603  # nosec B603: fixed arguments
            command, cwd=ROOT, env=env, stdout=output, stderr=output, start_new_session=True
        )


def gunicorn_ready(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchFailed(f"gunicorn stopped at start:\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):  # nosec B310
                return
        except OSError:
            time.sleep(0.3)
    raise BenchFailed("gunicorn did not answer /healthz within 30 seconds")


def gunicorn_stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def fetch(base: str, path: str, cookie: str | None) -> tuple[int, str]:
    """One GET without following redirects: a redirect to sign-in is a failure, not a page."""
    from django.conf import settings

    request = urllib.request.Request(base + path)  # noqa: S310  # nosec B310: http://127.0.0.1
    if cookie:
        request.add_header("Cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}")
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


LUA = """-- Made by scripts/bench.py for one page: rotates over its paths, counts any response that is
-- not a 200 carrying the page's markers, and prints exact percentiles.
local paths = {%(paths)s}
local markers = {%(markers)s}
local n = 0
local threads = {}
bad = 0
unmarked = 0

function setup(thread)
  table.insert(threads, thread)
end

function request()
  n = n + 1
  return wrk.format("GET", paths[(n - 1) %% #paths + 1])
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    return
  end
  for _, marker in ipairs(markers) do
    if not string.find(body, marker, 1, true) then
      unmarked = unmarked + 1
      return
    end
  end
end

function done(summary, latency, requests)
  local b, m = 0, 0
  for _, thread in ipairs(threads) do
    b = b + thread:get("bad")
    m = m + thread:get("unmarked")
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%%d duration_us=%%d p50_us=%%d p95_us=%%d non200=%%d unmarked=%%d " ..
    "errors=%%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), b, m,
    e.connect + e.read + e.write + e.timeout))
end
"""


def lua_string(text: str) -> str:
    if not text.isascii() or not text.isprintable():
        raise ValueError(f"Markers and paths must be printable ASCII: {text!r}")
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk_run(
    wrk: str, base: str, page: Page, cookie: str | None, seconds: int, connections: int, work: Path
) -> dict[str, int]:
    script = work / "page.lua"
    script.write_text(
        LUA
        % {
            "paths": ", ".join(map(lua_string, page.paths)),
            "markers": ", ".join(map(lua_string, page.markers)),
        }
    )
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(script),
        base + page.paths[0],
    ]
    if cookie:
        from django.conf import settings

        command[1:1] = ["-H", f"Cookie: {settings.SESSION_COOKIE_NAME}={cookie}"]
    result = subprocess.run(  # noqa: S603  # nosec B603: fixed arguments
        command, capture_output=True, text=True, timeout=seconds + 60, check=False
    )
    line = next((x for x in result.stdout.splitlines() if x.startswith("BENCH ")), None)
    if result.returncode != 0 or line is None:
        raise BenchFailed(f"wrk failed for {page.name}: {result.stdout}{result.stderr}")
    return {k: int(v) for k, v in (pair.split("=") for pair in line.split()[1:])}


def median_round(measured: list[dict[str, int]]) -> dict[str, int]:
    """Of a page's rounds, the one with the median throughput."""
    ranked = sorted(measured, key=lambda f: f["requests"] / f["duration_us"])
    return ranked[len(ranked) // 2]


def measure_load(page: Page, figures: dict[str, int], *, failures: bool = True) -> None:
    page.rps = figures["requests"] / (figures["duration_us"] / 1e6)
    page.p50_ms = figures["p50_us"] / 1000
    page.p95_ms = figures["p95_us"] / 1000
    if not failures:
        return
    for key, label in (
        ("non200", "responses other than 200"),
        ("unmarked", "200s without the page's markers"),
        ("errors", "connection errors or timeouts"),
    ):
        if figures[key]:
            page.failures.append(f"{figures[key]} {label} under load")


# --- Report ----------------------------------------------------------------------------------


def targets_check(page: Page, baseline: Page, floor: Page | None) -> None:
    if page.kind == "floor" and baseline.rps and page.rps < FLOOR_SHARE * baseline.rps:
        page.failures.append(
            f"throughput {page.rps / baseline.rps:.0%} of the baseline's is under {FLOOR_SHARE:.0%}"
        )
    if page.kind in ("baseline", "floor"):
        return
    share = SHARE_OF_FLOOR.get(page.kind)
    if share is not None and floor is not None and floor.rps and page.rps < share * floor.rps:
        page.failures.append(
            f"throughput {page.rps / floor.rps:.0%} of the signed-in floor's is under {share:.0%}"
        )
    if page.target_ms is not None and page.p95_ms > page.target_ms:
        page.failures.append(f"p95 {page.p95_ms:.1f} ms is over {page.target_ms} ms")
    if baseline.rps and page.rps < THROUGHPUT_SHARE * baseline.rps:
        page.failures.append(
            f"throughput {page.rps / baseline.rps:.0%} of the baseline's is under "
            f"{THROUGHPUT_SHARE:.0%}"
        )
    if page.queries and max(page.queries) > QUERY_LIMIT:
        page.failures.append(f"{max(page.queries)} queries is over {QUERY_LIMIT}")
    if len(set(page.queries)) > 1:
        page.failures.append(f"query count varies with the record: {sorted(set(page.queries))}")


def span(values: list[int]) -> str:
    """'12', or '20 to 49' when the rotated pages differ."""
    if not values:
        return "-"
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low} to {high}"


def table(results: list[Page], baseline: Page) -> str:
    from bench.shape import BENCH_PEOPLE

    floor = next((page for page in results if page.kind == "floor"), None)
    lines = [
        "| Page | Signed in as | Requests/s | Share of baseline | Share of floor | p50 ms "
        "| p95 ms | p95 target | Queries | Rows shown | Result |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for page in results:
        lines.append(
            "| "
            + " | ".join(
                [
                    page.name,
                    BENCH_PEOPLE[page.person].name.removeprefix("Bench ") if page.person else "-",
                    f"{page.rps:,.0f}",
                    f"{page.rps / baseline.rps:.0%}" if baseline.rps else "-",
                    f"{page.rps / floor.rps:.0%}"
                    if floor and floor.rps and page.kind not in ("baseline", "floor")
                    else "-",
                    f"{page.p50_ms:.1f}",
                    f"{page.p95_ms:.1f}",
                    f"{page.target_ms} ms" if page.target_ms else "-",
                    span(page.queries)
                    + (
                        f" ({span(page.cached_queries)} cached)"
                        if page.cached_queries != page.queries
                        else ""
                    ),
                    span(page.rows),
                    "fail: " + "; ".join(page.failures)
                    if page.failures
                    else "no target"
                    if page.kind == "baseline"
                    else "met",
                ]
            )
            + " |"
        )
    return "\n".join(lines)


def git_describe() -> str:
    git = shutil.which("git")
    if git is None:
        return "unknown"
    head = subprocess.run(  # noqa: S603  # nosec B603: fixed arguments
        [git, "rev-parse", "--short", "HEAD"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout.strip()
    dirty = subprocess.run(  # noqa: S603  # nosec B603: fixed arguments
        [git, "--no-optional-locks", "status", "--porcelain", "--untracked-files=no"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    ).stdout.strip()
    return f"{head or 'unknown'}{' with uncommitted changes' if dirty else ''}"


def report(results: list[Page], counts: dict[str, int], scale: float, settings: str) -> str:
    baseline = results[0]
    floor = next((page for page in results if page.kind == "floor"), None)
    for page in results:
        targets_check(page, baseline, floor)
    passed = not any(page.failures for page in results)
    return "\n".join(
        [
            f"## Benchmark run of {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
            "",
            f"Commit {git_describe()}; scale {scale:g} ({counts['breaches']:,} breaches, "
            f"{counts['events']:,} timeline events); {settings}; {os.cpu_count()} cores.",
            "",
            table(results, baseline),
            "",
            f"Targets: p95 <= {P95_TARGET_MS['dashboard']} ms for dashboards, "
            f"<= {P95_TARGET_MS['list']} ms for lists and the MOU page, "
            f"<= {P95_TARGET_MS['breach']} ms for a breach page; every page >= "
            f"{THROUGHPUT_SHARE:.0%} of the health check's throughput and <= {QUERY_LIMIT} "
            "queries, the same for every record; the signed-in floor >= "
            f"{FLOOR_SHARE:.0%} of the health check's throughput; breach pages and lists >= "
            f"{SHARE_OF_FLOOR['list']:.0%} and dashboards >= {SHARE_OF_FLOOR['dashboard']:.0%} "
            "of the floor's.",
            "",
            "Result: " + ("every check passed and every target was met." if passed else "FAILED."),
            "",
        ]
    )


# --- The run ------------------------------------------------------------------------------


def run() -> int:
    database_url = setting("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    scale = float(setting("BENCH_SCALE", "10"))
    seconds = int(setting("BENCH_DURATION", "10"))
    warmup = int(setting("BENCH_WARMUP", "2"))
    connections = int(setting("BENCH_CONNECTIONS", "8"))
    rounds = max(1, int(setting("BENCH_ROUNDS", "1")))
    results_file = Path(setting("BENCH_RESULTS", str(ROOT / "bench-results.md")))
    wrk = shutil.which("wrk")
    if wrk is None:
        say("wrk is not installed: sudo apt-get install wrk")
        return 2
    name = database_url.split("?")[0].rsplit("/", 1)[-1]
    if not name.endswith("_bench"):
        say(f"BENCH_DATABASE_URL names the database '{name}': it must end with _bench")
        return 2

    with tempfile.TemporaryDirectory(prefix="portal-bench-") as folder:
        work = Path(folder)
        database_create(database_url)
        env = prepare_django(database_url, work / "static")
        counts = data_ensure(scale)
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        from bench.shape import BENCH_PEOPLE

        cookies = {key: verified_session(p.email) for key, p in BENCH_PEOPLE.items()}
        results = pages()
        for page in results:
            measure_in_process(page, cookies.get(page.person))

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = work / "gunicorn.log"
        server = gunicorn_start(env, port, log)
        try:
            gunicorn_ready(server, port, log)
            say(
                f"gunicorn (2 workers) at {base}; {seconds} s a page after {warmup} s of warm-up"
                + (f", median of {rounds} rounds" if rounds > 1 else "")
                + ("; Redis cache and sessions" if os.environ.get("REDIS_URL") else "")
            )
            for page in results:
                cookie = cookies.get(page.person)
                for path in page.paths:
                    status, html = fetch(base, path, cookie)
                    problem = content_problem(status, html, page, path)
                    if problem:
                        page.failures.append(f"{path}: {problem}")
                        break
                if page.failures:
                    say(f"  {page.name}: not measured ({page.failures[0]})")
                    continue
                measured = []
                for _ in range(rounds):
                    wrk_run(wrk, base, page, cookie, warmup, connections, work)
                    measured.append(wrk_run(wrk, base, page, cookie, seconds, connections, work))
                for figures in measured:
                    measure_load(page, figures)  # counts every round's failures
                measure_load(page, median_round(measured), failures=False)
                say(f"  {page.name}: {page.rps:,.0f}/s, p95 {page.p95_ms:.1f} ms")
        finally:
            gunicorn_stop(server)
            redis_forget()

    text = report(
        results,
        counts,
        scale,
        f"wrk -t1 -c{connections}, {seconds} s a page after {warmup} s of warm-up"
        + (f", median of {rounds} rounds" if rounds > 1 else "")
        + ", gunicorn 2 workers, persistent connections"
        + (", cache and sessions on Redis" if os.environ.get("REDIS_URL") else ", no Redis"),
    )
    if setting("BENCH_JSON", ""):
        Path(setting("BENCH_JSON", "")).write_text(
            json.dumps({page.name: page.rps for page in results if page.rps})
        )
    say()
    say(text)
    results_file.write_text(text)
    say(f"Written to {results_file}")
    return 1 if any(page.failures for page in results) else 0


def _stop_on_signal(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through the finally that stops gunicorn


def scale_database_url(scale: float) -> str:
    """The scale-10 data set in portal_bench, any other scale in a database of its own."""
    url = setting("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if scale == 10:
        return url
    base, _, query = url.partition("?")
    head, name = base.rsplit("/", 1)
    label = f"{scale:g}".replace(".", "_")
    return f"{head}/{name.removesuffix('_bench')}_scale{label}_bench" + (
        f"?{query}" if query else ""
    )


def run_scales(scales: list[float]) -> int:
    """One run per scale (each in its own process, on its own database), then each page's
    time per request at the largest scale against the smallest."""
    figures: dict[float, dict[str, float]] = {}
    failed = False
    with tempfile.TemporaryDirectory(prefix="portal-bench-scales-") as folder:
        for scale in scales:
            out = Path(folder) / f"{scale:g}.json"
            results = ROOT / f"bench-results-scale{scale:g}.md"
            say(
                f"--- Scale {scale:g} ({scale_database_url(scale).split('?')[0].rsplit('/', 1)[-1]})"
            )
            code = subprocess.run(  # noqa: S603  # nosec B603: this script, fixed arguments
                [sys.executable, __file__],
                env={
                    **os.environ,
                    "BENCH_SCALES": "",
                    "BENCH_SCALE": f"{scale:g}",
                    "BENCH_DATABASE_URL": scale_database_url(scale),
                    "BENCH_JSON": str(out),
                    "BENCH_RESULTS": str(results),
                },
                check=False,
            ).returncode
            failed = failed or code != 0
            figures[scale] = json.loads(out.read_text()) if out.exists() else {}
    small, large = min(scales), max(scales)
    lines = [
        f"## Time per request at scale {large:g} against scale {small:g}",
        "",
        f"| Page | Requests/s at {small:g} | Requests/s at {large:g} | Time per request "
        f"| Result (at most {SCALE_GROWTH - 1:.0%} longer) |",
        "|---|--:|--:|--:|---|",
    ]
    for name, rps_small in figures[small].items():
        rps_large = figures[large].get(name)
        if not rps_large:
            continue
        growth = rps_small / rps_large
        met = growth <= SCALE_GROWTH
        failed = failed or not met
        lines.append(
            f"| {name} | {rps_small:,.0f} | {rps_large:,.0f} | {growth - 1:+.0%} "
            f"| {'met' if met else 'missed'} |"
        )
    text = "\n".join(lines) + "\n"
    say()
    say(text)
    (ROOT / "bench-results-scales.md").write_text(text)
    return 1 if failed else 0


def main() -> int:
    signal.signal(signal.SIGTERM, _stop_on_signal)
    scales = [float(x) for x in setting("BENCH_SCALES", "").replace(",", " ").split()]
    try:
        if len(scales) > 1:
            return run_scales(scales)
        return run()
    except BenchFailed as error:
        say(f"Benchmark failed: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
