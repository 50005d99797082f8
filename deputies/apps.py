from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("Deputies and districts")

    def ready(self):
        from deputies.access import staff_maslikhat_codes
        from deputies.admin_map import load_admin_map_if_empty
        from deputies.demo import seed_deputies
        from deputies.selectors import maslikhat_names
        from notifications.registry import register_followable
        from portal.audit import register_scope_names
        from portal.seeding import register_reference_data, register_seeder
        from portal.staff import StaffSection, register_staff_section

        register_reference_data(10, "deputies.admin_map", load_admin_map_if_empty)
        for label in ("deputies.deputy", "deputies.maslikhat", "deputies.electoraldistrict"):
            register_followable(label)

        def is_staff(user) -> bool:
            return user.is_superuser or bool(staff_maslikhat_codes(user))

        register_staff_section(
            StaffSection(
                key="deputies",
                title=_("Deputies, districts and addresses"),
                url_name="deputies:staff_deputies",
                visible=is_staff,
                order=10,
            )
        )
        register_staff_section(
            StaffSection(
                key="roles", title=_("Roles and access"), url_name="deputies:staff_roles", visible=is_staff, order=900
            )
        )
        register_seeder(10, "deputies", seed_deputies)
        register_scope_names(maslikhat_names)
