"""The site's name and address come from settings (issue 19, bug 5): no "example.com" in emails, and
`make run` points links at the port it serves."""

import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail

from tests.tools import require_program

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_sign_up_email_names_the_site_from_settings(client, settings, language):
    settings.SITE_NAME = "Dauys Test"
    settings.SITE_URL = "http://127.0.0.1:8765"
    response = client.post(
        f"/{language}/accounts/signup/",
        {
            "email": f"new-{language}@example.kz",
            "password1": "a-strong-passphrase-2026",
            "password2": "a-strong-passphrase-2026",
        },
    )
    assert response.status_code == 302
    message = mail.outbox[-1]
    assert "example.com" not in message.body and "example.com" not in message.subject
    assert "Dauys Test" in message.body
    assert "127.0.0.1:8765" in message.body


def test_make_run_sets_site_url_from_port():
    require_program("make", "make")
    root = Path(settings.BASE_DIR)
    out = subprocess.run(
        ["make", "-n", "--no-print-directory", "run", "PORT=8123"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    serve = [line for line in out.splitlines() if "manage.py serve" in line or "honcho start" in line]
    assert serve and all("SITE_URL=http://127.0.0.1:8123" in line for line in serve), out
    assert re.search(r"SITE_URL=http://127.0.0.1:8123 \S*python manage.py seed_demo", out)
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "`SITE_URL`" in readme and "SITE_URL" in (root / ".env.example").read_text(encoding="utf-8")
