"""Screenshots of the home, petition, hearing and representatives pages at 390 px and 1280 px.

    make screenshots        # or: .venv/bin/python docs/screenshots/take.py [--language kk]

Builds a throwaway SQLite database with the demo data (`seed_demo`), serves it with Django's
development server on a free port, and drives Debian's Chromium (Playwright, never a downloaded
browser) over the pages. The PNGs land next to this file. Nothing in var/ or your database changes.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
WIDTHS = [(390, 844), (1280, 900)]  # a phone, a desktop


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own local server
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server at {url} did not answer")


def first_link(page, url: str, selector: str) -> str:
    page.goto(url)
    href = page.locator(selector).first.get_attribute("href")
    if not href:
        raise SystemExit(f"no link {selector!r} on {url}")
    return href


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--language", default="kk", choices=["kk", "ru", "en"])
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="dauys-screenshots-"))
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings.local",
        "DATABASE_URL": f"sqlite:///{work / 'demo.sqlite3'}",
        "DAUYS_VAR_DIR": str(work),
        "SITE_URL": f"http://127.0.0.1:{port}",
        "REQUIRE_MFA": "0",
    }
    env.pop("REDIS_URL", None)
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run([python, "manage.py", "seed_demo"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    server = subprocess.Popen(
        [python, "manage.py", "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    lang = args.language
    try:
        wait_for(f"{base}/healthz")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            petition = first_link(page, f"{base}/{lang}/petitions/", ".petition-card h3 a")
            hearing = first_link(page, f"{base}/{lang}/hearings/", "ul.cards li a")
            pages = {
                "home": f"/{lang}/",
                "petition": petition,
                "hearing": hearing,
                "representatives": f"/{lang}/representatives/?address="
                + urllib.request.quote("Алматы, Абылай хана 15"),
            }
            for width, height in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": height}, locale="kk-KZ")
                shot = context.new_page()
                for name, path in pages.items():
                    shot.goto(base + path)
                    shot.wait_for_load_state("networkidle")
                    target = OUT / f"{name}-{width}.png"
                    shot.screenshot(path=str(target), full_page=True)
                    print(target.relative_to(ROOT))
                context.close()
            browser.close()
    finally:
        server.terminate()
        server.wait(10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
