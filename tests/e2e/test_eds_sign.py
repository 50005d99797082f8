"""Signing a recall (and a petition) with EDS in a real Chromium: static/js/eds.js talks to a stand-in NCALayer
(tests/eds_ncalayer.py, NCALayer's basics `sign` protocol, signing with a test PKI key) and to the
recall API. The pages pass axe-core at every step; Kazakh and Russian pages."""

import base64
from datetime import date

import pytest
from django.utils import translation
from django.utils.csp import CSP

from portal.models import EdsChallenge
from portal.settings.base import websocket_origin
from recalls.models import RecallEdsEvidence, RecallSignature
from tests.e2e.conftest import assert_accessible, login
from tests.eds_ncalayer import FakeNcaLayer, closed_port_url
from tests.factories import UserFactory
from tests.recalls.factories import address_for, collecting_recall, commission_member, smd_deputy

pytestmark = pytest.mark.django_db(transaction=True)


def _t(text: str, language: str) -> str:
    with translation.override(language):
        translated = translation.gettext(text)
    assert translated != text, f"not translated into {language}: {text}"
    return translated


def _ncalayer_at(settings, url: str) -> None:
    """Point the page at this NCALayer and let the CSP allow it: ws:// is allowed for tests only."""
    settings.EDS_NCALAYER_URL = url
    settings.SECURE_CSP = {**settings.SECURE_CSP, "connect-src": [CSP.SELF, websocket_origin(url, allow_plain=True)]}


@pytest.fixture
def recall(db):
    today = date.today()  # the live server signs on the real day, so the term is placed around it
    deputy = smd_deputy(voters=30, elected_on=date(today.year - 2, 1, 15))
    return collecting_recall(deputy, commission_member(), today=today)


@pytest.fixture
def ncalayer():
    servers = []

    def start(signer=None, **options):
        server = FakeNcaLayer(signer, **options)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def _open_sign_page(page, live_server, recall, language):
    voter = UserFactory(preferred_language=language)
    login(page, live_server, voter, language=language)
    page.goto(f"{live_server.url}/{language}/recalls/{recall.pk}/sign/")
    return voter


def _fill_address_and_declaration(page, recall, language):
    page.get_by_label(_t("Home address", language)).fill(address_for(recall.deputy))
    page.get_by_label(
        _t("I am a citizen of Kazakhstan, at least 18 years old, and a voter of this district.", language)
    ).check()


def test_a_voter_signs_with_eds_in_kazakh(page, live_server, settings, eds_pki, ncalayer, recall):
    fake = ncalayer(eds_pki.good)
    _ncalayer_at(settings, fake.url)
    voter = _open_sign_page(page, live_server, recall, "kk")
    section = page.get_by_role("region", name=_t("Sign with your electronic digital signature (EDS)", "kk"))
    assert section.is_visible()  # shown by the script
    assert_accessible(page)

    # Without an address the page asks for it before anything is signed.
    section.get_by_role("button", name=_t("Sign with EDS", "kk")).click()
    assert page.get_by_role("alert").filter(has_text=_t("Enter your home address above first.", "kk")).is_visible()
    assert fake.requests == [] and not EdsChallenge.objects.exists()

    _fill_address_and_declaration(page, recall, "kk")
    section.get_by_role("button", name=_t("Sign with EDS", "kk")).click()
    thanks = _t("Thank you: your signature has been recorded.", "kk")
    section.get_by_role("status").filter(has_text=thanks).wait_for()
    assert not section.get_by_role("button", name=_t("Sign with EDS", "kk")).is_visible()
    assert_accessible(page)

    signature = RecallSignature.objects.get(recall=recall)
    assert signature.user == voter and signature.method == "eds" and signature.iin == eds_pki.good.iin
    assert RecallEdsEvidence.objects.filter(signature=signature).count() == 1
    # What the page asked NCALayer: the basics module's CMS signing of the challenge, attached,
    # restricted to an individual's signing key, in the page's language.
    [request] = fake.requests
    assert request["module"] == "kz.gov.pki.knca.basics" and request["method"] == "sign"
    args = request["args"]
    assert args["format"] == "cms" and args["locale"] == "kk"
    assert args["signingParams"] == {"decode": True, "encapsulate": True, "digested": False}
    assert args["signerParams"] == {"extKeyUsageOids": ["1.3.6.1.5.5.7.3.4", "1.2.398.3.3.4.1.1"]}
    challenge = EdsChallenge.objects.get(user=voter)
    assert base64.b64decode(args["data"]).decode() == challenge.text and challenge.used_at is not None

    page.goto(f"{live_server.url}/kk/recalls/{recall.pk}/")
    assert "******" + eds_pki.good.iin[-4:] in page.locator("main").inner_text()


def test_ncalayer_not_running_says_so_and_signs_nothing(page, live_server, settings, eds_pki, recall):
    _ncalayer_at(settings, closed_port_url())
    _open_sign_page(page, live_server, recall, "ru")
    _fill_address_and_declaration(page, recall, "ru")
    page.get_by_role("button", name=_t("Sign with EDS", "ru")).click()
    message = _t(
        "NCALayer is not running on this computer. Start NCALayer (it is installed from pki.gov.kz) and try "
        "again, or sign with the form above.",
        "ru",
    )
    page.get_by_role("alert").filter(has_text=message).wait_for()
    assert page.get_by_role("button", name=_t("Sign with EDS", "ru")).is_enabled()  # try again after starting it
    assert_accessible(page)
    assert not RecallSignature.objects.exists()
    assert not EdsChallenge.objects.exists()  # no challenge is spent before NCALayer answers


def test_the_citizen_cancels_in_ncalayer(page, live_server, settings, eds_pki, ncalayer, recall):
    fake = ncalayer(cancel=True)
    _ncalayer_at(settings, fake.url)
    _open_sign_page(page, live_server, recall, "kk")
    _fill_address_and_declaration(page, recall, "kk")
    page.get_by_role("button", name=_t("Sign with EDS", "kk")).click()
    page.get_by_role("alert").filter(
        has_text=_t("Signing was cancelled in NCALayer. Nothing has been signed.", "kk")
    ).wait_for()
    assert_accessible(page)
    assert len(fake.requests) == 1
    assert not RecallSignature.objects.exists()
    assert EdsChallenge.objects.get().used_at is None


def test_a_refused_key_shows_the_servers_reason_then_the_right_key_signs(
    page, live_server, settings, eds_pki, ncalayer, recall
):
    fake = ncalayer(eds_pki.expired)
    _ncalayer_at(settings, fake.url)
    voter = _open_sign_page(page, live_server, recall, "ru")
    _fill_address_and_declaration(page, recall, "ru")
    button = page.get_by_role("button", name=_t("Sign with EDS", "ru"))
    button.click()
    page.get_by_role("alert").filter(has_text=_t("The certificate has expired.", "ru")).wait_for()
    assert_accessible(page)
    assert not RecallSignature.objects.exists()

    # The citizen picks the valid key and tries again: signed.
    fake.signer = eds_pki.good
    button.click()
    page.get_by_role("status").filter(has_text=_t("Thank you: your signature has been recorded.", "ru")).wait_for()
    assert page.get_by_role("alert").inner_text().strip() == ""
    assert RecallSignature.objects.get(recall=recall).user == voter
    assert_accessible(page)


def test_without_javascript_the_form_stays_and_eds_is_not_offered(page_nojs, live_server, eds_pki, recall):
    voter = UserFactory()
    login(page_nojs, live_server, voter, language="en")
    page_nojs.goto(f"{live_server.url}/en/recalls/{recall.pk}/sign/")
    assert page_nojs.get_by_role("button", name="Sign", exact=True).is_visible()
    assert not page_nojs.get_by_role("button", name="Sign with EDS").is_visible()
    assert not page_nojs.get_by_role("region", name="Sign with your electronic digital signature (EDS)").count()
    # (Chromium under Playwright parses <noscript> as if scripts ran, so its text is read, not seen.)
    assert "Signing with EDS needs JavaScript and NCALayer" in page_nojs.locator("noscript").text_content()


def test_a_citizen_signs_a_petition_with_eds_in_russian(page, live_server, settings, eds_pki, ncalayer):
    """The petition page adopts the same markup; the page's consent box travels with the CMS, so the
    appeal may name the signer."""
    from petitions.models import Signature
    from tests.e2e.test_petitions import open_petition as make_open_petition

    petition = make_open_petition.__wrapped__(None)
    fake = ncalayer(eds_pki.good)
    _ncalayer_at(settings, fake.url)
    citizen = UserFactory(preferred_language="ru", is_citizen=True, address="")
    login(page, live_server, citizen, language="ru")
    page.goto(f"{live_server.url}/ru/petitions/{petition.pk}/")
    section = page.get_by_role("region", name=_t("Sign with your electronic digital signature (EDS)", "ru"))
    assert section.is_visible()
    page.get_by_label("Ваш домашний адрес").fill("Алматы, Абая 10")
    section.get_by_role("button", name=_t("Sign with EDS", "ru")).click()
    assert not fake.requests and not Signature.objects.exists()  # consent first: nothing signed yet
    page.locator("#id_consent").check()
    section.get_by_role("button", name=_t("Sign with EDS", "ru")).click()
    section.get_by_role("status").filter(has_text="Спасибо").wait_for()
    assert_accessible(page)

    signature = Signature.objects.get(petition=petition)
    assert (signature.signer, signature.method, signature.iin) == (citizen, "eds", eds_pki.good.iin)
    assert signature.delivery_consent_at is not None and signature.district.number == 7
