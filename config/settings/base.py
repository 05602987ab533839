"""Settings shared by every environment. Values come from the environment (django-environ)."""

import datetime
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_filters",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "core",
    "accounts",
    "jurisdictions",
    "campaigns",
    "resources",
    "dashboard",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
]

# Widgets are drawn from the templates setting, so templates/django/forms/ may draw a widget faster than
# Django's own (a select's options inline rather than one template include each).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "core.middleware.RejectUnstorableInputMiddleware",
    "core.middleware.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Each change kept in a record's history names who made it (core.history: and from where).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.sessions.SessionTimeoutMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts, styles, fonts and data only from this site, no inline script
# or style (pages load theirs from static files), images also as data: URLs (the two-factor QR code, the
# API docs' icons), no plugins, no framing, forms sent only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Browser features no page uses, refused for every page and frame (core.middleware.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "geolocation",
    "gyroscope",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
]

# The record histories (django-simple-history, core.history) are a trail, not an undo: the admin shows them
# but offers no revert, so every change still goes through the services.
SIMPLE_HISTORY_REVERT_DISABLED = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "django.template.context_processors.i18n",
                "core.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server, the worker and the scheduler share one SQLite file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Parameters bound by the server: psycopg then prepares a statement run five times on a connection,
    # and PostgreSQL plans it once instead of on every request (planning costs more than running most
    # of the pages' queries).
    DATABASES["default"].setdefault("OPTIONS", {})["server_side_binding"] = env.bool("DB_SERVER_SIDE_BINDING", True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that does not answer costs a request at most this long before the map is built anyway.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(BASE_DIR / "var" / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out sign-in before the password is checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.ProfileBackend"]
# Sessions live in the database: signing in and signed-in pages work whatever becomes of the cache.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# Signed out after this long without a request, and this long after signing in (accounts.sessions).
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 60 * 60)
SESSION_ABSOLUTE_TIMEOUT = env.int("SESSION_ABSOLUTE_TIMEOUT", default=14 * 24 * 60 * 60)
SESSION_ACTIVITY_RESOLUTION = 5 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in hardening (README: Security) ---
# Proxies in front of the app that set X-Forwarded-For (0: REMOTE_ADDR is the client). Throttles and
# lockouts count per address from core.throttle.client_ip.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# Password reset: requests per address given and per client address, each in an hour.
PASSWORD_RESET_LIMIT_PER_EMAIL = env.int("PASSWORD_RESET_LIMIT_PER_EMAIL", default=3)
PASSWORD_RESET_LIMIT_PER_ADDRESS = env.int("PASSWORD_RESET_LIMIT_PER_ADDRESS", default=10)
PASSWORD_RESET_WINDOW = 60 * 60
# API tokens: their longest (and default) lifetime, and wrong tokens an address may send in a window.
API_TOKEN_LIFETIME_DAYS = env.int("API_TOKEN_LIFETIME_DAYS", default=365)
API_TOKEN_FAILURE_LIMIT = env.int("API_TOKEN_FAILURE_LIMIT", default=20)
API_TOKEN_FAILURE_WINDOW = 10 * 60
# Wrong passwords (django-axes, counted in the database): after AXES_FAILURE_LIMIT for one username, or from
# one client address, sign-in is refused for LOGIN_LOCKOUT_MINUTES; a right password before that resets the
# count. Admins unlock at once under Admin > Axes > Access attempts (README: Security).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "core.throttle.client_ip"
AXES_VERBOSE = False
# Two-factor sign-in (accounts.two_factor, django-otp): required of staff and admins, offered to organizers.
TWO_FACTOR_REQUIRED_FOR_STAFF = env.bool("TWO_FACTOR_REQUIRED_FOR_STAFF", default=True)
OTP_TOTP_ISSUER = env("SITE_NAME", default="ICE Out Campaign Desk")

# The organization that holds campaigns, material and people with no other home (accounts.organizations).
DEFAULT_ORGANIZATION_NAME = env("DEFAULT_ORGANIZATION_NAME", default="Our organization")
# Days an invitation to an organization stays good (accounts.invitations).
INVITATION_DAYS = env.int("INVITATION_DAYS", default=14)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Every form is drawn by crispy-forms in Bootstrap 5 markup ({{ form|crispy }}, {{ field|as_crispy_field }}).
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_CONFIG = env.email_url("EMAIL_URL", default=f"filemail://{BASE_DIR / 'var' / 'mail'}")
vars().update(EMAIL_CONFIG)
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend":
    EMAIL_FILE_PATH = str(BASE_DIR / "var" / "mail")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Campaign desk <no-reply@localhost>")
SITE_NAME = env("SITE_NAME", default="ICE Out Campaign Desk")

# The jurisdiction pages and the policy map are public only when an organization decides so.
PUBLIC_MAP = env.bool("PUBLIC_MAP", default=False)
# Sites that may show the public map in a frame (/embed/map/, only when PUBLIC_MAP is on), as origins
# such as https://immigrant-rights.example.org, comma-separated: its Content-Security-Policy
# frame-ancestors. None by default; every other page may never be framed (X-Frame-Options: DENY).
EMBED_ALLOWED_ORIGINS = env.list("EMBED_ALLOWED_ORIGINS", default=[])
SHARED_DATA_DIR = env.path("SHARED_DATA_DIR", default=BASE_DIR.parent / "shared" / "data")

# Celery: Redis when REDIS_URL is set, otherwise kombu's SQLAlchemy transport on a SQLite file.
CELERY_BROKER_URL = env(
    "CELERY_BROKER_URL", default=REDIS_URL or f"sqla+sqlite:///{BASE_DIR / 'var' / 'celery-broker.sqlite3'}"
)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {
    "heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    # Hourly: each user's reminders go out in their local morning and digests at their chosen hour.
    # A tick that waited longer than an hour in the queue is dropped; the next one does its work.
    "send-reminders": {
        "task": "campaigns.tasks.send_reminders",
        "schedule": crontab(minute=5),
        "options": {"expires": 55 * 60},
    },
    "send-digests": {
        "task": "campaigns.tasks.send_digests",
        "schedule": crontab(minute=10),
        "options": {"expires": 55 * 60},
    },
}

# ICE's 287(g) lists fetched on a schedule (jurisdictions.tasks.fetch_ice_287g_lists): off unless a URL is
# set. Each URL is downloaded, checked to be a spreadsheet and imported as import_287g would; a refusal
# (not a spreadsheet, a list that would end too many agreements, a failed download) is emailed to staff.
ICE_287G_PARTICIPATING_URL = env("ICE_287G_PARTICIPATING_URL", default="")
ICE_287G_PENDING_URL = env("ICE_287G_PENDING_URL", default="")
ICE_287G_FETCH_MINUTE = env.int("ICE_287G_FETCH_MINUTE", default=20)  # past each hour
ICE_287G_FETCH_MAX_BYTES = env.int("ICE_287G_FETCH_MAX_BYTES", default=20 * 1024 * 1024)
ICE_287G_MAX_CLOSING = env.float("ICE_287G_MAX_CLOSING", default=20.0)  # percent, as import_287g --max-closing
if ICE_287G_PARTICIPATING_URL or ICE_287G_PENDING_URL:
    CELERY_BEAT_SCHEDULE["fetch-ice-287g"] = {
        "task": "jurisdictions.tasks.fetch_ice_287g_lists",
        "schedule": crontab(minute=ICE_287G_FETCH_MINUTE),
        "options": {"expires": 55 * 60},
    }

# Reminders and digests (campaigns.notifications).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")  # links in emails are absolute
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
NOTIFICATIONS_REMINDER_HOUR = env.int("NOTIFICATIONS_REMINDER_HOUR", default=8)  # local hour, from which on
# A claimed email not sent after this long belongs to a worker that died; the next run sends it.
# Longer than one send can take (EMAIL_TIMEOUT), so a slow send is never taken for a dead one.
NOTIFICATIONS_CLAIM_STALE_SECONDS = env.int("NOTIFICATIONS_CLAIM_STALE_SECONDS", default=15 * 60)
NOTIFICATIONS_MAX_ATTEMPTS = env.int("NOTIFICATIONS_MAX_ATTEMPTS", default=5)
NOTIFICATIONS_RETRY_BASE_SECONDS = env.int("NOTIFICATIONS_RETRY_BASE_SECONDS", default=60)  # doubles each time
NOTIFICATIONS_BATCH_SIZE = env.int("NOTIFICATIONS_BATCH_SIZE", default=25)  # emails per task

# The REST API (api app): session or bearer-token sign-in, paged lists, one error body shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.PageNumberPagination",
    "PAGE_SIZE": 25,
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_METADATA_CLASS": "api.metadata.Metadata",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Campaign desk API",
    "DESCRIPTION": "Campaigns against local ICE cooperation: campaigns, targets, meetings, records requests, "
    "deadlines, jurisdiction policy and the resource library. Sign in with a session or send "
    "`Authorization: Bearer <token>` with a token made on the API tokens page.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Choice sets that share a field name ("kind", "status") get names of their own.
    "ENUM_NAME_OVERRIDES": {
        "StageEnum": "campaigns.models.Stage",
        "StanceEnum": "campaigns.models.Stance",
        "GoalEnum": "campaigns.models.Goal",
        "MeetingKindEnum": "campaigns.models.Meeting.Kind",
        "MeetingStatusEnum": "campaigns.models.Meeting.Status",
        "DeadlineKindEnum": "campaigns.models.Deadline.Kind",
        "HandMadeDeadlineKindEnum": "api.serializers.deadlines.HAND_MADE_DEADLINE_KINDS",
        "DeadlineStatusEnum": "campaigns.models.Deadline.Status",
        "RecordsRequestStatusEnum": "campaigns.models.RecordsRequest.Status",
        "LetterStatusEnum": "campaigns.models.Letter.Status",
        "JurisdictionKindEnum": "jurisdictions.models.Jurisdiction.Kind",
        "AgencyKindEnum": "jurisdictions.models.Agency.Kind",
        "OfficeEnum": "jurisdictions.models.Office",
        "AgreementStatusEnum": "jurisdictions.models.Agreement287g.Status",
        "StateFloorEnum": "jurisdictions.models.StateFloor",
        "ResourceKindEnum": "resources.models.Kind",
        "ResourceStatusEnum": "resources.models.Resource.Status",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
API_MAX_PAGE_SIZE = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs a line per page at INFO; large PDFs would flood the log.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
