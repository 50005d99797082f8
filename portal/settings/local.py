"""Laptop defaults: `make run` works with no service and no secret."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-change-me"  # noqa: F405
# A development key so that IIN fields work out of the box; production has no default.
FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or ["ZGV2LW9ubHktZGF1eXMta2V5LTMyLWJ5dGVzLWxvbmc="]  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405

WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Officials must enrol TOTP before the staff area. `REQUIRE_MFA=0 make run` skips it for a quick look.
DAUYS_REQUIRE_MFA_FOR_OFFICIALS = env_bool("REQUIRE_MFA", True)
