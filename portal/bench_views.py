"""The benchmark ceiling: the cheapest useful write a signed-in person can make through this
Django set-up. `bench/bench_surge.py` compares the sign endpoint with it.

Wired in `portal/urls.py` only when DAUYS_BENCH_CEILING=1 (the benchmark's gunicorn sets it), so
production never exposes it. The table is created by the benchmark in its own database, never by a
migration."""

from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_POST

TABLE = "bench_ceiling"
CREATE_SQL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id bigserial PRIMARY KEY,
    target_id bigint NOT NULL,
    user_id bigint NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (target_id, user_id)
)"""


@require_POST
def ceiling(request, target: int):
    """One INSERT under a unique constraint, behind the same session, CSRF and authentication
    middleware as the sign endpoint, and nothing else."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "Sign in first."}, status=403)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (target_id, user_id, created_at) VALUES (%s, %s, now()) "  # noqa: S608 - constant name
            "ON CONFLICT (target_id, user_id) DO NOTHING RETURNING id",
            [target, request.user.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"status": "already"}, status=200)
    return JsonResponse({"id": row[0]}, status=201)
