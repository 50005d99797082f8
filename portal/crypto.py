"""Field encryption for personal data (IINs, home addresses) and a keyed hash for uniqueness.

Keys: `FIELD_ENCRYPTION_KEYS`, Fernet keys newest first. MultiFernet encrypts with the first and
decrypts with any, so rotation is: put a new key first, run `rotate()` over stored tokens, then drop
the old key.

Uniqueness (one signature per IIN) cannot use the ciphertext, which is randomised, so a keyed
HMAC-SHA256 of the value is stored beside it. Its key is `IIN_HASH_KEY` when set, else derived from
the OLDEST encryption key: the hash must not change when a new encryption key is put first. Before
the oldest encryption key is retired, set `IIN_HASH_KEY` to the value `hash_key_for_export()` shows,
or the stored hashes stop matching."""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

MASK_CHAR = "*"


def _keys() -> tuple[str, ...]:
    keys = getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or []
    if isinstance(keys, str):
        keys = [k.strip() for k in keys.split(",")]
    keys = tuple(k for k in keys if k)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: personal data cannot be stored without a key.")
    return keys


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as error:
        raise ImproperlyConfigured(f"FIELD_ENCRYPTION_KEYS holds an invalid Fernet key: {error}") from None


def fernet() -> MultiFernet:
    return _fernet(_keys())


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured("A stored value cannot be decrypted with FIELD_ENCRYPTION_KEYS.") from None


def rotate(token: str) -> str:
    """Re-encrypt a stored token with the newest key."""
    return fernet().rotate(token.encode()).decode()


def _hash_key() -> bytes:
    explicit = getattr(settings, "IIN_HASH_KEY", "")
    if explicit:
        return explicit.encode()
    oldest = _keys()[-1]
    return hmac.new(base64.urlsafe_b64decode(oldest), b"dauys-keyed-hash-v1", hashlib.sha256).digest()


def hash_key_for_export() -> str:
    """The hash key in use, to pin as IIN_HASH_KEY before the oldest encryption key is retired."""
    return _hash_key().hex() if not getattr(settings, "IIN_HASH_KEY", "") else settings.IIN_HASH_KEY


def keyed_hash(value: str, *, purpose: str = "iin") -> str:
    """A stable, keyed HMAC-SHA256 (hex): equal values give equal hashes, and without the key the
    hash cannot be brute-forced over the small space of possible IINs."""
    return hmac.new(_hash_key(), f"{purpose}:{value}".encode(), hashlib.sha256).hexdigest()


def mask(value: str, visible: int = 4) -> str:
    """'900101300017' -> '******0017': a fixed number of stars, so the length is not disclosed."""
    value = value or ""
    if not value:
        return ""
    return MASK_CHAR * 6 + value[-visible:]


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; Python code sees plain text. Not searchable or sortable by
    design: look values up through a keyed-hash column instead. An empty string stays empty, so a
    purged value needs no key to read."""

    description = "Text encrypted at rest (Fernet)"

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)
