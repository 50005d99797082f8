"""What sessions contribute to the portal, registered in SittingsConfig.ready(): notification events
and followables, the staff section, panels on the deputies' pages, the deputy API's `record` field,
the Popolo sections, the scorecard figures and the demo seeder."""

from django.utils.translation import gettext_lazy as _

from deputies.access import staff_maslikhat_codes
from portal.api_extensions import register_detail_field, register_export_section
from portal.panels import register_panel
from portal.seeding import register_seeder
from portal.staff import StaffSection, register_staff_section
from sittings import events, panels, popolo, scorecard, seed, selectors


def register() -> None:
    events.register_events()
    register_staff_section(
        StaffSection(
            key="sessions",
            title=_("Maslikhat sessions"),
            url_name="sittings:staff_list",
            visible=lambda user: user.is_superuser or bool(staff_maslikhat_codes(user)),
            order=35,
        )
    )
    register_panel(
        "deputy.record", "sittings", panels.deputy_record, order=10, annotate=panels.deputy_record_annotations
    )
    register_panel("maslikhat.record", "sittings", panels.maslikhat_record, order=10)
    register_detail_field("deputy", "record", selectors.deputy_record)
    register_export_section("popolo", "sittings", popolo.popolo_sections)
    scorecard.register_metrics()
    register_seeder(40, "sittings", seed.seed_sessions)
