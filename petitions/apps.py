from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "petitions"
    verbose_name = _("Petitions")

    def ready(self):
        from django.db.models.signals import post_migrate

        from petitions import wiring

        wiring.register()
        from petitions import scorecard

        scorecard.register_metrics()
        from petitions import personal_data

        personal_data.register()
        from petitions import hot_reads

        hot_reads.register()
        # Sent by migrate and by flush; petitions' signal comes after deputies' (INSTALLED_APPS order).
        post_migrate.connect(wiring.reload_reference_data, sender=self, dispatch_uid="petitions-reference-data")
