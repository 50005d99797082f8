"""What a newcomer trips over (issue 19), where only a browser shows it."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_api_docs_render_under_the_csp_and_no_broken_redoc(page, live_server):
    """Bug 8: the ReDoc page showed "Something went wrong" (the CSP blocked it); only working docs remain."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text)
            if "script" in message.text.lower() and "Content Security Policy" in message.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Dauys API" in page.locator(".swagger-ui .info .title").inner_text()
    assert page.locator(".swagger-ui .opblock").count() > 10  # the operations are listed
    assert refused == []
    assert page.goto(f"{live_server.url}/api/redoc/").status == 404
