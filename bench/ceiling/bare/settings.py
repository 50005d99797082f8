"""The bare ceiling: what someone would write instead of Dauys to take signatures, and the limit that
Django itself sets on this machine. SecurityMiddleware and CommonMiddleware only, no sessions, no
authentication, no templates, no apps; one view, one INSERT under a unique constraint. The same
PostgreSQL server, CONN_MAX_AGE and connection health checks as the project (portal/settings/base.py).
bench/bench_surge.py runs it under gunicorn with the same worker count as the project."""

import os

import dj_database_url

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1").split(",")
ROOT_URLCONF = "bare.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["DATABASE_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
USE_TZ = True
USE_I18N = False
WSGI_APPLICATION = "bare.wsgi.application"
LOGGING = {"version": 1, "disable_existing_loggers": False}
