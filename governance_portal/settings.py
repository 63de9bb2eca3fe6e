"""Settings for the Agency MOU Governance Portal.

One file, driven by environment variables (see README.md for the list). Behaviour is switched
with variables, not with extra settings modules.
"""

from datetime import timedelta
from pathlib import Path

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local convenience: variables from a .env file beside manage.py (DJANGO_ENV_FILE names another
# file, or none when empty). Real environment variables win. The tests read none: they run on the
# settings they declare (tests/settings.py, docs/adr/0017-test-settings.md).
env_file = env.str("DJANGO_ENV_FILE", default=str(BASE_DIR / ".env"))
if env_file:
    environ.Env.read_env(env_file)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY: the portal refuses to start without it when DJANGO_DEBUG is false."
        )
    SECRET_KEY = "insecure-development-key-only-for-DJANGO_DEBUG-true"  # noqa: S105  # nosec B105

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "accounts.admin_config.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "csp",
    "django_filters",
    "django_tables2",
    "simple_history",
    "kernel",  # the email outbox's table (kernel/outbox.py)
    "governance_portal",
    "accounts",
    "mou",
    "msp",
    "cap_exceptions",
    "breaches",
    "datasharing",
    "dashboards",
    "governance",
]
# The benchmark's data set and seed_bench (development only): make test and make bench set it.
if env.bool("BENCH", default=False):
    INSTALLED_APPS.append("bench")

MIDDLEWARE = [
    "kernel.logs.RequestLogMiddleware",  # first: names and times the whole request
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.TwoFactorStateMiddleware",  # django-otp's OTPMiddleware, cached
    "accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

ROOT_URLCONF = "governance_portal.urls"
CSRF_FAILURE_VIEW = "governance_portal.views.csrf_failure"
WSGI_APPLICATION = "governance_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance_portal.context_processors.portal",
            ],
            "builtins": ["governance_portal.templatetags.govuk"],
        },
    }
]
# Our GOV.UK form templates live in templates/components/forms (docs/adr/0002-govuk-forms.md).
FORM_RENDERER = "kernel.forms.GovukFormRenderer"

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Only form choices iterate querysets (.iterator()), and they are short: a server-side cursor cost
# three round trips each (DECLARE, FETCH, CLOSE) for a few dozen rows. Also what a transaction-
# pooling proxy such as PgBouncer needs.
DATABASES["default"].setdefault("DISABLE_SERVER_SIDE_CURSORS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out sign-ins
    # Django's ModelBackend, keeping a signed-in person's row for their stamp (accounts/backends.py)
    "accounts.backends.PortalBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Invitation and password reset links stay valid for this long.
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT_SECONDS", default=3 * 24 * 60 * 60)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# The cache: shared on Redis when REDIS_URL is set (any number of app servers), else in each
# process. Dashboard figures' keys carry a data token read from the database, so they are
# correct either way (dashboards/cache.py). Redis down is a cache miss (kernel/cache.py). Each
# deployment has its own key prefix, so deployments (and tests) may share a Redis server.
REDIS_URL = env.str("REDIS_URL", default="")
CACHE_KEY_PREFIX = env.str("CACHE_KEY_PREFIX", default="portal")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "kernel.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
            # Give up quickly on an unreachable Redis: the page goes on without the cache.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    # Sessions in the database, read through the shared cache: a restart or a Redis outage
    # loses no one's session. Not with a per-process cache, where signing out in one process
    # would leave the session cached in the others.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # A person's roles read from the shared cache, not the database, on each request
    # (accounts.scope.cached_roles): only with a shared cache, which every server's
    # invalidation reaches.
    ROLES_CACHE = True
else:
    ROLES_CACHE = False
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

STATIC_URL = "static/"
# Where collectstatic puts files for whitenoise (the benchmark points it at a temporary folder).
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Files browsers ask for at the site's root (/favicon.ico), served by whitenoise before sign-in.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
# GOV.UK Notify instead (kernel/notify.py): an API key and the template every email uses.
NOTIFY_API_KEY = env.str("NOTIFY_API_KEY", default="")
NOTIFY_TEMPLATE_ID = env.str("NOTIFY_TEMPLATE_ID", default="")
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="https://api.notifications.service.gov.uk")
if NOTIFY_API_KEY:
    if not NOTIFY_TEMPLATE_ID:
        raise ImproperlyConfigured("NOTIFY_API_KEY needs NOTIFY_TEMPLATE_ID")
    EMAIL_BACKEND = "kernel.notify.NotifyEmailBackend"
# Every email is a row in the outbox first, delivered after commit through the backend above.
OUTBOX_DELIVERY_BACKEND = EMAIL_BACKEND
EMAIL_BACKEND = "kernel.outbox.OutboxBackend"
# Background work (governance_portal/celery.py): a Celery worker sends the outbox's emails and
# runs what one beat schedules. Without a broker (`make run`, tests) tasks run in the process,
# after commit, with the same code. Queues and keys carry this deployment's prefix.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "global_keyprefix": f"{CACHE_KEY_PREFIX}:",
    # A page that queues a task tries the broker once and goes on: a row the broker did not
    # take waits for send_outbox. Workers reconnect on their own (broker_connection_retry).
    "max_retries": 0,
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = f"{CACHE_KEY_PREFIX}-tasks"
CELERY_TASK_IGNORE_RESULT = True  # no result backend: the outbox's rows are the record
CELERY_TASK_ACKS_LATE = True  # a worker that dies mid-task leaves it for another
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the portal's JSON logs, below
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "celerybeat-schedule")
)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Agency MOU portal <no-reply@localhost>")
PORTAL_NAME = "Agency MOU governance portal"
# The domain in the UIDs of calendar events the portal sends (governance/calendar.py).
PORTAL_CALENDAR_DOMAIN = env.str("PORTAL_CALENDAR_DOMAIN", default="agency-mou-portal.example")
# A governance meeting's papers are due this many clear days before it (not counting the day
# they go out nor the meeting's day), and presenters whose papers are missing are reminded this
# many days before that (governance/reminders.py). Regions' terms may differ: configuration.
GOVERNANCE_PAPERS_CLEAR_DAYS = env.int("GOVERNANCE_PAPERS_CLEAR_DAYS", default=5)
GOVERNANCE_PAPERS_REMINDER_DAYS = env.int("GOVERNANCE_PAPERS_REMINDER_DAYS", default=3)
# The address the portal's own links point at in emails (invitations, password resets).
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

DJANGO_TABLES2_TEMPLATE = "components/table.html"
DJANGO_TABLES2_TABLE_ATTRS = {
    "class": "govuk-table",
    "thead": {"class": "govuk-table__head"},
    "tbody": {"class": "govuk-table__body"},
}

# Security (docs/security.md). Production values come from the environment; CI checks them
# with `manage.py check --deploy --fail-level WARNING`.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=SECURE_HSTS_SECONDS > 0
)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# Preloading commits the whole domain to HTTPS in browsers for good: the operator's decision.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# Sessions end after this long without activity, and after the absolute lifetime whatever happens.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT_SECONDS", default=30 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT_SECONDS", default=10 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# Two-factor sign-in is required for admins, regional leads and DCSs. Only the `make run` demo
# may switch it off, and every page then says so.
REQUIRE_2FA = env.bool("DJANGO_REQUIRE_2FA", default=True)
if not REQUIRE_2FA and not DEBUG:
    raise ImproperlyConfigured(
        "DJANGO_REQUIRE_2FA=false is only for the demo (DJANGO_DEBUG=true): a live portal "
        "requires two-factor sign-in."
    )
OTP_TOTP_ISSUER = "Agency MOU portal"
OTP_TOTP_THROTTLE_FACTOR = 1

# Lockout after repeated failures, for the pair of account and address together.
AXES_FAILURE_LIMIT = env.int("SIGN_IN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("SIGN_IN_LOCKOUT_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "kernel.security.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
AXES_VERBOSE = False
# Sign-in attempts hold every account's address: shown on the person's page, not in the admin.
AXES_ENABLE_ADMIN = False
# The address of the person signing in comes from this header only when the request arrives
# from one of these proxies (e.g. DJANGO_TRUSTED_PROXIES=10.0.0.0/8), never from anyone else.
CLIENT_IP_HEADER = env.str("DJANGO_CLIENT_IP_HEADER", default="HTTP_X_FORWARDED_FOR")
TRUSTED_PROXIES = env.list("DJANGO_TRUSTED_PROXIES", default=[])

# Uploads (kernel/uploads.py): kept outside static and public media, served only
# through views that check the viewer's scope.
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# The layout of the national return's statement new data returns are answered in
# (datasharing/national_return.py: DfE's operational guidance is not yet confirmed).
DATA_RETURN_STATEMENT_LAYOUT = env.str("DATA_RETURN_STATEMENT_LAYOUT", default="2024-10")

# One JSON line per log record and per request (kernel/logs.py), unless DJANGO_LOG_FORMAT is
# "text" (the default in debug, for `make run`).
LOG_FORMAT = env.str("DJANGO_LOG_FORMAT", default="text" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "kernel.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "kernel.logs.JsonFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"

# Error reports to Sentry when SENTRY_DSN is set, with personal data off (kernel/errors.py).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from kernel.errors import start_error_reporting

    start_error_reporting(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
    )
