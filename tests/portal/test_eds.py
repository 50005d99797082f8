"""EDS verification (portal.eds) against a PKI made in the tests: each refusal and the success."""

import base64
from datetime import timedelta

import pytest
from django.utils import timezone

from portal import eds
from portal.eds_challenges import eds_challenge_issue, eds_signature_verify
from portal.models import EdsChallenge
from tests.eds_pki import NOW
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SUBJECT = "petition:1"


def _challenge(user, subject=SUBJECT) -> bytes:
    return eds_challenge_issue(
        user=user, subject=subject, title="Trees on Abai street", text="Plant trees"
    ).text.encode()


def _refused(user, cms, code, subject=SUBJECT):
    with pytest.raises(eds.EdsError) as caught:
        eds_signature_verify(user=user, subject=subject, cms_base64=cms)
    assert caught.value.code == code
    assert caught.value.message  # a translated reason exists for every code
    return caught.value


def test_off_when_unset(settings):
    settings.EDS_TRUST_ROOTS = []
    assert not eds.enabled()
    user = UserFactory()
    with pytest.raises(eds.EdsError) as caught:
        eds_challenge_issue(user=user, subject=SUBJECT, title="t", text="x")
    assert caught.value.code == "disabled"


@pytest.mark.parametrize("detached", [False, True])
def test_valid_signature_names_the_signer_and_consumes_the_challenge(eds_pki, detached):
    user = UserFactory()
    challenge = _challenge(user)
    assert b"Subject: petition:1" in challenge and b"Text SHA-256: " in challenge and b"Nonce: " in challenge
    cms = eds_pki.good.sign(challenge, detached=detached)
    identity, evidence = eds_signature_verify(user=user, subject=SUBJECT, cms_base64=cms)
    assert identity.iin == eds_pki.good.iin
    assert identity.full_name == "ТЕСТОВ ТЕСТ ТЕСТОВИЧ"
    assert identity.serial == format(eds_pki.good.certificate.serial_number, "x")
    assert "Test NCA RK (RSA)" in identity.issuer
    assert evidence == base64.b64decode(cms)
    assert EdsChallenge.objects.get().used_at is not None
    # The same CMS again: the challenge is spent.
    _refused(user, cms, "reused_challenge")


def test_a_cms_in_pem_armour_is_read_as_ncalayer_answers_it(eds_pki):
    """NCALayer's basics module answers "-----BEGIN CMS-----", base64 in lines, "-----END CMS-----"."""
    user = UserFactory()
    cms = eds_pki.good.sign(_challenge(user))
    armoured = "-----BEGIN CMS-----\r\n" + "\r\n".join(cms[i : i + 64] for i in range(0, len(cms), 64))
    armoured += "\r\n-----END CMS-----\r\n"
    assert eds.decode_cms(armoured) == base64.b64decode(cms)
    identity, _evidence = eds_signature_verify(user=user, subject=SUBJECT, cms_base64=armoured)
    assert identity.iin == eds_pki.good.iin
    for broken in ("-----BEGIN CMS-----\n-----END CMS-----\n", "-----BEGIN CMS-----\nnot base64!\n-----END CMS-----"):
        with pytest.raises(eds.EdsError) as caught:
            eds.decode_cms(broken)
        assert caught.value.code == "malformed"


def test_ecdsa_key_is_verified(eds_pki):
    user = UserFactory()
    identity, _cms = eds_signature_verify(user=user, subject=SUBJECT, cms_base64=eds_pki.ec.sign(_challenge(user)))
    assert identity.iin == eds_pki.ec.iin


def test_challenge_is_bound_to_the_account_and_the_subject(eds_pki):
    owner, other = UserFactory(), UserFactory()
    cms = eds_pki.good.sign(_challenge(owner))
    _refused(other, cms, "wrong_challenge")
    _refused(owner, cms, "wrong_challenge", subject="petition:2")
    _refused(owner, eds_pki.good.sign(b"some other text"), "wrong_challenge")


def test_expired_challenge_is_refused(eds_pki):
    user = UserFactory()
    challenge = _challenge(user)
    EdsChallenge.objects.update(expires_at=timezone.now() - timedelta(seconds=1), created_at=NOW - timedelta(hours=1))
    _refused(user, eds_pki.good.sign(challenge), "reused_challenge")


def test_tampered_cms_is_refused(eds_pki):
    user = UserFactory()
    raw = bytearray(base64.b64decode(eds_pki.good.sign(_challenge(user))))
    raw[-5] ^= 0x01  # a bit of the signature value
    _refused(user, base64.b64encode(bytes(raw)).decode(), "bad_signature")
    _refused(user, "not base64 at all!", "malformed")
    _refused(user, base64.b64encode(b"\x30\x03\x02\x01\x01").decode(), "malformed")


def test_signed_attributes_over_another_text_are_refused(eds_pki):
    """A detached CMS whose message digest is the challenge's but whose signature is another key's."""
    user = UserFactory()
    challenge = _challenge(user)
    genuine = base64.b64decode(eds_pki.good.sign(challenge, detached=True))
    forged = base64.b64decode(eds_pki.other.sign(challenge, detached=True))
    # Swap the signer certificate: the signature no longer matches the certificate's key.
    from asn1crypto import cms as asn1_cms

    info = asn1_cms.ContentInfo.load(forged)
    info["content"]["certificates"] = asn1_cms.ContentInfo.load(genuine)["content"]["certificates"]
    sid = asn1_cms.ContentInfo.load(genuine)["content"]["signer_infos"][0]["sid"]
    info["content"]["signer_infos"][0]["sid"] = sid
    _refused(user, base64.b64encode(info.dump(force=True)).decode(), "bad_signature")


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("expired", "expired"),
        ("not_yet_valid", "not_yet_valid"),
        ("revoked", "revoked"),
        ("stranger", "unknown_issuer"),
        ("encryption_only", "key_usage"),
    ],
)
def test_certificate_faults_are_refused(eds_pki, who, code):
    user = UserFactory()
    cms = getattr(eds_pki, who).sign(_challenge(user))
    _refused(user, cms, code)
    assert EdsChallenge.objects.get().used_at is None  # a refusal does not spend the challenge


def test_revocation_unknown_fails_closed(eds_pki, settings, tmp_path):
    user = UserFactory()
    settings.EDS_CRLS = [str(tmp_path / "missing.crl")]
    settings.EDS_OCSP_URL = "http://127.0.0.1:9/ocsp"  # nothing listens: no OCSP answer either
    _refused(user, eds_pki.good.sign(_challenge(user)), "revocation_unknown")


def test_stale_crl_fails_closed(eds_pki, settings, tmp_path):
    user = UserFactory()
    directory = tmp_path / "stale"
    directory.mkdir()
    eds_pki.pki.write_crls(directory, next_update=NOW - timedelta(hours=2))
    # Issued in the past and overdue: an attacker replaying an old CRL must not pass.
    settings.EDS_CRLS = [str(directory / "root.crl"), str(directory / "intermediate.crl")]
    _refused(user, eds_pki.good.sign(_challenge(user)), "revocation_unknown")


def test_crls_are_cached_and_refreshed_by_the_beat_task(eds_pki, settings, tmp_path):
    from portal.tasks import eds_crl_refresh_task

    assert all(eds_crl_refresh_task.delay().get().values())
    # Once cached, the files may go away: verification uses the cached copies.
    copies = [tmp_path / "c1.crl", tmp_path / "c2.crl"]
    for source, copy in zip(settings.EDS_CRLS, copies, strict=True):
        copy.write_bytes(open(source, "rb").read())  # noqa: PTH123
    settings.EDS_CRLS = [str(c) for c in copies]
    assert all(eds.crls_refresh().values())
    assert len(eds_module_crls()) == 2
    for copy in copies:
        copy.unlink()
    assert len(eds_module_crls()) == 2
    user = UserFactory()
    identity, _cms = eds_signature_verify(user=user, subject=SUBJECT, cms_base64=eds_pki.good.sign(_challenge(user)))
    assert identity.iin == eds_pki.good.iin
    settings.EDS_CRLS = [str(tmp_path / "never-seen.crl")]
    assert eds_crl_refresh_task.delay().get() == {str(tmp_path / "never-seen.crl"): False}


def eds_module_crls():
    return eds.current_crls()


def test_gost_keys_are_refused_with_their_own_reason(eds_pki):
    """A CMS whose signer's digest algorithm is GOST R 34.11-2012 (Streebog): refused as unsupported."""
    from asn1crypto import cms as asn1_cms

    user = UserFactory()
    info = asn1_cms.ContentInfo.load(base64.b64decode(eds_pki.good.sign(_challenge(user))))
    signer = info["content"]["signer_infos"][0]
    signer["digest_algorithm"] = {"algorithm": "1.2.643.7.1.1.2.2"}
    _refused(user, base64.b64encode(info.dump(force=True)).decode(), "unsupported")
