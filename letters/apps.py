from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = _("Letters to deputies")

    def ready(self):
        from deputies.access import staff_maslikhat_codes
        from letters import panels, personal_data, scorecard
        from letters.events import register_events
        from letters.reference import load_letter_rules_if_empty
        from letters.seed import seed_letters
        from letters.selectors import deputy_responsiveness_api
        from portal.api_extensions import register_detail_field
        from portal.panels import register_panel
        from portal.seeding import register_reference_data, register_seeder
        from portal.staff import StaffSection, register_staff_section

        register_events()
        personal_data.register()
        register_reference_data(40, "letters.rules", load_letter_rules_if_empty)
        register_detail_field("deputy", "responsiveness", deputy_responsiveness_api)
        register_staff_section(
            StaffSection(
                key="letters",
                title=_("Letters to deputies and receptions"),
                url_name="letters:staff_queue",
                visible=lambda user: user.is_superuser or bool(staff_maslikhat_codes(user)),
                order=40,
            )
        )
        register_panel("deputy.card", "letters", panels.deputy_card, order=20)
        register_panel(
            "deputy.record", "letters", panels.deputy_record, order=10, annotate=panels.deputy_record_annotations
        )
        register_panel("maslikhat.record", "letters", panels.maslikhat_record, order=20)
        register_panel("representatives.after", "letters", panels.representatives_after, order=10)
        register_seeder(40, "letters", seed_letters)
        scorecard.register_metrics()
