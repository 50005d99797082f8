from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.db.models.signals import post_migrate

        from portal import checks  # noqa: F401 - registers the system checks
        from portal.demo import seed_portal
        from portal.seeding import _on_post_migrate, register_seeder

        register_seeder(0, "portal", seed_portal)
        from portal.mfa import connect_signals

        connect_signals()
        from django.contrib.auth.signals import user_logged_in

        from portal.signer_card import on_login

        user_logged_in.connect(on_login, dispatch_uid="dauys-signer-card")
        # Sent once per app by migrate and flush; listening for portal's alone runs loaders once.
        post_migrate.connect(_on_post_migrate, sender=self, dispatch_uid="dauys-reference-data")
