import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from portal import crypto


def test_encrypt_round_trip_is_randomised():
    first, second = crypto.encrypt("900101300017"), crypto.encrypt("900101300017")
    assert first != second
    assert "900101300017" not in first
    assert crypto.decrypt(first) == crypto.decrypt(second) == "900101300017"


def test_rotation_keeps_old_tokens_readable_and_rewrites_them(settings):
    old_key = settings.FIELD_ENCRYPTION_KEYS[0]
    token = crypto.encrypt("secret")
    new_key = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [new_key, old_key]
    assert crypto.decrypt(token) == "secret"
    rotated = crypto.rotate(token)
    settings.FIELD_ENCRYPTION_KEYS = [new_key]
    assert crypto.decrypt(rotated) == "secret"
    with pytest.raises(ImproperlyConfigured):
        crypto.decrypt(token)


def test_keyed_hash_is_stable_across_rotation_and_depends_on_the_key(settings):
    before = crypto.keyed_hash("900101300017")
    assert len(before) == 64 and "900101300017" not in before
    assert crypto.keyed_hash("900101300017") == before
    assert crypto.keyed_hash("900101300018") != before
    # a new encryption key put first does not change the hash (it derives from the oldest key)
    settings.FIELD_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.FIELD_ENCRYPTION_KEYS]
    assert crypto.keyed_hash("900101300017") == before
    settings.IIN_HASH_KEY = "another-secret"
    assert crypto.keyed_hash("900101300017") != before


def test_missing_or_bad_keys_refuse_to_work(settings):
    settings.FIELD_ENCRYPTION_KEYS = []
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")
    settings.FIELD_ENCRYPTION_KEYS = "not-a-key"
    with pytest.raises(ImproperlyConfigured):
        crypto.encrypt("x")


def test_mask_shows_only_the_last_four_digits():
    assert crypto.mask("900101300017") == "******0017"
    assert crypto.mask("") == ""
