"""Translated fields stored as <field>_kk / <field>_ru / <field>_en columns."""

from django.utils import translation

FALLBACK_ORDER = ("kk", "ru", "en")


def localized(obj, field: str, language: str | None = None) -> str:
    """The field in the active language, falling back to any language that has text."""
    language = (language or translation.get_language() or "kk")[:2]
    for code in (language, *FALLBACK_ORDER):
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""


class LocalizedNameMixin:
    @property
    def name(self) -> str:
        return localized(self, "name")
