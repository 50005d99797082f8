"""Tests that need a program of the machine (gettext, redis-server) skip on a laptop without it and
fail under REQUIRE_SERVICES=1 (CI), where .ci/run installs it: nothing is skipped in CI."""

import os
import shutil

import pytest


def require_program(name: str, package: str) -> str:
    path = shutil.which(name)
    if path:
        return path
    if os.environ.get("REQUIRE_SERVICES") == "1":
        pytest.fail(f"{name} is missing; install Debian's {package} (.ci/run does)")
    pytest.skip(f"{name} is not installed (Debian package {package})")
