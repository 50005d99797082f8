from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from portal.demo import seed_portal
        from portal.seeding import register_seeder

        register_seeder(0, "portal", seed_portal)
