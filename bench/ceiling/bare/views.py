"""One INSERT under a unique constraint per POST: the person is whoever holds the cookie (no session
store, no user row), a repeat answers 200 and writes nothing."""

from django.db import connection
from django.http import HttpResponseNotAllowed, JsonResponse

TABLE = "bench_bare"
CREATE_SQL = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    id bigserial PRIMARY KEY,
    target_id bigint NOT NULL,
    person text NOT NULL,
    created_at timestamptz NOT NULL,
    UNIQUE (target_id, person)
)"""


def sign(request, target: int):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    person = request.COOKIES.get("sessionid", "")
    if not person:
        return JsonResponse({"detail": "no cookie"}, status=403)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (target_id, person, created_at) VALUES (%s, %s, now()) "  # noqa: S608 - constant
            "ON CONFLICT (target_id, person) DO NOTHING RETURNING id",
            [target, person],
        )
        row = cursor.fetchone()
    if row is None:
        return JsonResponse({"status": "already"}, status=200)
    return JsonResponse({"id": row[0]}, status=201)
