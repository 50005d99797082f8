from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("Deputies and districts")

    def ready(self):
        from portal.seeding import register_reference_data
        from portal.staff import StaffSection, register_staff_section

        from deputies.admin_map import load_admin_map_if_empty

        register_reference_data(10, "deputies.admin_map", load_admin_map_if_empty)

        from deputies.access import staff_maslikhat_codes

        register_staff_section(
            StaffSection(
                key="roles",
                title=_("Roles and access"),
                url_name="deputies:staff_roles",
                visible=lambda user: user.is_superuser or bool(staff_maslikhat_codes(user)),
                order=900,
            )
        )
