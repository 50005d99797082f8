"""EMAIL_URL parsing into Django 6.1's MAILERS setting.

smtp://user:pass@host:port, smtp+tls://..., smtp+ssl://..., console:, file:///dir, locmem:
"""

from urllib.parse import unquote, urlparse

BACKENDS = "django.core.mail.backends."


def mailer_from_url(url: str) -> dict:
    parsed = urlparse(url)
    scheme = parsed.scheme or url.rstrip(":")
    if scheme == "console":
        return {"BACKEND": BACKENDS + "console.EmailBackend"}
    if scheme == "locmem":
        return {"BACKEND": BACKENDS + "locmem.EmailBackend"}
    if scheme == "file":
        return {"BACKEND": BACKENDS + "filebased.EmailBackend", "OPTIONS": {"file_path": parsed.path}}
    if scheme in {"smtp", "smtp+tls", "smtp+ssl"}:
        return {
            "BACKEND": BACKENDS + "smtp.EmailBackend",
            "OPTIONS": {
                "host": parsed.hostname or "localhost",
                "port": parsed.port or (465 if scheme == "smtp+ssl" else 587 if scheme == "smtp+tls" else 25),
                "username": unquote(parsed.username or ""),
                "password": unquote(parsed.password or ""),
                "use_tls": scheme == "smtp+tls",
                "use_ssl": scheme == "smtp+ssl",
                "timeout": 20,
            },
        }
    raise ValueError(f"Unsupported EMAIL_URL scheme: {scheme!r}")


def email_settings_from_url(url: str) -> dict:
    return {"MAILERS": {"default": mailer_from_url(url)}}
