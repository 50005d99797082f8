"""Our own OpenAPI document, loaded once for the modules that walk it (tests/test_api_fuzz.py,
tests/test_api_dates.py). Loaded at collection: the schema view needs no database."""

import schemathesis
from django.core.handlers.wsgi import WSGIHandler

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
