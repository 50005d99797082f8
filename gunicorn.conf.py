"""gunicorn's settings for Dauys (read from the working directory, as gunicorn does by default).

Whether a request came over HTTPS, and from which client, is decided in one place: Django, from
NUM_PROXIES (portal.middleware.client_ip, SECURE_PROXY_SSL_HEADER in production). gunicorn would
otherwise trust X-Forwarded-Proto (and X-Forwarded-Ssl, X-Forwarded-Protocol) from any peer on
127.0.0.1 by itself, so a client talking to gunicorn directly on the same host could claim HTTPS.
"""

secure_scheme_headers: dict = {}
