"""Electronic digital signatures (EDS, ЭЦП) made with the citizen's own NCA RK key through NCALayer.

What is verified, in order (docs/eds.md):
1. the CMS SignedData parses (asn1crypto) and has exactly one signer whose certificate it carries;
2. the signed content (attached, or the challenge for a detached CMS) is the expected challenge, and
   the signed attributes' message digest is the digest of it;
3. the signature over the signed attributes verifies with the signer certificate's key (cryptography);
4. the path to a configured trust root validates (pyhanko-certvalidator): validity periods, basic
   constraints, key usage (digital signature), and revocation from the configured CRLs (and OCSP
   when EDS_OCSP_URL is set), in "require" mode: no revocation status, no signature;
5. the IIN is read from the subject serialNumber ("IIN" + 12 digits).

Every fault raises EdsError with a code and a translated reason. RSA (PKCS#1 v1.5 and PSS) and ECDSA
keys are supported; GOST 34.10-2015 keys are refused with their own code (no maintained Python library
verifies them: docs/eds.md says what is missing).

The challenge is the exact text to sign; challenges are issued and consumed by portal.services
(`eds_challenge_issue`, `eds_challenge_consume`)."""

import asyncio
import base64
import hashlib
import logging
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path

from asn1crypto import cms, pem
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

CRL_CACHE_SECONDS = 3 * 24 * 3600
FETCH_TIMEOUT = 10
MAX_CMS_BYTES = 64 * 1024
GOST_OID_PREFIXES = ("1.2.643.", "1.2.398.3.10.")  # Russian TC26 and Kazakh (KZ) GOST algorithm arcs

HASHES = {"sha256": hashes.SHA256, "sha384": hashes.SHA384, "sha512": hashes.SHA512, "sha1": hashes.SHA1}

MESSAGES = {
    "malformed": gettext_lazy("The signature could not be read: it is not a CMS signed document."),
    "bad_signature": gettext_lazy("The signature does not verify: the signed data was changed or is not yours."),
    "wrong_challenge": gettext_lazy("The signed text is not the text this page asked you to sign. Please try again."),
    "reused_challenge": gettext_lazy("This signing request was already used or has expired. Please sign again."),
    "unknown_issuer": gettext_lazy("The certificate was not issued by a trusted certification authority."),
    "expired": gettext_lazy("The certificate has expired."),
    "not_yet_valid": gettext_lazy("The certificate is not valid yet."),
    "revoked": gettext_lazy("The certificate has been revoked."),
    "revocation_unknown": gettext_lazy(
        "The certificate's revocation status cannot be checked right now, so the signature cannot be accepted. "
        "Please try again later."
    ),
    "key_usage": gettext_lazy("This key is not a signing key. Please choose your signing key (RSA or GOST “SIGN”)."),
    "no_iin": gettext_lazy("The certificate does not name an individual's IIN."),
    "unsupported": gettext_lazy("This kind of key (GOST) cannot be verified here yet. Please use an RSA key."),
    "invalid": gettext_lazy("The certificate is not valid for signing."),
    "disabled": gettext_lazy("Signing with EDS is not available on this site."),
}


class EdsError(Exception):
    """A refused signature. `code` is one of MESSAGES; str() is the translated reason."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message(self) -> str:
        return str(MESSAGES[self.code])


@dataclass(frozen=True)
class SignerIdentity:
    iin: str
    full_name: str
    serial: str  # certificate serial, hex
    issuer: str  # the issuer's distinguished name (RFC 4514)
    subject: str
    certificate_der: bytes


# ------------------------------------------------------------------------------
# Configuration: trust roots and CRLs
# ------------------------------------------------------------------------------
def enabled() -> bool:
    return bool(getattr(settings, "EDS_TRUST_ROOTS", None)) and bool(getattr(settings, "EDS_CRLS", None) or ocsp_url())


def ocsp_url() -> str:
    return getattr(settings, "EDS_OCSP_URL", "") or ""


def _load_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    if pem.detect(data):
        return [asn1_x509.Certificate.load(der) for _type, _headers, der in pem.unarmor(data, multiple=True)]
    return [asn1_x509.Certificate.load(data)]


@lru_cache(maxsize=8)
def _anchors(paths: tuple[str, ...]) -> tuple[list, list]:
    """(trust roots, intermediates) from the configured files: self-signed certificates are roots."""
    roots, intermediates = [], []
    for path in paths:
        for certificate in _load_certificates(Path(path).read_bytes()):
            (roots if certificate.self_signed != "no" else intermediates).append(certificate)
    return roots, intermediates


def trust_anchors() -> tuple[list, list]:
    return _anchors(tuple(settings.EDS_TRUST_ROOTS))


def _crl_cache_key(source: str) -> str:
    return "eds:crl:" + hashlib.sha256(source.encode()).hexdigest()[:32]


def _read_source(source: str) -> bytes:
    if source.startswith(("http://", "https://")):
        with urllib.request.urlopen(source, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (http(s) only)
            return response.read()
    return Path(source).read_bytes()


def _parse_crl(data: bytes) -> bytes:
    if pem.detect(data):
        _type, _headers, data = pem.unarmor(data)
    asn1_crl.CertificateList.load(data).native  # noqa: B018 (parses the whole list: a broken one fails here)
    return data


def crls_refresh() -> dict[str, bool]:
    """Fetch every configured CRL and cache it; a source that fails keeps its previous copy (which the
    validator still rejects once it is past its nextUpdate). Run by the Celery beat task."""
    result = {}
    for source in getattr(settings, "EDS_CRLS", []) or []:
        try:
            der = _parse_crl(_read_source(source))
        except Exception:  # noqa: BLE001 (a broken source must not stop the others)
            logger.warning("EDS CRL refresh failed for %s", source, exc_info=True)
            result[source] = False
            continue
        cache.set(_crl_cache_key(source), der, CRL_CACHE_SECONDS)
        result[source] = True
    return result


def current_crls() -> list[bytes]:
    """The cached CRLs; a source missing from the cache is fetched now. A source that cannot be had is
    left out, and the validator, in "require" mode, refuses what it can no longer check."""
    crls = []
    for source in getattr(settings, "EDS_CRLS", []) or []:
        der = cache.get(_crl_cache_key(source))
        if der is None:
            try:
                der = _parse_crl(_read_source(source))
            except Exception:  # noqa: BLE001
                logger.warning("EDS CRL unavailable: %s", source, exc_info=True)
                continue
            cache.set(_crl_cache_key(source), der, CRL_CACHE_SECONDS)
        crls.append(der)
    return crls


def _ocsp_responses(certificate: asn1_x509.Certificate, issuer: asn1_x509.Certificate | None) -> list[bytes]:
    """One OCSP response from EDS_OCSP_URL for the signer certificate (the validator checks its signature
    and status); nothing when unset or unreachable."""
    url = ocsp_url()
    if not url or issuer is None:
        return []
    from cryptography import x509
    from cryptography.x509 import ocsp

    try:
        request = (
            ocsp.OCSPRequestBuilder()
            .add_certificate(
                x509.load_der_x509_certificate(certificate.dump()),
                x509.load_der_x509_certificate(issuer.dump()),
                hashes.SHA1(),  # noqa: S303 (the CertID hash OCSP responders expect)
            )
            .build()
        )
        http_request = urllib.request.Request(  # noqa: S310
            url,
            data=request.public_bytes(serialization.Encoding.DER),
            headers={"Content-Type": "application/ocsp-request"},
        )
        with urllib.request.urlopen(http_request, timeout=FETCH_TIMEOUT) as response:  # noqa: S310
            return [response.read()]
    except Exception:  # noqa: BLE001
        logger.warning("EDS OCSP request failed", exc_info=True)
        return []


# ------------------------------------------------------------------------------
# Verification
# ------------------------------------------------------------------------------
def decode_cms(value: str) -> bytes:
    """Base64 DER, bare or in PEM armour: NCALayer's basics module answers
    "-----BEGIN CMS-----\\n...\\n-----END CMS-----"."""
    lines = [line for line in str(value or "").splitlines() if not line.strip().startswith("-----")]
    try:
        data = base64.b64decode("".join("".join(lines).split()), validate=True)
    except ValueError:
        raise EdsError("malformed") from None
    if not data or len(data) > MAX_CMS_BYTES:
        raise EdsError("malformed")
    return data


def _signed_data(data: bytes) -> cms.SignedData:
    try:
        info = cms.ContentInfo.load(data, strict=True)
        if info["content_type"].native != "signed_data":
            raise EdsError("malformed")
        signed = info["content"]
        signed.native  # noqa: B018 (parse everything now: a malformed part fails here, not later)
    except EdsError:
        raise
    except Exception:  # noqa: BLE001 (asn1crypto raises many types for bad input)
        raise EdsError("malformed") from None
    if len(signed["signer_infos"]) != 1:
        raise EdsError("malformed")
    return signed


def signed_content(data: bytes) -> bytes | None:
    """The attached content of a CMS (None when detached); used to find the challenge it answers."""
    content = _signed_data(data)["encap_content_info"]["content"]
    return None if content.native is None else content.native


def cms_signs(data: bytes, text: bytes) -> bool:
    """Whether this CMS is over `text`: its attached content is `text`, or (detached) its signed
    message digest is the digest of `text`. Cheap: no signature or path check (verify_cms does those)."""
    signed = _signed_data(data)
    attached = signed["encap_content_info"]["content"].native
    if attached is not None:
        return attached == text
    signer = signed["signer_infos"][0]
    hash_cls = HASHES.get(signer["digest_algorithm"]["algorithm"].native)
    if hash_cls is None or not signer["signed_attrs"]:
        return False
    digests = [attr["values"][0].native for attr in signer["signed_attrs"] if attr["type"].native == "message_digest"]
    digest = hashes.Hash(hash_cls())
    digest.update(text)
    return digests == [digest.finalize()]


def _signer_certificate(signed: cms.SignedData, signer: cms.SignerInfo) -> asn1_x509.Certificate:
    sid = signer["sid"]
    for choice in signed["certificates"] or []:
        if choice.name != "certificate":
            continue
        certificate = choice.chosen
        if sid.name == "issuer_and_serial_number":
            if (
                certificate.issuer == sid.chosen["issuer"]
                and certificate.serial_number == sid.chosen["serial_number"].native
            ):
                return certificate
        elif certificate.key_identifier == sid.chosen.native:
            return certificate
    raise EdsError("malformed")


def _is_gost(oid: str) -> bool:
    return oid.startswith(GOST_OID_PREFIXES)


def _verify_signature(signer: cms.SignerInfo, certificate: asn1_x509.Certificate, content: bytes) -> None:
    digest_oid = signer["digest_algorithm"]["algorithm"].dotted
    sig_oid = signer["signature_algorithm"]["algorithm"].dotted
    if _is_gost(digest_oid) or _is_gost(sig_oid) or _is_gost(certificate.public_key["algorithm"]["algorithm"].dotted):
        raise EdsError("unsupported")
    hash_name = signer["digest_algorithm"]["algorithm"].native
    if hash_name not in HASHES:
        raise EdsError("unsupported")
    hash_cls = HASHES[hash_name]
    signed_attrs = signer["signed_attrs"]
    if signed_attrs:
        attrs = {attr["type"].native: attr["values"] for attr in signed_attrs}
        if "message_digest" not in attrs or "content_type" not in attrs:
            raise EdsError("bad_signature")
        if attrs["content_type"][0].native != "data":
            raise EdsError("bad_signature")
        digest = hashes.Hash(hash_cls())
        digest.update(content)
        if attrs["message_digest"][0].native != digest.finalize():
            raise EdsError("bad_signature")
        # The signature covers the DER of the attributes as a SET OF (the [0] IMPLICIT tag replaced).
        encoded = signed_attrs.dump()
        to_verify = b"\x31" + encoded[1:]
    else:
        to_verify = content
    try:
        public_key = serialization.load_der_public_key(certificate.public_key.dump())
    except Exception:  # noqa: BLE001
        raise EdsError("unsupported") from None
    signature = signer["signature"].native
    algorithm = signer["signature_algorithm"]
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            if algorithm.signature_algo == "rsassa_pss":
                params = algorithm["parameters"]
                pss_hash = HASHES.get(params["hash_algorithm"]["algorithm"].native)
                if pss_hash is None:
                    raise EdsError("unsupported")
                pad = padding.PSS(mgf=padding.MGF1(pss_hash()), salt_length=params["salt_length"].native)
                public_key.verify(signature, to_verify, pad, pss_hash())
            else:
                public_key.verify(signature, to_verify, padding.PKCS1v15(), hash_cls())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, to_verify, ec.ECDSA(hash_cls()))
        else:
            raise EdsError("unsupported")
    except InvalidSignature:
        raise EdsError("bad_signature") from None
    except (ValueError, TypeError):
        raise EdsError("bad_signature") from None


def _iin_from(certificate: asn1_x509.Certificate) -> str:
    serial = certificate.subject.native.get("serial_number", "")
    if isinstance(serial, list):
        serial = serial[0] if serial else ""
    serial = str(serial).strip().upper()
    if not (serial.startswith("IIN") and len(serial) == 15 and serial[3:].isdigit()):
        raise EdsError("no_iin")
    return serial[3:]


def _full_name(certificate: asn1_x509.Certificate) -> str:
    subject = certificate.subject.native
    common = subject.get("common_name", "")
    if isinstance(common, list):
        common = " ".join(common)
    given = subject.get("given_name", "")
    # NCA RK certificates: CN = surname and first name, GIVENNAME = patronymic.
    return " ".join(part for part in (str(common).strip(), str(given).strip()) if part)


def _validate_path(certificate: asn1_x509.Certificate, extra: list, *, at: datetime) -> None:
    from pyhanko_certvalidator import CertificateValidator, ValidationContext, errors

    roots, intermediates = trust_anchors()
    issuer = next((c for c in [*intermediates, *roots, *extra] if c.subject == certificate.issuer), None)
    context = ValidationContext(
        trust_roots=roots,
        other_certs=[*intermediates, *extra],
        moment=at,
        crls=current_crls(),
        ocsps=_ocsp_responses(certificate, issuer),
        revocation_mode="require",
        allow_fetching=False,
    )
    validator = CertificateValidator(certificate, validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage({"digital_signature"}))
    except errors.PathBuildingError:
        raise EdsError("unknown_issuer") from None
    except errors.RevokedError:
        raise EdsError("revoked") from None
    except errors.ExpiredError:
        raise EdsError("expired") from None
    except errors.NotYetValidError:
        raise EdsError("not_yet_valid") from None
    except errors.InsufficientRevinfoError:
        raise EdsError("revocation_unknown") from None
    except errors.InvalidCertificateError as error:
        text = str(error).lower()
        raise EdsError("key_usage" if "purpose" in text or "key usage" in text else "invalid") from None
    except errors.PathValidationError as error:
        text = str(error).lower()
        if "revocation" in text or "crl" in text or "ocsp" in text:
            raise EdsError("revocation_unknown") from None
        if "signature" in text and "algorithm" in text:
            raise EdsError("unsupported") from None
        raise EdsError("invalid") from None


def verify_cms(data: bytes, *, challenge: bytes, at: datetime | None = None) -> SignerIdentity:
    """Verify a CMS SignedData over `challenge` and return who signed it, or raise EdsError."""
    if not enabled():
        raise EdsError("disabled")
    at = at or timezone.now()
    signed = _signed_data(data)
    signer = signed["signer_infos"][0]
    attached = signed["encap_content_info"]["content"].native
    if attached is not None and attached != challenge:
        raise EdsError("wrong_challenge")
    certificate = _signer_certificate(signed, signer)
    _verify_signature(signer, certificate, challenge)
    extra = [c.chosen for c in signed["certificates"] or [] if c.name == "certificate" and c.chosen != certificate]
    _validate_path(certificate, extra, at=at)
    iin = _iin_from(certificate)
    return SignerIdentity(
        iin=iin,
        full_name=_full_name(certificate),
        serial=format(certificate.serial_number, "x"),
        issuer=_rfc4514(certificate.issuer),
        subject=_rfc4514(certificate.subject),
        certificate_der=certificate.dump(),
    )


def _rfc4514(name: asn1_x509.Name) -> str:
    return name.human_friendly[:500]
