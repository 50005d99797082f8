"""Security tests use the shared fixtures (Almaty's maslikhat, an author, staff) of tests/conftest.py."""

import pytest


@pytest.fixture(autouse=True)
def _english(english):
    """Service messages are asserted in English; pages choose their language from the URL."""
