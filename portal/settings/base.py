"""Settings shared by every environment.

Everything that differs between a laptop and production comes from the environment
(12-factor): DATABASE_URL, REDIS_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS, EMAIL_URL,
FIELD_ENCRYPTION_KEYS. Docs: https://docs.djangoproject.com/en/6.1/ref/settings/
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("DAUYS_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# ------------------------------------------------------------------------------
# Core
# ------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "portal.User"
SITE_ID = 1

# ------------------------------------------------------------------------------
# Apps: django, third party, ours (portal first: the User model precedes all)
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "portal",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.postgres",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "notifications",
    "deputies",
    "petitions",
    "recalls",
    "hearings",
    "letters",
    "telegram_bot",
    "sittings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "portal.hot_reads.HotReadMiddleware",
    "portal.middleware.RequestContextMiddleware",
    "portal.middleware.RejectNullCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.RequestBodyLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "portal.middleware.RememberLanguageMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "portal.middleware.OfficialsNeedMFAMiddleware",
    "portal.middleware.DatabaseUnavailableMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
                "portal.context_processors.roles",
                "notifications.context_processors.unread",
            ],
        },
    },
]

# ------------------------------------------------------------------------------
# Database: https://github.com/jazzband/dj-database-url
# ------------------------------------------------------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'dauys.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

# ------------------------------------------------------------------------------
# Cache and Celery: Redis when REDIS_URL is set, otherwise in-process
# https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html
# ------------------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis outage degrades to cache misses instead of errors (portal/cache.py).
            "BACKEND": "portal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "dauys"),
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "dauys")
# The tally has a queue (and in production a worker process) of its own: an email fan-out on the
# default queue can never delay a count (Procfile.production, docs/operations.md).
CELERY_TALLY_QUEUE = os.environ.get("CELERY_TALLY_QUEUE", f"{CELERY_TASK_DEFAULT_QUEUE}-tally")
CELERY_TASK_ROUTES = {"petitions.tasks.petition_tally_task": {"queue": CELERY_TALLY_QUEUE}}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = "Asia/Almaty"
# Periodic schedules live in portal/celery.py (one place).

# ------------------------------------------------------------------------------
# Auth: django-allauth, email as login, verified email, MFA (TOTP)
# https://docs.allauth.org/en/latest/account/configuration.html
# ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
ACCOUNT_ADAPTER = "portal.adapters.AccountAdapter"
ACCOUNT_USER_DISPLAY = "portal.adapters.user_display"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Dauys"
MFA_FORMS = {
    "authenticate": "portal.forms.MFAAuthenticateForm",
    "reauthenticate": "portal.forms.MFAReauthenticateForm",
    "activate_totp": "portal.forms.TOTPActivateForm",
}
# URL names, reversed in the language of the page the person was on (/kk/ stays /kk/), never "/",
# which would follow the browser's Accept-Language instead.
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ------------------------------------------------------------------------------
# Internationalisation: Kazakh first, then Russian and English
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_vendor"]
TIME_ZONE = "Asia/Almaty"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "dauys_language"
# Dates, times and numbers per language: portal/formats/<lang>/formats.py (24-hour clock, day first).
FORMAT_MODULE_PATH = ["portal.formats"]
LANGUAGE_COOKIE_SECURE = False
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600  # portal.middleware.RememberLanguageMiddleware sets it

# ------------------------------------------------------------------------------
# Static and media: whitenoise serves static files, no CDN
# ------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # form fields and JSON bodies, files aside
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 10
# Whole request bodies (portal.middleware.RequestBodyLimitMiddleware), refused before anything reads
# them: anonymous requests carry forms, never files; signed-in staff attach at most 5 files of 10 MB.
# The front web server must enforce the larger one too (docs/operations.md: client_max_body_size).
MAX_ANONYMOUS_REQUEST_BYTES = int(os.environ.get("MAX_ANONYMOUS_REQUEST_BYTES", str(1024 * 1024)))
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(60 * 1024 * 1024)))
# /healthz details (database, cache, broker) for callers sending this in X-Health-Token; unset: loopback only.
HEALTHZ_TOKEN = os.environ.get("HEALTHZ_TOKEN", "")

# ------------------------------------------------------------------------------
# Email: EMAIL_URL like smtp://user:pass@host:port, smtp+tls://..., console:, file:///path
# ------------------------------------------------------------------------------
from portal.email_config import email_settings_from_url  # noqa: E402

globals().update(email_settings_from_url(os.environ.get("EMAIL_URL", "console:")))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Dauys <noreply@dauys.kz>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# ------------------------------------------------------------------------------
# Map tiles (deputies' district maps, Leaflet): a maslikhat may point it at its own tile server.
# https://operations.osmfoundation.org/policies/tiles/
# ------------------------------------------------------------------------------
MAP_TILES_URL = os.environ.get("MAP_TILES_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILES_ATTRIBUTION = os.environ.get(
    "MAP_TILES_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
)


def tile_origin(url: str) -> str:
    """The CSP source of a tile URL template: its scheme and host, `{s}.` subdomains as a wildcard."""
    from urllib.parse import urlsplit

    parts = urlsplit(url.replace("{s}.", "SUBDOMAIN."))
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc.replace('SUBDOMAIN.', '*.')}"


def websocket_origin(url: str, *, allow_plain: bool = False) -> str:
    """The CSP source of a WebSocket URL (NCALayer's): scheme, host and port. Only wss:// unless
    `allow_plain` (browser tests run a plain ws:// NCALayer stand-in; nothing else may)."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ({"wss", "ws"} if allow_plain else {"wss"}) or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


# NCALayer's WebSocket on the citizen's machine (its documented address; docs/eds.md). The page hands
# it to static/js/eds.js and the CSP lets the page connect to it and nowhere else off-site.
EDS_NCALAYER_URL = os.environ.get("EDS_NCALAYER_URL", "wss://127.0.0.1:13579/")

# ------------------------------------------------------------------------------
# Security headers (production tightens cookies and HSTS)
# https://docs.djangoproject.com/en/6.1/ref/csp/
# ------------------------------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    # The tile host serves images only: no script, style or connect source is widened for it.
    "img-src": [CSP.SELF, "data:", *filter(None, [tile_origin(MAP_TILES_URL)])],
    "font-src": [CSP.SELF],
    # NCALayer (EDS signing) is the one WebSocket the pages open: wss://127.0.0.1:13579 by default.
    "connect-src": [CSP.SELF, *filter(None, [websocket_origin(EDS_NCALAYER_URL)])],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Sessions are read from the cache (Redis) and written to both: one SQL query less on every
# signed-in request, sign-ins survive a cache flush (docs/performance.md).
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# ------------------------------------------------------------------------------
# API: DRF + drf-spectacular
# https://www.django-rest-framework.org/api-guide/settings/
# ------------------------------------------------------------------------------
# Trusted reverse proxies in front of gunicorn (nginx, a load balancer), each appending its peer's
# address to X-Forwarded-For. 0: the headers are ignored (anyone can send them); N: the client is the
# hop N from the right (portal.middleware.client_ip), and X-Forwarded-Proto says whether the request
# came over HTTPS (SECURE_PROXY_SSL_HEADER in production). docs/operations.md has an nginx example.
NUM_PROXIES = int(os.environ.get("NUM_PROXIES", "0"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "portal.api.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.throttling.ClientIPAnonThrottle",
        "portal.throttling.ClientIPUserThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": os.environ.get("API_THROTTLE_ANON", "600/minute"),
        "user": os.environ.get("API_THROTTLE_USER", "1200/minute"),
    },
    # DRF's own reading of X-Forwarded-For, for any throttle that does not use client_ip.
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Dauys API",
    "DESCRIPTION": "Public API of Dauys, the civic-participation portal for Kazakhstan's maslikhats.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`; name each enum after its model so clients get stable names.
    "ENUM_NAME_OVERRIDES": {
        "HearingStatusEnum": "hearings.models.Hearing.Status",
        "RecallStatusEnum": "recalls.models.RecallRequest.Status",
        "DeputyStatusEnum": "deputies.models.Deputy.Status",
        "PetitionStatusEnum": "petitions.models.Petition.Status",
        "SignatureStatusEnum": "petitions.models.Signature.Status",
        "SessionStatusEnum": "sittings.models.Session.Status",
        "SessionKindEnum": "sittings.models.Session.Kind",
        "AgendaItemKindEnum": "sittings.models.AgendaItem.Kind",
        "AttendanceStatusEnum": "sittings.models.Attendance.Status",
    },
}

# ------------------------------------------------------------------------------
# Personal data: Fernet keys (comma-separated, newest first) for IINs at rest
# ------------------------------------------------------------------------------
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS")

# ------------------------------------------------------------------------------
# Logging: personal data never reaches a log line (portal.logging.PersonalDataFilter)
# ------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "portal.logging.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["personal_data"]},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # httpx logs every request URL at INFO, and a Bot API URL holds the bot token.
    "loggers": {"django.db.backends": {"level": "WARNING"}, "httpx": {"level": "WARNING"}},
}


# ------------------------------------------------------------------------------
# Notifications (docs/notifications.md): absolute links in emails, the sending lease, SMTP pacing
# ------------------------------------------------------------------------------
# Absolute links in emails and .ics files; `make run` sets it from PORT.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The project's name in emails (allauth's included: never the sites framework's "example.com").
SITE_NAME = os.environ.get("SITE_NAME", "Dauys")
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"{SITE_NAME}: "
DAUYS_SITE_NAME = SITE_NAME
# A worker owns a claimed email this long; longer than one SMTP transaction can take (timeout 20 s).
NOTIFICATIONS_LEASE_SECONDS = int(os.environ.get("NOTIFICATIONS_LEASE_SECONDS", "300"))
# Pending emails queued longer ago than this are queued again by the recovery task (beat).
NOTIFICATIONS_RECOVERY_SECONDS = int(os.environ.get("NOTIFICATIONS_RECOVERY_SECONDS", "900"))
NOTIFICATIONS_MAX_ATTEMPTS = int(os.environ.get("NOTIFICATIONS_MAX_ATTEMPTS", "8"))
# Messages per second on one SMTP connection (a chunk task holds one); 0 means no limit.
NOTIFICATIONS_SMTP_RATE = float(os.environ.get("NOTIFICATIONS_SMTP_RATE", "20"))
NOTIFICATIONS_UNSUBSCRIBE_MAILTO = os.environ.get("NOTIFICATIONS_UNSUBSCRIBE_MAILTO", "")

# ------------------------------------------------------------------------------
# Telegram (docs/telegram.md): off unless TELEGRAM_BOT_TOKEN is set (no page offers it then)
# https://core.telegram.org/bots/api
# ------------------------------------------------------------------------------
TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
TELEGRAM_BOT_USERNAME = os.environ.get("TELEGRAM_BOT_USERNAME", "").lstrip("@")
TELEGRAM_WEBHOOK_SECRET = os.environ.get("TELEGRAM_WEBHOOK_SECRET", "")
TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL", "https://api.telegram.org").rstrip("/")
# Messages per second across all workers (Telegram allows about 30 for bulk notifications).
TELEGRAM_RATE = float(os.environ.get("TELEGRAM_RATE", "25"))

# ------------------------------------------------------------------------------
# EDS signatures through NCALayer (docs/eds.md): off unless trust roots and revocation sources are set
# ------------------------------------------------------------------------------
EDS_TRUST_ROOTS = env_list("EDS_TRUST_ROOTS")  # CA certificate files (PEM or DER): NCA RK root and intermediates
EDS_CRLS = env_list("EDS_CRLS")  # CRL files or http(s) URLs, cached and refreshed by beat
EDS_OCSP_URL = os.environ.get("EDS_OCSP_URL", "")
EDS_CHALLENGE_SECONDS = int(os.environ.get("EDS_CHALLENGE_SECONDS", "600"))
# EDS_NCALAYER_URL (NCALayer's WebSocket) is set above, beside the CSP that allows it.
