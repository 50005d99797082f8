from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from notifications import (
            checks,  # noqa: F401 - registers the system checks
            personal_data,
        )
        from notifications.follows import following_annotation
        from notifications.selectors import UNREAD_COUNT, staff_may_see_deliveries, unread_rows_of_outer_user
        from notifications.telegram import personal_data as telegram_personal_data
        from notifications.telegram import tasks as telegram_tasks  # noqa: F401 - registers the Celery tasks
        from notifications.templatetags.notification_tags import district_follow_panel, follow_panel
        from portal.access import register_user_count
        from portal.panels import register_panel
        from portal.staff import StaffSection, register_staff_section

        personal_data.register()
        telegram_personal_data.register()
        register_user_count(UNREAD_COUNT, unread_rows_of_outer_user)
        register_staff_section(
            StaffSection(
                key="notifications",
                title=_("Notifications: delivery status"),
                url_name="staff_notifications",
                visible=staff_may_see_deliveries,
                order=90,
            )
        )
        # A follow button on the deputies app's pages, through its slots (notifications imports no app).
        register_panel(
            "deputy.record",
            "follow",
            lambda request, deputy=None, **_: follow_panel(request, deputy),
            annotate=lambda request, model: following_annotation(getattr(request, "user", None), model),
        )
        register_panel(
            "maslikhat.record",
            "follow",
            lambda request, maslikhat=None, **_: follow_panel(request, maslikhat),
            annotate=lambda request, model: following_annotation(getattr(request, "user", None), model),
        )
        register_panel("representatives.after", "follow-district", district_follow_panel)
