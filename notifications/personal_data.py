"""Personal data held by notifications: follows, in-app notifications, notification preferences and
email deliveries. Registered with portal.personal_data in NotificationsConfig.ready().

Deletion removes follows, notifications and preferences, and every email not yet sent (a deleted
account receives nothing more); delivery rows already sent stay as counts on the anonymised account."""

from notifications.models import EmailDelivery, Follow, Notification, NotificationPreference
from portal.personal_data import PersonalDataHolder, register_personal_data


def _export(user) -> dict:
    return {
        "follows": list(
            Follow.objects.filter(user=user).order_by("created_at").values("object_type", "object_id", "created_at")
        ),
        "notifications": list(
            Notification.objects.filter(user=user)
            .order_by("created_at")
            .values("event", "url", "created_at", "read_at")
        ),
        "preferences": list(NotificationPreference.objects.filter(user=user).values("event", "in_app", "email")),
        "emails": list(
            EmailDelivery.objects.filter(user=user)
            .order_by("created_at")
            .values("event", "status", "created_at", "sent_at")
        ),
    }


def _erase(user) -> None:
    Follow.objects.filter(user=user).delete()
    Notification.objects.filter(user=user).delete()
    NotificationPreference.objects.filter(user=user).delete()
    EmailDelivery.objects.filter(user=user).exclude(status=EmailDelivery.Status.SENT).delete()


def register() -> None:
    register_personal_data(PersonalDataHolder(name="notifications", export=_export, erase=_erase))
