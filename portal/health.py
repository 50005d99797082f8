"""GET /healthz: up or down for everyone (load balancers need no more); the state of the database,
the cache and the broker only for an internal caller: a request from loopback that no proxy forwarded,
or one carrying the `X-Health-Token` header equal to the HEALTHZ_TOKEN setting."""

import hmac
import ipaddress

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means "down"; details go to the log, not the answer
        return "down"


def _cache() -> str:
    try:
        cache.set("healthz", "1", 5)
        return "ok" if cache.get("healthz") == "1" else "down"
    except Exception:  # noqa: BLE001
        return "down"


def _broker() -> str:
    if not settings.REDIS_URL:
        return "eager"
    try:
        import redis

        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
        return "ok"
    except Exception:  # noqa: BLE001
        return "down"


def _internal(request) -> bool:
    token = getattr(settings, "HEALTHZ_TOKEN", "")
    sent = request.headers.get("X-Health-Token", "")
    if token and sent and hmac.compare_digest(token.encode(), sent.encode()):
        return True
    if "HTTP_X_FORWARDED_FOR" in request.META or "HTTP_FORWARDED" in request.META:
        return False  # came through the front server: a member of the public
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
def healthz(request):
    report = {"database": _database(), "cache": _cache(), "broker": _broker()}
    report["status"] = (
        "ok"
        if all(v in {"ok", "eager"} for v in report.values())
        else ("down" if report["database"] == "down" else "degraded")
    )
    status = 503 if report["database"] == "down" else 200
    if not _internal(request):
        report = {"status": "down" if status == 503 else "up"}
    return JsonResponse(report, status=status)
