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

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_SECTIONS: dict[str, StaffSection] = {}


def register_staff_section(section: StaffSection) -> None:
    _SECTIONS[section.key] = section


def staff_sections_for(user) -> list[StaffSection]:
    return sorted((s for s in _SECTIONS.values() if s.visible(user)), key=lambda s: (s.order, s.key))
