from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HearingsConfig(AppConfig):
    name = "hearings"
    verbose_name = _("Hearings")

    def ready(self):
        from deputies.access import staff_maslikhat_codes
        from hearings import panels, scorecard, selectors
        from hearings.events import register_events
        from hearings.reference import load_hearing_rules_if_empty
        from hearings.seed import seed_hearings
        from notifications.registry import register_followable
        from portal.panels import register_panel
        from portal.seeding import register_reference_data, register_seeder
        from portal.staff import StaffSection, register_staff_section

        register_events()
        register_followable("hearings.hearing")
        from hearings import personal_data

        personal_data.register()
        register_reference_data(30, "hearings.rules", load_hearing_rules_if_empty)
        register_staff_section(
            StaffSection(
                key="hearings",
                title=_("Public hearings"),
                url_name="hearings:staff_list",
                visible=lambda user: user.is_superuser or bool(staff_maslikhat_codes(user)),
                order=30,
            )
        )
        # The record's counts ride on the query that loads the page's subject.
        for slot, render, counts in (
            ("deputy.record", panels.deputy_record, selectors.deputy_record_annotations),
            ("maslikhat.record", panels.maslikhat_record, selectors.maslikhat_record_annotations),
        ):
            register_panel(slot, "hearings", render, order=30, annotate=lambda request, model, c=counts: c())
        register_panel("representatives.after", "hearings", panels.representatives_after, order=30)
        register_seeder(30, "hearings", seed_hearings)
        scorecard.register_metrics()
