"""Notification, EmailDelivery, NotificationPreference and Follow now belong to the notifications app
(notifications/0001_initial takes them over with their tables): removed from portal's state only;
the tables and their rows stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("portal", "0004_notifications_follows_preferences"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="EmailDelivery"),
                migrations.DeleteModel(name="Follow"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="NotificationPreference"),
            ],
        ),
    ]
