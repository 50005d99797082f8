"""Test settings: safe values forced, real services when the environment names them.

`make test` exports DATABASE_URL and REDIS_URL when PostgreSQL and Redis answer on loopback.
Each checkout gets its own test database, Celery queue and cache prefix (derived from its path),
so two checkouts on one machine never share state.
"""

import hashlib
import os

from portal.email_config import email_settings_from_url

from .base import *  # noqa: F403
from .base import BASE_DIR, DATABASES, REDIS_URL

_CHECKOUT = hashlib.sha256(str(BASE_DIR).encode()).hexdigest()[:8]

DEBUG = False
SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105
FIELD_ENCRYPTION_KEYS = ["dGVzdC1rZXktZm9yLWRhdXlzLXRlc3RzLTMyYnl0ZXM="]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = True  # the celery_worker fixture turns this off for its tests
CELERY_TASK_DEFAULT_QUEUE = f"dauys-test-{_CHECKOUT}"
CELERY_TALLY_QUEUE = f"{CELERY_TASK_DEFAULT_QUEUE}-tally"
CELERY_TASK_ROUTES = {"petitions.tasks.petition_tally_task": {"queue": CELERY_TALLY_QUEUE}}
ACCOUNT_RATE_LIMITS = False
EDS_TRUST_ROOTS, EDS_CRLS, EDS_OCSP_URL = [], [], ""  # off; tests that sign make their own PKI
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/minute", "user": "100000/minute"}  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["TEST"] = {"NAME": f"test_dauys_{_CHECKOUT}"}
    # Test runs empty every table between transactional tests (TRUNCATE); the audit log refuses
    # TRUNCATE unless the session says it is maintenance (portal.append_only.no_truncate_sql).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c dauys.maintenance=on"
if REDIS_URL:
    CACHES["default"]["KEY_PREFIX"] = f"dauys-test-{_CHECKOUT}"  # noqa: F405
MEDIA_ROOT = BASE_DIR / "var" / "test-media"

# Telegram is off in tests unless a test turns it on against the fake Bot API (tests/telegram/).
TELEGRAM_BOT_TOKEN = ""
TELEGRAM_API_URL = "http://127.0.0.1:9"
TELEGRAM_WEBHOOK_SECRET = ""

# The Celery worker that the celery_worker fixture starts runs these settings too.
if os.environ.get("DAUYS_TEST_WORKER") == "1":
    CELERY_TASK_ALWAYS_EAGER = False
    # Test-only notification event types, registered in the worker as in the test process.
    CELERY_IMPORTS = ["tests.notifications.notification_events"]
    if os.environ.get("EMAIL_URL"):
        globals().update(email_settings_from_url(os.environ["EMAIL_URL"]))
    # The fixture passes the fake Bot API's address and a token when a test uses Telegram.
    TELEGRAM_BOT_TOKEN = os.environ.get("TELEGRAM_BOT_TOKEN", "")
    TELEGRAM_API_URL = os.environ.get("TELEGRAM_API_URL", TELEGRAM_API_URL)
    TELEGRAM_RATE = float(os.environ.get("TELEGRAM_RATE", "25"))

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
