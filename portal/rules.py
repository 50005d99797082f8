"""Rules as data: legal numbers are rows with a legal reference and the date they take effect.
A new version is a new row with a later `effective_from`; what a case was decided under stays
pinned to the row that was in force then. Petitions, recalls and hearings build their rules
models on `RulesBase`."""

from datetime import date

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class RulesQuerySet(models.QuerySet):
    def versions_in_force(self, on: date | None = None, **filters) -> "RulesQuerySet":
        """The versions in force on a date (default: today), newest first, among rows matching the
        filters (a hearing type, a maslikhat level...)."""
        on = on or timezone.localdate()
        return self.filter(effective_from__lte=on, **filters).order_by("-effective_from", "-pk")

    def in_force(self, on: date | None = None, **filters):
        """The version in force on a date: the newest whose effective date has come, or None."""
        return self.versions_in_force(on, **filters).first()


class RulesBase(models.Model):
    """Abstract base of a rules model. Subclasses add their figures (each with an "unconfirmed"
    flag where the law's text does not confirm it) and may redefine these two fields' options."""

    legal_reference = models.CharField(_("legal reference"), max_length=300)
    effective_from = models.DateField(_("in force from"))

    objects = RulesQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["-effective_from", "-id"]


def unconfirmed_note(flag: bool) -> str:
    """ " (unconfirmed)" in the active language when a figure is not confirmed from the law's text,
    else "": for text that is not HTML (API sentences, choice labels, plain-text emails). Pages use
    `{% unconfirmed flag %}` (portal_tags), which renders the same word as a badge."""
    from django.utils.translation import gettext

    return f" ({gettext('unconfirmed')})" if flag else ""
