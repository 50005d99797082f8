"""`collectstatic` with the production storage: the manifest storage refuses a file that references a
missing one (a vendored library's source map did, and every deploy and benchmark failed on it)."""

import json

import pytest
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.mark.slow  # hashes and compresses every static file
def test_collectstatic_with_the_manifest_storage(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    assert "vendor/leaflet/leaflet.js" in paths
    assert "js/district-map.js" in paths
