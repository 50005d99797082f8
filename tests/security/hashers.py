"""A real password hasher that also counts how many hashes it computed (finding 8's test)."""

from django.contrib.auth.hashers import MD5PasswordHasher

COMPUTED: list[str] = []


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"

    def encode(self, password, salt):
        COMPUTED.append(salt)
        return super().encode(password, salt)
