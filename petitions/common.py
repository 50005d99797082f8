"""Building blocks of petitions' signing and tally: the tally lock and registry, and signers' network
sources. Nothing here knows a petition. (Rules, history and dates are shared by every app:
portal.rules, portal.append_only, portal.workdays.)"""

import hashlib
import ipaddress
from collections.abc import Callable
from contextlib import contextmanager

from django.db import connection, transaction

# ------------------------------------------------------------------------------
# Tallies: one lock per kind of count, and a registry `manage.py tally_signatures` runs
# ------------------------------------------------------------------------------
_TALLIES: dict[str, Callable[[], object]] = {}


def register_tally(name: str, func: Callable[[], object]) -> None:
    """Register a one-shot tally (petitions, and any later kind) for `manage.py tally_signatures`."""
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
