"""Building blocks shared by petitions and recall requests: versioned rules, append-only history,
the tally lock and registry, IP grouping and date arithmetic. Nothing here knows a petition."""

import calendar
import hashlib
import ipaddress
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.append_only import AppendOnlyMixin, append_only_sql  # noqa: F401 - append_only_sql is used by migrations


# ------------------------------------------------------------------------------
# Rules: legal numbers are rows with a legal reference and an effective date
# ------------------------------------------------------------------------------
class RulesBase(models.Model):
    """A version of procedural rules. A new version is a new row with a later `effective_from`;
    what a case was decided under stays pinned to the row that was in force then."""

    legal_reference = models.CharField(_("legal reference"), max_length=300)
    effective_from = models.DateField(_("in force from"))
    notes = models.TextField(_("notes"), blank=True, help_text=_("Sources, and which numbers are unconfirmed."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["-effective_from", "-id"]

    @classmethod
    def in_force(cls, on: date | None = None, **filters):
        """The versions in force on a date (newest first) among rows matching the filters."""
        on = on or timezone.localdate()
        return cls.objects.filter(effective_from__lte=on, **filters).order_by("-effective_from", "-id")


# ------------------------------------------------------------------------------
# Append-only history: decisions are rows, never flags that get overwritten
# ------------------------------------------------------------------------------
class AppendOnlyHistory(AppendOnlyMixin, models.Model):
    """A history row: written once by a service, never changed or deleted by the application.
    On PostgreSQL a trigger refuses UPDATE and DELETE too (see `append_only_sql`)."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "portal.User", on_delete=models.DO_NOTHING, db_constraint=False, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


# ------------------------------------------------------------------------------
# Tallies: one lock per kind of count, and a registry `manage.py tally_signatures` runs
# ------------------------------------------------------------------------------
_TALLIES: dict[str, Callable[[], object]] = {}


def register_tally(name: str, func: Callable[[], object]) -> None:
    """Register a one-shot tally (petitions, recalls...) for `manage.py tally_signatures`."""
    _TALLIES[name] = func


def tallies() -> dict[str, Callable[[], object]]:
    return dict(_TALLIES)


def _lock_key(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def tally_lock(name: str):
    """Open a transaction holding a PostgreSQL advisory lock named `name`; yields False (and does
    nothing) when another process holds it, so a second tally running at once is a no-op.
    SQLite serialises writers itself."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_lock_key(name)])
                acquired = cursor.fetchone()[0]
        else:
            acquired = True
        yield acquired


# ------------------------------------------------------------------------------
# Signers' network sources, for trend views without keeping full addresses
# ------------------------------------------------------------------------------
def ip_prefix(ip: str | None) -> str:
    """The /24 (IPv4) or /48 (IPv6) network of an address: enough to see a surge from one
    source, not enough to identify a subscriber behind carrier-grade NAT."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip.strip())
    except ValueError:
        return ""
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].lower()[:100] if "@" in (email or "") else ""


# ------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------
def add_months(start: date, months: int) -> date:
    """Same day `months` later, clamped to the month's last day (31 Aug + 6 -> 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
