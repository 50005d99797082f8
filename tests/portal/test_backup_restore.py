"""docs/operations.md backup and restore, proven: a pg_dump of the live database restored into a
fresh database holds every row of every table."""

import shutil
import subprocess

import pytest
from django.apps import apps
from django.db import connection

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _counts(cursor) -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - table names from our models
        counts[table] = cursor.fetchone()[0]
    return counts


def test_dump_restores_into_a_fresh_database_with_every_row(tmp_path, superuser, django_db_blocker):
    import psycopg

    from portal.models import Role
    from portal.services import role_grant
    from tests.factories import UserFactory

    for n in range(5):
        role_grant(actor=superuser, user=UserFactory(), role=Role.STAFF, scope_code=f"kz-7{n % 2 + 1}")
    if not shutil.which("pg_dump"):
        pytest.fail("pg_dump is missing (postgresql-client)")
    settings = connection.settings_dict
    source = settings["NAME"]
    target = f"{source}_restore"
    conninfo = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"]}
    dump = tmp_path / "dauys.dump"
    base = ["-h", str(settings["HOST"]), "-p", str(settings["PORT"]), "-U", settings["USER"]]
    subprocess.run(["pg_dump", *base, "-Fc", "-f", str(dump), source], check=True)
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}"')
    try:
        subprocess.run(["pg_restore", *base, "--no-owner", "-d", target, str(dump)], check=True)
        with connection.cursor() as cursor:
            expected = _counts(cursor)
        with psycopg.connect(dbname=target, **conninfo) as restored, restored.cursor() as cursor:
            assert _counts(cursor) == expected
        assert expected["portal_rolegrant"] == 5
        assert expected["portal_auditentry"] == 5
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
