"""The models of notifications moved here from `portal`: a change of Django's state only.

Notification, EmailDelivery, NotificationPreference and Follow keep their tables (`db_table`
`portal_*`), their rows, indexes, constraints and foreign keys: nothing is created, renamed or copied
in the database (SeparateDatabaseAndState with no database operation for the models). What does
change in the database: the four content types are relabelled from `portal` to `notifications`, so
their permissions (and any admin log entry) follow the models. No stored label string names these
models: follows and notifications name the *followed* objects ("petitions.petition"), and the audit
log records notification retries without an object. portal/0005 removes the models from portal's
state after this migration. A test migrates a database with rows across (tests/notifications/
test_migration.py)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ("notification", "emaildelivery", "notificationpreference", "follow")


def relabel_content_types(apps, schema_editor, old="portal", new="notifications"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        # A fresh database has no content types yet (post_migrate creates them after the migrations).
        if not ContentType.objects.using(db).filter(app_label=new, model=model).exists():
            ContentType.objects.using(db).filter(app_label=old, model=model).update(app_label=new)


def relabel_back(apps, schema_editor):
    relabel_content_types(apps, schema_editor, old="notifications", new="portal")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0004_notifications_follows_preferences"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                        migrations.CreateModel(
                            name='EmailDelivery',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('event', models.CharField(max_length=60)),
                                ('key', models.CharField(max_length=120)),
                                ('object_type', models.CharField(blank=True, max_length=80)),
                                ('object_id', models.CharField(blank=True, max_length=64)),
                                ('status', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed'), ('skipped', 'Skipped'), ('held', 'Held for a digest'), ('digested', 'Sent in a digest')], default='pending', max_length=10)),
                                ('attempts', models.PositiveSmallIntegerField(default=0)),
                                ('last_error', models.CharField(blank=True, max_length=500)),
                                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                                ('sent_at', models.DateTimeField(blank=True, null=True)),
                                ('claimed_until', models.DateTimeField(blank=True, null=True)),
                                ('queued_at', models.DateTimeField(blank=True, null=True)),
                                ('scope_code', models.CharField(blank=True, default='', max_length=40)),
                                ('digest', models.CharField(blank=True, default='', max_length=10)),
                                ('digest_delivery', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='digest_items', to='notifications.emaildelivery')),
                                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='email_deliveries', to=settings.AUTH_USER_MODEL)),
                            ],
                            options={
                                'db_table': 'portal_emaildelivery',
                                'indexes': [models.Index(fields=['event', 'status'], name='portal_emai_event_4380e9_idx'), models.Index(fields=['event', 'key', 'status'], name='email_delivery_occurrence'), models.Index(fields=['status', 'queued_at'], name='email_delivery_recovery'), models.Index(fields=['digest', 'status', 'user'], name='email_delivery_digest'), models.Index(fields=['scope_code', 'created_at'], name='email_delivery_scope')],
                                'constraints': [models.UniqueConstraint(fields=('user', 'event', 'key'), name='email_delivery_once')],
                            },
                        ),
                        migrations.CreateModel(
                            name='Follow',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('object_type', models.CharField(max_length=80)),
                                ('object_id', models.CharField(max_length=64)),
                                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follows', to=settings.AUTH_USER_MODEL)),
                            ],
                            options={
                                'verbose_name': 'follow',
                                'verbose_name_plural': 'follows',
                                'db_table': 'portal_follow',
                                'ordering': ['-created_at', '-id'],
                                'indexes': [models.Index(fields=['object_type', 'object_id'], name='follow_object')],
                                'constraints': [models.UniqueConstraint(fields=('user', 'object_type', 'object_id'), name='follow_once')],
                            },
                        ),
                        migrations.CreateModel(
                            name='Notification',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('event', models.CharField(max_length=60)),
                                ('key', models.CharField(help_text='What makes this notification unique for its event.', max_length=120)),
                                ('object_type', models.CharField(blank=True, max_length=80)),
                                ('object_id', models.CharField(blank=True, max_length=64)),
                                ('url', models.CharField(blank=True, max_length=300)),
                                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                                ('read_at', models.DateTimeField(blank=True, null=True)),
                                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                            ],
                            options={
                                'db_table': 'portal_notification',
                                'ordering': ['-created_at', '-id'],
                                'indexes': [models.Index(fields=['user', 'read_at'], name='portal_noti_user_id_d5ad53_idx')],
                                'constraints': [models.UniqueConstraint(fields=('user', 'event', 'key'), name='notification_once')],
                            },
                        ),
                        migrations.CreateModel(
                            name='NotificationPreference',
                            fields=[
                                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                                ('event', models.CharField(max_length=60)),
                                ('in_app', models.BooleanField(default=True, verbose_name='in the inbox')),
                                ('email', models.CharField(choices=[('off', 'No email'), ('immediate', 'Email at once'), ('daily', 'Daily digest'), ('weekly', 'Weekly digest')], default='immediate', max_length=10, verbose_name='by email')),
                                ('updated_at', models.DateTimeField(auto_now=True)),
                                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL)),
                            ],
                            options={
                                'verbose_name': 'notification preference',
                                'verbose_name_plural': 'notification preferences',
                                'db_table': 'portal_notificationpreference',
                                'indexes': [models.Index(fields=['event', 'user'], name='portal_noti_event_1db92c_idx')],
                                'constraints': [models.UniqueConstraint(fields=('user', 'event'), name='notification_preference_once')],
                            },
                        ),
            ],
        ),
        migrations.RunPython(relabel_content_types, relabel_back),
    ]
