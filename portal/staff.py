"""The staff area's navigation. Apps register their sections in AppConfig.ready(); portal never
imports an app."""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class StaffSection:
    key: str
    title: str  # lazily translated
    url_name: str
    visible: Callable  # (user) -> bool
    order: int = 100
    # (user) -> [(lazily translated label, count), ...]: what waits for this person there (to moderate,
    # to answer, to verify); shown on the staff home beside the section's link.
    waiting: Callable | None = None

    def waiting_for(self, user) -> list[tuple[str, int]]:
        return [(label, count) for label, count in (self.waiting(user) if self.waiting else []) if count]

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_SECTIONS: dict[str, StaffSection] = {}


def register_staff_section(section: StaffSection) -> None:
    _SECTIONS[section.key] = section


def staff_sections_for(user) -> list[StaffSection]:
    return sorted((s for s in _SECTIONS.values() if s.visible(user)), key=lambda s: (s.order, s.key))
