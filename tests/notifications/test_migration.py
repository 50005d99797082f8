"""The move of the notification models from `portal` to `notifications` loses nothing: a PostgreSQL
database migrated to the state before the move, holding notifications, email deliveries (a digest
and an item folded into it), preferences, follows, their content types and a permission, migrated
forward, has every row, found through the new models, with the same ids; the content types (and so the
permission) now belong to `notifications`; new rows continue the old sequences."""

import psycopg
import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from notifications.models import EmailDelivery, Follow, Notification, NotificationPreference

pytestmark = [pytest.mark.integration]

ALIAS = "notifications_move"
BEFORE_MOVE = ("portal", "0004_notifications_follows_preferences")
MOVE = ("notifications", "0001_initial")
MOVED = ("notification", "emaildelivery", "notificationpreference", "follow")


@pytest.fixture
def fresh_database(django_db_setup, django_db_blocker):
    """An empty database of its own (dropped afterwards), reachable as the connection ALIAS. Not a
    django_db test: the test database is never touched, and nothing wraps the extra connection."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        pytest.fail("The migration test needs PostgreSQL")
    base = connection.settings_dict
    name = f"{base['NAME']}_move"
    conninfo = {"host": base["HOST"], "port": base["PORT"], "user": base["USER"], "password": base["PASSWORD"]}

    def admin(sql: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as conn:
            conn.execute(sql)

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    connections.settings[ALIAS] = {**base, "NAME": name}
    try:
        with django_db_blocker.unblock():
            yield connections[ALIAS]
    finally:
        connections[ALIAS].close()
        del connections[ALIAS]
        del connections.settings[ALIAS]
        admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _migrate(executor: MigrationExecutor, targets) -> None:
    executor.loader.build_graph()
    executor.migrate(targets)


def test_rows_and_content_types_survive_the_move(fresh_database):
    executor = MigrationExecutor(fresh_database)
    graph = executor.loader.graph
    # Everything up to the state before the move: portal at 0004, every other app's leaf that
    # does not need the move.
    before = [BEFORE_MOVE] + [
        leaf
        for leaf in graph.leaf_nodes()
        if leaf[0] not in ("portal", "notifications") and MOVE not in graph.forwards_plan(leaf)
    ]
    _migrate(executor, before)
    assert MOVE not in executor.recorder.applied_migrations()

    old = executor.loader.project_state(before).apps
    User = old.get_model("portal", "User")
    ContentType = old.get_model("contenttypes", "ContentType")
    Permission = old.get_model("auth", "Permission")
    reader = User.objects.db_manager(ALIAS).create(email="reader@example.kz", preferred_language="ru")
    other = User.objects.db_manager(ALIAS).create(email="other@example.kz")
    now = timezone.now()
    old_notification = old.get_model("portal", "Notification").objects.db_manager(ALIAS)
    old_delivery = old.get_model("portal", "EmailDelivery").objects.db_manager(ALIAS)
    old_preference = old.get_model("portal", "NotificationPreference").objects.db_manager(ALIAS)
    old_follow = old.get_model("portal", "Follow").objects.db_manager(ALIAS)
    notifications = [
        old_notification.create(
            user=reader,
            event="petition.answered",
            key="p:1",
            object_type="petitions.petition",
            object_id="1",
            url="/ru/petitions/1/",
            created_at=now,
        ),
        old_notification.create(user=other, event="hearing.scheduled", key="h:2", read_at=now, created_at=now),
    ]
    digest = old_delivery.create(user=reader, event="digest.daily", key="2026-11-29", status="sent", sent_at=now)
    deliveries = [
        digest,
        old_delivery.create(
            user=reader,
            event="petition.answered",
            key="p:1",
            object_type="petitions.petition",
            object_id="1",
            scope_code="kz-75",
            status="digested",
            digest="daily",
            digest_delivery=digest,
        ),
        old_delivery.create(
            user=other,
            event="hearing.scheduled",
            key="h:2",
            status="failed",
            attempts=8,
            last_error="550 mailbox unavailable",
            scope_code="kz-71",
        ),
    ]
    preferences = [
        old_preference.create(user=reader, event="petition.answered", in_app=True, email="daily"),
        old_preference.create(user=other, event="hearing.scheduled", in_app=False, email="off"),
    ]
    follows = [
        old_follow.create(user=reader, object_type="deputies.deputy", object_id="7"),
        old_follow.create(user=reader, object_type="petitions.petition", object_id="1"),
        old_follow.create(user=other, object_type="deputies.electoraldistrict", object_id="3"),
    ]
    # The content types post_migrate made in a live database, and a permission hanging on one.
    types = {model: ContentType.objects.db_manager(ALIAS).create(app_label="portal", model=model) for model in MOVED}
    permission = Permission.objects.db_manager(ALIAS).create(
        name="Can view follow", codename="view_follow", content_type=types["follow"]
    )

    executor = MigrationExecutor(fresh_database)
    _migrate(executor, executor.loader.graph.leaf_nodes())
    assert MOVE in executor.recorder.applied_migrations()

    def rows(model, fields):
        return sorted(model.objects.using(ALIAS).values_list("pk", *fields))

    assert rows(Notification, ["user_id", "event", "key", "object_type", "object_id", "url", "read_at"]) == sorted(
        (n.pk, n.user_id, n.event, n.key, n.object_type, n.object_id, n.url, n.read_at) for n in notifications
    )
    fields = ["user_id", "event", "key", "status", "attempts", "last_error", "scope_code", "digest", "digest_delivery"]
    assert rows(EmailDelivery, fields) == sorted(
        (
            d.pk,
            d.user_id,
            d.event,
            d.key,
            d.status,
            d.attempts,
            d.last_error,
            d.scope_code,
            d.digest,
            d.digest_delivery_id,
        )
        for d in deliveries
    )
    assert list(EmailDelivery.objects.using(ALIAS).get(pk=digest.pk).digest_items.values_list("pk", flat=True)) == [
        deliveries[1].pk
    ]
    assert rows(NotificationPreference, ["user_id", "event", "in_app", "email"]) == sorted(
        (p.pk, p.user_id, p.event, p.in_app, p.email) for p in preferences
    )
    assert rows(Follow, ["user_id", "object_type", "object_id"]) == sorted(
        (f.pk, f.user_id, f.object_type, f.object_id) for f in follows
    )

    new = executor.loader.project_state(executor.loader.graph.leaf_nodes()).apps
    moved_types = new.get_model("contenttypes", "ContentType").objects.using(ALIAS).filter(model__in=MOVED)
    assert sorted(moved_types.values_list("app_label", "model", "pk")) == sorted(
        ("notifications", model, ct.pk) for model, ct in types.items()
    )
    moved_permission = new.get_model("auth", "Permission").objects.using(ALIAS).get(pk=permission.pk)
    assert (moved_permission.content_type.app_label, moved_permission.codename) == ("notifications", "view_follow")

    # The constraints and sequences came along: a repeat is refused, a new row continues the ids.
    added = Follow.objects.using(ALIAS).create(user_id=other.pk, object_type="hearings.hearing", object_id="1")
    assert added.pk > max(f.pk for f in follows)
    _follow, created = Follow.objects.using(ALIAS).get_or_create(
        user_id=reader.pk, object_type="deputies.deputy", object_id="7"
    )
    assert not created
