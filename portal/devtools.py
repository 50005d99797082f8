"""Developer tooling that runs before Django is configured (used by the Makefile).

`python -m portal.devtools services` prints shell exports for the services that answer on
loopback: PostgreSQL (creating the `dauys` database if needed) and Redis. With REQUIRE_SERVICES=1
it exits non-zero when one is missing instead of falling back to SQLite and in-process tasks.
"""

import os
import socket
import sys

PG_HOST, PG_PORT = os.environ.get("PGHOST", "127.0.0.1"), int(os.environ.get("PGPORT", "5432"))
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _postgres_url() -> str | None:
    if not _port_open(PG_HOST, PG_PORT):
        return None
    try:
        import psycopg

        user = os.environ.get("PGUSER", "postgres")
        with psycopg.connect(
            host=PG_HOST, port=PG_PORT, user=user, dbname="postgres", autocommit=True, connect_timeout=3
        ) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = 'dauys'").fetchone():
                conn.execute("CREATE DATABASE dauys")
        return f"postgres://{user}@{PG_HOST}:{PG_PORT}/dauys"
    except Exception as error:  # noqa: BLE001
        print(f"PostgreSQL answers on {PG_HOST}:{PG_PORT} but refused us: {error}", file=sys.stderr)  # noqa: T201
        return None


def _redis_url() -> str | None:
    if not _port_open(REDIS_HOST, REDIS_PORT):
        return None
    return f"redis://{REDIS_HOST}:{REDIS_PORT}/0"


def services() -> int:
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    database = os.environ.get("DATABASE_URL") or _postgres_url()
    redis_url = os.environ.get("REDIS_URL") or _redis_url()
    missing = [name for name, value in (("PostgreSQL", database), ("Redis", redis_url)) if not value]
    if missing and required:
        print(f"REQUIRE_SERVICES=1 but not reachable on 127.0.0.1: {', '.join(missing)}", file=sys.stderr)  # noqa: T201
        return 1
    if database:
        print(f"export DATABASE_URL='{database}'")  # noqa: T201
    if redis_url:
        print(f"export REDIS_URL='{redis_url}'")  # noqa: T201
    print(  # noqa: T201
        f"Test backends: database={'PostgreSQL' if database else 'SQLite'}, "
        f"cache/broker={'Redis' if redis_url else 'local memory / eager tasks'}",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "services"
    sys.exit(services() if command == "services" else 2)
