from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SittingsConfig(AppConfig):
    """Maslikhat sessions (the label `sessions` belongs to django.contrib.sessions)."""

    name = "sittings"
    verbose_name = _("Maslikhat sessions")

    def ready(self):
        from sittings import wiring

        wiring.register()
