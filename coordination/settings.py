"""Settings for Sammen, read from environment variables (see README.md, "Configuration").

Development defaults point at the project's own PostgreSQL and Redis on loopback (scripts/env.sh).
With DEBUG off the project refuses to start on development defaults.
"""

import re
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

DEVELOPMENT_SECRET_KEY = "django-insecure-sammen-development-key-never-use-in-production"

env = environ.Env()
# A developer may keep local overrides in .env (git-ignored); the real environment wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEVELOPMENT_SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is the development key while DEBUG is off. "
        "Set SECRET_KEY to a long random value (or DEBUG=true for development)."
    )


def _production_value(name: str, development_default: str) -> str:
    """A setting that has a loopback development default, which production must not fall back on:
    a portal that silently used a local database, broker or e-mail link base would look healthy
    while writing to the wrong place (the base URL goes into every e-mail and SMS)."""
    if DEBUG:
        return env.str(name, default=development_default)
    if not env.str(name, default=""):
        raise ImproperlyConfigured(
            f"{name} is not set while DEBUG is off. Set it (see README.md, Configuration), "
            "or DEBUG=true for development."
        )
    return env.str(name)


def _positive_int(name: str, default: int) -> int:
    """A length of time that must be more than nothing: 0 would end every session or token at
    once, which looks like a broken login rather than a setting."""
    value = env.int(name, default=default)
    if value <= 0:
        raise ImproperlyConfigured(f"{name} must be a whole number above 0 (got {value}).")
    return value


ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

_pg_port = env.str("SAMMEN_PG_PORT", default="54329")
_redis_port = env.str("SAMMEN_REDIS_PORT", default="63799")
DATABASES = {
    "default": env.db_url_config(
        _production_value("DATABASE_URL", f"postgres://sammen:sammen@127.0.0.1:{_pg_port}/sammen")
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
# PostgreSQL's JIT compiles queries whose estimated cost is high (the finder's filters) and costs
# ~70 ms each time; our queries are short, so it only ever adds latency.
# A prepared statement (coordination.statements.Prepared: every compiled read and the hot
# writes) is planned once a connection, without the values: PostgreSQL's default planned some
# anew on every call, for ever, whenever a plan for the values looked cheaper (the share view's
# team check: its planning cost ten times its run, on every share).
DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
    "-c jit=off -c plan_cache_mode=force_generic_plan"
)
# Tests only: the migrated database each test database is copied from (scripts/test.sh makes
# it), instead of running every migration for each of them.
if template := env("SAMMEN_TEST_TEMPLATE", default=""):
    DATABASES["default"]["TEST"] = {"TEMPLATE": template}
REDIS_URL = _production_value("REDIS_URL", f"redis://127.0.0.1:{_redis_port}/0")
# The cache (today: the API's throttle counters) lives on the same Redis as Celery's queue, under
# its own key prefix. Short timeouts: the throttles let requests through while Redis is down
# (coordination/throttling.py), and must not make them wait for it.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "sammen-cache",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
}

INSTALLED_APPS = [
    # Django's admin on a site that also asks for the second factor (coordination/admin_site.py).
    "coordination.apps.SammenAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "axes",
    "csp",
    # Two-factor sign-in (coordination/two_factor.py). Before coordination, whose admin module
    # unregisters their admin pages (they would show everyone's secrets to staff).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "simple_history",
    "coordination",
    "services_registry",
    "cases",
    "consent",
    "voice",
    "meetings",
    "referrals",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that may query the database with a value from the request (static files,
    # the session behind the cookie): PostgreSQL cannot take a NUL character.
    "coordination.middleware.RejectNulMiddleware",
    # Serves collected static files in production; in development runserver serves them.
    *([] if DEBUG else ["whitenoise.middleware.WhiteNoiseMiddleware"]),
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user verified when this session passed a second factor (django-otp).
    "django_otp.middleware.OTPMiddleware",
    "coordination.middleware.UserLanguageMiddleware",
    # After the language, so its page and JSON answer speak the person's language.
    "coordination.middleware.SecondFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records who made each catalogue change (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "coordination.middleware.SignInProvidersFormActionMiddleware",
    # Last, as django-axes requires.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coordination.urls"
WSGI_APPLICATION = "coordination.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coordination.context_processors.notifications",
            ],
        },
    },
]

AUTH_USER_MODEL = "coordination.User"
AUTHENTICATION_BACKENDS = [
    # Lockout check first, as django-axes requires.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Shared devices (school PCs, a parent's phone): sessions end after 30 idle minutes and with the
# browser; every request slides the window (the session row's expiry is written on each request,
# and the database backend refuses a session past it).
# Django's database sessions, their per-request read compiled once a process.
SESSION_ENGINE = "coordination.sessions"
SESSION_COOKIE_AGE = _positive_int("SAMMEN_SESSION_IDLE_MINUTES", default=30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Brute-force lockout: 5 failures for one username from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_CALLABLE = "coordination.views.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# A wrong one-time code counts as a failed login too (coordination/two_factor.py); axes keeps the
# posted fields of failures, so the code is masked like the password.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp"]

# Two-factor sign-in (docs/architecture.md §7a): staff and catalogue editors always; helpers
# (coordination.demo.HELPERS) too unless this is off, as it is by default in development so the
# demo personas keep password-only login.
SAMMEN_REQUIRE_2FA_FOR_HELPERS = env.bool("SAMMEN_REQUIRE_2FA_FOR_HELPERS", default=not DEBUG)
# The name an authenticator app shows next to the account.
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Sammen")

# Internationalisation: Norwegian bokmål, nynorsk and English. A municipality whose language
# is nynorsk sets SAMMEN_DEFAULT_LANGUAGE=nn: the language of visitors who have not chosen one
# and of new accounts (a person's own choice always wins).
LANGUAGES = [
    ("nb", _("Norwegian bokmål")),
    ("nn", _("Norwegian nynorsk")),
    ("en", _("English")),
]
LANGUAGE_CODE = env.str("SAMMEN_DEFAULT_LANGUAGE", default="nb")
if LANGUAGE_CODE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"SAMMEN_DEFAULT_LANGUAGE must be one of nb, nn, en (got {LANGUAGE_CODE!r})."
    )
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Uploaded files are never under static: they are served only through permission-checked views.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / ".data" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# E-mail (notification bodies carry no case content; see docs/architecture.md §5). In
# development every message is a file under .data/mail/, so someone trying the demo can follow
# an invitation link (README). django-environ drops one leading slash of the path: filemail:///<abs>.
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL",
    default=f"filemail:///{BASE_DIR / '.data' / 'mail'}" if DEBUG else "smtp://localhost:25",
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Sammen <ikke-svar@sammen.localhost>")

# SMS: a dotted path to a class with send(phone, text); in development one JSON line a message
# in SAMMEN_SMS_FILE_PATH (.data/sms.jsonl), like the mail files.
SAMMEN_SMS_BACKEND = env.str(
    "SAMMEN_SMS_BACKEND",
    default="coordination.sms.FileSmsBackend" if DEBUG else "coordination.sms.ConsoleSmsBackend",
)
SAMMEN_SMS_FILE_PATH = env.str(
    "SAMMEN_SMS_FILE_PATH", default=str(BASE_DIR / ".data" / "sms.jsonl")
)
# Links in e-mails and SMS; in development the address `make run` serves on.
SAMMEN_BASE_URL = _production_value(
    "SAMMEN_BASE_URL", f"http://127.0.0.1:{env.int('SAMMEN_WEB_PORT', default=8000)}"
)
# An invitation link works once, for this many days (cases.Invitation).
SAMMEN_INVITATION_TTL_DAYS = env.int("SAMMEN_INVITATION_TTL_DAYS", default=7)
# "Everything about me" (coordination.exports): the zip's link works once, for this many days;
# then the file is deleted. A build that failed this many times is given up (status failed).
SAMMEN_EXPORT_TTL_DAYS = env.int("SAMMEN_EXPORT_TTL_DAYS", default=7)
SAMMEN_EXPORT_MAX_ATTEMPTS = env.int("SAMMEN_EXPORT_MAX_ATTEMPTS", default=3)
# A worker holds an export this long while building; after that the sweep may hand it on.
SAMMEN_EXPORT_CLAIM_SECONDS = env.int("SAMMEN_EXPORT_CLAIM_SECONDS", default=30 * 60)
# A worker holds a notification this long while delivering; after that the sweep may retry it.
NOTIFICATION_CLAIM_SECONDS = env.int("NOTIFICATION_CLAIM_SECONDS", default=120)

# Celery: the broker is Redis; a database outbox makes a down broker delay, never lose, work.
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# The tasks a pool process runs before Celery's Django fixup closes its database connection
# (its default closes it around every task); coordination/celery.py lets Django close it instead.
CELERY_DB_REUSE_MAX = 1_000_000
# Publishing must fail fast when Redis is down: the outbox row is already committed and the
# sweep delivers it later, so a web request never waits for the broker.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    "max_retries": 0,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {
    "worker-heartbeat": {"task": "coordination.tasks.record_worker_heartbeat", "schedule": 60.0},
    "notification-sweep": {"task": "coordination.tasks.sweep_notifications", "schedule": 60.0},
    "api-tokens-expired": {
        "task": "coordination.tasks.delete_expired_api_tokens",
        "schedule": 3600.0,
    },
    # Exports whose enqueue was lost are built; files of used or expired links are deleted.
    "exports-sweep": {"task": "coordination.tasks.sweep_exports", "schedule": 60.0},
    "exports-expired": {"task": "coordination.tasks.delete_expired_exports", "schedule": 3600.0},
    "consent-request-expiry": {"task": "consent.tasks.expire_consent_requests", "schedule": 3600.0},
    # Rules and disclosures whose end date has passed end (access already ended at midnight:
    # cases.selectors.entries_visible reads the permission row's expiry).
    "consent-disclosure-expiry": {"task": "consent.tasks.expire_disclosures", "schedule": 300.0},
    "consent-read-first-timeout": {
        "task": "consent.tasks.release_held_shares",
        "schedule": 300.0,
    },
    "meetings-action-item-reminders": {
        "task": "meetings.tasks.send_action_item_reminders",
        "schedule": 3600.0,
    },
    "meetings-evaluation-reminders": {
        "task": "meetings.tasks.send_evaluation_reminders",
        "schedule": 3600.0,
    },
    "voice-plan-step-reminders": {
        "task": "voice.tasks.send_plan_step_reminders",
        "schedule": 3600.0,
    },
    "voice-check-ins": {"task": "voice.tasks.schedule_check_ins", "schedule": 3600.0},
    "meetings-publish-due-agendas": {
        "task": "meetings.tasks.publish_due_agendas",
        "schedule": 300.0,
    },
    "cases-follow-up-reminders": {"task": "consent.tasks.remind_follow_ups", "schedule": 3600.0},
    # Guardians leave the case of a young person who turned 18 today (access ended at
    # midnight already: cases.models.ParticipantQuerySet.active).
    # Content of closed cases past retention (SAMMEN_RETENTION_YEARS) is erased at night.
    "cases-retention": {
        "task": "cases.tasks.erase_expired_content",
        "schedule": crontab(hour=2, minute=30),
    },
    "referrals-overdue": {"task": "referrals.tasks.flag_overdue_referrals", "schedule": 3600.0},
    "consent-youth-adult": {
        "task": "consent.tasks.youth_adult_leave",
        "schedule": crontab(hour=0, minute=5),
    },
}
# Referrals (docs/architecture.md "Referrals"): an answer is due within the service's stated
# waiting time, or this many days when the catalogue names none; the sweep flags what is late.
SAMMEN_REFERRAL_ANSWER_DAYS = env.int("SAMMEN_REFERRAL_ANSWER_DAYS", default=14)
# Meetings (docs/architecture.md §6): an agenda not yet sent out goes out by itself this long
# before the meeting; task owners are reminded this many days before the due date.
SAMMEN_AGENDA_PUBLISH_BEFORE = timedelta(hours=env.int("SAMMEN_AGENDA_PUBLISH_HOURS", default=48))
SAMMEN_ACTION_ITEM_REMIND_DAYS = env.int("SAMMEN_ACTION_ITEM_REMIND_DAYS", default=2)
# The owner of a step in a young person's plan is reminded this many days before its date.
SAMMEN_PLAN_STEP_REMIND_DAYS = env.int("SAMMEN_PLAN_STEP_REMIND_DAYS", default=2)
# The young person is reminded once, this many days after a meeting was held, to say what they
# thought (unless they answered); meetings held longer ago than the window are left alone.
SAMMEN_EVALUATION_REMIND_DAYS = env.int("SAMMEN_EVALUATION_REMIND_DAYS", default=2)
SAMMEN_EVALUATION_REMIND_WINDOW_DAYS = env.int("SAMMEN_EVALUATION_REMIND_WINDOW_DAYS", default=7)
# A closed case can be opened again (by the same people) this many days after it was closed;
# well inside the shortest retention below, so a reopened case still has its content.
SAMMEN_REOPEN_WITHIN_DAYS = env.int("SAMMEN_REOPEN_WITHIN_DAYS", default=365)
# The controller (the municipality) and where a person sends a privacy complaint or question: the
# complaint page (voice) and the Art. 30 record name them.
SAMMEN_CONTROLLER_NAME = env.str("SAMMEN_CONTROLLER_NAME", default="Sammen kommune (demo)")
SAMMEN_PRIVACY_CONTACT_EMAIL = env.str(
    "SAMMEN_PRIVACY_CONTACT_EMAIL", default="personvernombud@sammen.localhost"
)
# How many years after a case closes the content of its entries is kept, per entry category
# (GDPR Art. 5(1)(e), storage limitation). None: never erased here; the records are transferred
# to the archive depository instead. The numbers are defaults; each municipality confirms them
# against its own archive plan (arkivforskrifta § 15 and the Riksarkivaren's disposal rules).
SAMMEN_RETENTION_YEARS: dict[str, int | None] = {
    # Child-welfare records are kept and transferred to the archive depository, not erased
    # (arkivlova § 9: no disposal without authority; the Riksarkivaren's rules preserve
    # municipal child-welfare case files).
    "child_welfare": None,
    # Health: the health service's own journal is the original and is kept there
    # (pasientjournalforskriften § 15); the copy here follows the journal's ten-year minimum.
    "health": 10,
    "mental_health": 10,
    # NAV and police keep their own records under their own acts (NAV-loven, politiregisterloven);
    # what was shared here is a copy.
    "nav": 5,
    "police": 5,
    # School and general notes: the shortest period the coordination work needs afterwards
    # (GDPR Art. 5(1)(e); opplæringslova keeps the school's own records).
    "school": 3,
    "family": 3,
    "general": 3,
}
# The last day of the school year (month, day): "until the school year ends" on a sharing rule
# or an approval (consent.periods). Norwegian schools end in the second half of June.
SAMMEN_SCHOOL_YEAR_ENDS = (6, 20)
# Reading first (consent.services.reading_first): a share under a standing rule of an entry the
# young person has not read waits at most this many hours after the entry was written.
SAMMEN_READ_FIRST_HOURS = _positive_int("SAMMEN_READ_FIRST_HOURS", default=72)

# API tokens (django-rest-knox, docs/architecture.md §8): only a SHA-512 digest is stored; a
# token ends after SAMMEN_TOKEN_TTL seconds, on logout, and when its owner's password changes or
# the account is deactivated.
SAMMEN_TOKEN_TTL = timedelta(seconds=_positive_int("SAMMEN_TOKEN_TTL", default=10 * 60 * 60))
REST_KNOX = {"TOKEN_TTL": SAMMEN_TOKEN_TTL, "AUTH_HEADER_PREFIX": "Token"}


def _throttle_rate(name: str, default: str) -> str:
    """A rate as DRF reads it ("20/min": a number, then second, minute, hour or day), checked at
    start-up: a typo would otherwise be a 500 on every API call."""
    rate = env.str(name, default=default)
    if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", rate):
        raise ImproperlyConfigured(f"{name} must look like 20/min (got {rate!r}).")
    return rate


# API throttling (coordination/throttling.py), counted in the Redis cache: per IP for anonymous
# calls, per person otherwise, stricter for the token exchange and for invitations (views that
# set throttle_scope = "invitation").
SAMMEN_THROTTLE_RATES = {
    "anon": _throttle_rate("SAMMEN_THROTTLE_ANON", "120/min"),
    "user": _throttle_rate("SAMMEN_THROTTLE_USER", "600/min"),
    "token": _throttle_rate("SAMMEN_THROTTLE_TOKEN", "20/min"),
    "invitation": _throttle_rate("SAMMEN_THROTTLE_INVITATION", "30/hour"),
}

REST_FRAMEWORK = {
    # Token first: an unauthenticated API call then gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "coordination.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "coordination.throttling.AnonThrottle",
        "coordination.throttling.UserThrottle",
        "coordination.throttling.ScopedThrottle",
    ],
    # The client's address is the one the last SAMMEN_NUM_PROXIES proxies saw. Unset, DRF would
    # take the whole X-Forwarded-For header, which a client can fill with anything.
    "NUM_PROXIES": env.int("SAMMEN_NUM_PROXIES", default=0),
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "coordination.rest.StandardPagination",
    "PAGE_SIZE": 25,
    "EXCEPTION_HANDLER": "coordination.rest.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "coordination.schema.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Sammen API",
    "DESCRIPTION": "Multi-agency case coordination where the young person sees who knows what.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several apps use the field names `kind` and `status`: name their enums explicitly.
    "ENUM_NAME_OVERRIDES": {
        "EntryKindEnum": "cases.models.Entry.Kind",
        "ParticipantRoleEnum": "cases.models.Participant.Role",
        "RoleToAddEnum": "cases.serializers.ROLES_TO_ADD",
        "NotificationKindEnum": "coordination.notifications.kind_choices",
        "RemarkKindEnum": "voice.models.Remark.Kind",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "MinutesStatusEnum": "meetings.models.Minutes.Status",
        "ActionItemStatusEnum": "meetings.models.ActionItem.Status",
        "EvaluationAnswerEnum": "meetings.models.Evaluation.Answer",
        "ExportStatusEnum": "coordination.models.Export.Status",
    },
}

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
# Guardian's anonymous user row is not needed: anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None

# Security headers. CSP: everything from our own origin, no inline script, no framing.
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
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Consent policy (consent/policy.py, docs/architecture.md §4): the age from which the young person
# decides themself (health and everything else; child welfare), and from which their view is asked.
SAMMEN_CONSENT_AGES = {
    "self": env.int("SAMMEN_CONSENT_AGE_SELF", default=16),
    "self_child_welfare": env.int("SAMMEN_CONSENT_AGE_SELF_CHILD_WELFARE", default=15),
    "opinion": env.int("SAMMEN_CONSENT_AGE_OPINION", default=12),
}
# Attachments: the largest upload and the types accepted (checked against the file's content).
SAMMEN_ATTACHMENT_MAX_BYTES = env.int("SAMMEN_ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
# A message is a short note to a helper; longer texts are entries.
SAMMEN_MESSAGE_MAX_CHARS = env.int("SAMMEN_MESSAGE_MAX_CHARS", default=5_000)
# An entry's title and text (cases.services checks them for the page, the API and every
# workflow). The title is never longer than its 200-character column.
SAMMEN_ENTRY_TITLE_MAX_CHARS = min(env.int("SAMMEN_ENTRY_TITLE_MAX_CHARS", default=200), 200)
SAMMEN_ENTRY_BODY_MAX_CHARS = env.int("SAMMEN_ENTRY_BODY_MAX_CHARS", default=50_000)

# Identity (docs/architecture.md "Sign-in"): the claim that identifies a person at an OpenID
# provider (an ID-porten pid is a national identity number) is stored only as HMAC-SHA256 with this
# key. Changing it unlinks every identity, so it is kept like SECRET_KEY.
DEVELOPMENT_IDENTITY_HMAC_KEY = "sammen-development-identity-key-never-use-in-production"
SAMMEN_IDENTITY_HMAC_KEY = _production_value(
    "SAMMEN_IDENTITY_HMAC_KEY", DEVELOPMENT_IDENTITY_HMAC_KEY
)
if not DEBUG and SAMMEN_IDENTITY_HMAC_KEY == DEVELOPMENT_IDENTITY_HMAC_KEY:
    raise ImproperlyConfigured(
        "SAMMEN_IDENTITY_HMAC_KEY is the development key while DEBUG is off. "
        "Set it to a long random value and keep it (or DEBUG=true for development)."
    )


def _oidc_provider(key: str) -> dict:
    """One OpenID provider from SAMMEN_OIDC_<KEY>_* (README.md, "Sign-in with OpenID Connect")."""
    if not re.fullmatch(r"[a-z][a-z0-9]{0,31}", key):
        raise ImproperlyConfigured(
            f"SAMMEN_OIDC_PROVIDERS: {key!r} is not a provider key (small letters and digits)."
        )
    prefix = f"SAMMEN_OIDC_{key.upper()}_"
    roles = env.list(prefix + "ROLES")
    if not roles or not set(roles) <= {"youth", "guardian", "helper", "staff"}:
        raise ImproperlyConfigured(
            f"{prefix}ROLES must name who may use it: youth, guardian, helper and/or staff."
        )
    # Exactly as the tokens' `iss` says it (some issuers end in a slash).
    issuer = env.str(prefix + "ISSUER")
    return {
        "key": key,
        "label": env.str(prefix + "LABEL", default=""),
        "issuer": issuer,
        "discovery_url": env.str(
            prefix + "DISCOVERY_URL",
            default=f"{issuer.rstrip('/')}/.well-known/openid-configuration",
        ),
        "client_id": env.str(prefix + "CLIENT_ID"),
        "client_secret": env.str(prefix + "CLIENT_SECRET"),
        "token_auth_method": env.str(prefix + "TOKEN_AUTH_METHOD", default="client_secret_basic"),
        "scopes": env.str(prefix + "SCOPES", default="openid profile"),
        "claim": env.str(prefix + "CLAIM", default="sub"),
        "roles": roles,
        "acr_values": env.list(prefix + "ACR_VALUES", default=[]),
        # A stricter list for a role, e.g. SAMMEN_OIDC_IDPORTEN_ACR_VALUES_GUARDIAN.
        "acr_by_role": {
            role: env.list(prefix + f"ACR_VALUES_{role.upper()}")
            for role in roles
            if env.str(prefix + f"ACR_VALUES_{role.upper()}", default="")
        },
    }


# Sign-in with OpenID Connect: the providers offered on the login page, in this order.
SAMMEN_OIDC_PROVIDERS = {
    key: _oidc_provider(key) for key in env.list("SAMMEN_OIDC_PROVIDERS", default=[])
}

# Demo data: the password of the demo personas (seed_demo); "demo" only in DEBUG.
SAMMEN_DEMO_PASSWORD = env.str("SAMMEN_DEMO_PASSWORD", default="demo" if DEBUG else "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Request bodies and SQL parameters can carry case content: never log them.
        "django.db.backends": {"level": "WARNING"},
        # Its debug lines carry PKCE verifiers and tokens (an ID token holds the pid).
        "authlib": {"level": "WARNING"},
    },
}

# Service catalogue import (manage.py import_hsds): larger files are refused before parsing.
HSDS_IMPORT_MAX_BYTES = env.int("HSDS_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
