from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models.signals import post_migrate

        from portal.demo import seed_portal
        from portal.seeding import _on_post_migrate, register_seeder

        register_seeder(0, "portal", seed_portal)
        from portal import personal_data_holders

        personal_data_holders.register()
        from portal.mfa import connect_signals

        connect_signals()
        # Sent once per app by migrate and flush; listening for portal's alone runs loaders once.
        post_migrate.connect(_on_post_migrate, sender=self, dispatch_uid="dauys-reference-data")
        self._notifications()

    def _notifications(self):
        from portal.notification_selectors import staff_may_see_deliveries
        from portal.panels import register_panel
        from portal.staff import StaffSection, register_staff_section
        from portal.templatetags.notification_tags import district_follow_panel, follow_panel

        register_staff_section(
            StaffSection(
                key="notifications",
                title=_("Notifications: delivery status"),
                url_name="staff_notifications",
                visible=staff_may_see_deliveries,
                order=90,
            )
        )
        # A follow button on the deputies app's pages, through its slots (portal imports no app).
        register_panel("deputy.record", "follow", lambda request, deputy=None, **_: follow_panel(request, deputy))
        register_panel(
            "maslikhat.record", "follow", lambda request, maslikhat=None, **_: follow_panel(request, maslikhat)
        )
        register_panel("representatives.after", "follow-district", district_follow_panel)
