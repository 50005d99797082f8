"""A test PKI for EDS signatures, made at run time with `cryptography`: a root and an intermediate CA
(like NCA RK's), citizen certificates with "IIN" + 12 digits in the subject serialNumber, CRLs, and
CMS SignedData made with cryptography's PKCS#7 builder (signed attributes, attached or detached).

`pki.configure(settings)` writes the CA certificates and CRLs to a directory and points EDS_TRUST_ROOTS
and EDS_CRLS at them."""

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7
from cryptography.x509.oid import NameOID

from portal.iin import make_iin

NOW = datetime.now(UTC)
# Fixed dates, so that tests frozen in another year (the recall tests live in 2025) see the same PKI.
FROM = datetime(2024, 1, 1, tzinfo=UTC)
UNTIL = datetime(2040, 1, 1, tzinfo=UTC)


def _key(kind: str = "rsa"):
    if kind == "ec":
        return ec.generate_private_key(ec.SECP256R1())
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common: str, *, iin: str = "", given: str = "", org: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COMMON_NAME, common)]
    if iin:
        attrs.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, f"IIN{iin}"))
    if given:
        attrs.append(x509.NameAttribute(NameOID.GIVEN_NAME, given))
    attrs.append(x509.NameAttribute(NameOID.COUNTRY_NAME, "KZ"))
    if org:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, org))
    return x509.Name(attrs)


@dataclass
class Issued:
    certificate: x509.Certificate
    key: object
    iin: str = ""

    def sign(self, data: bytes, *, detached: bool = False, chain: tuple = ()) -> str:
        """A base64 CMS SignedData over `data`, as NCALayer's createCAdESFromBase64 answers."""
        builder = pkcs7.PKCS7SignatureBuilder().set_data(data).add_signer(self.certificate, self.key, hashes.SHA256())
        for extra in chain:
            builder = builder.add_certificate(extra)
        options = [pkcs7.PKCS7Options.Binary]
        if detached:
            options.append(pkcs7.PKCS7Options.DetachedSignature)
        return base64.b64encode(builder.sign(serialization.Encoding.DER, options)).decode()


@dataclass
class Authority:
    issued: Issued
    revoked: list = field(default_factory=list)

    @property
    def certificate(self):
        return self.issued.certificate

    def issue(
        self,
        subject: x509.Name,
        *,
        ca: bool = False,
        key_kind: str = "rsa",
        not_before: datetime | None = None,
        not_after: datetime | None = None,
        key_usage: str = "sign",
    ) -> Issued:
        key = _key(key_kind)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or FROM)
            .not_valid_after(not_after or UNTIL)
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.certificate.public_key()), critical=False
            )
        )
        builder = builder.add_extension(_key_usage(key_usage if not ca else "ca"), critical=True)
        certificate = builder.sign(self.issued.key, hashes.SHA256())
        return Issued(certificate, key)

    def crl(self, *, next_update: datetime | None = None) -> bytes:
        next_update = next_update or UNTIL
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.certificate.subject)
            .last_update(min(FROM, next_update - timedelta(days=1)))
            .next_update(next_update)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.certificate.public_key()), critical=False
            )
            .add_extension(x509.CRLNumber(1), critical=False)
        )
        for certificate in self.revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder().serial_number(certificate.serial_number).revocation_date(FROM).build()
            )
        return builder.sign(self.issued.key, hashes.SHA256()).public_bytes(serialization.Encoding.DER)


def _key_usage(kind: str) -> x509.KeyUsage:
    flags = dict.fromkeys(
        (
            "digital_signature",
            "content_commitment",
            "key_encipherment",
            "data_encipherment",
            "key_agreement",
            "key_cert_sign",
            "crl_sign",
            "encipher_only",
            "decipher_only",
        ),
        False,
    )
    if kind == "ca":
        flags.update(key_cert_sign=True, crl_sign=True, digital_signature=True)
    elif kind == "sign":
        flags.update(digital_signature=True, content_commitment=True)
    else:  # an encryption-only key
        flags.update(key_encipherment=True)
    return x509.KeyUsage(**flags)


def _root(common: str) -> Authority:
    key = _key()
    name = _name(common, org="Test NCA")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(FROM - timedelta(days=365))
        .not_valid_after(UNTIL + timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(_key_usage("ca"), critical=True)
        .sign(key, hashes.SHA256())
    )
    return Authority(Issued(certificate, key))


class TestPki:
    """Root -> intermediate -> citizens; plus an unrelated root with its own citizen."""

    def __init__(self):
        self.root = _root("Test NCA RK root")
        intermediate = self.root.issue(_name("Test NCA RK (RSA)", org="Test NCA"), ca=True)
        self.intermediate = Authority(intermediate)
        self.stranger_root = _root("Unknown root")
        self._serial = 1

    def citizen(
        self,
        *,
        born: datetime | None = None,
        name: str = "ТЕСТОВ ТЕСТ",
        patronymic: str = "ТЕСТОВИЧ",
        issuer: Authority | None = None,
        **options,
    ) -> Issued:
        iin = make_iin((born or datetime(1985, 4, 12, tzinfo=UTC)).date(), serial=self._serial)
        self._serial = int(iin[7:11]) + 1
        issued = (issuer or self.intermediate).issue(_name(name, iin=iin, given=patronymic), **options)
        issued.iin = iin
        return issued

    def expired(self) -> Issued:
        return self.citizen(not_before=FROM - timedelta(days=400), not_after=FROM + timedelta(days=150))

    def not_yet_valid(self) -> Issued:
        return self.citizen(not_before=UNTIL - timedelta(days=100), not_after=UNTIL)

    def revoked(self) -> Issued:
        issued = self.citizen()
        self.intermediate.revoked.append(issued.certificate)
        return issued

    def stranger(self) -> Issued:
        return self.citizen(issuer=self.stranger_root)

    def encryption_only(self) -> Issued:
        return self.citizen(key_usage="encrypt")

    def configure(self, settings, directory: Path, *, crls: bool = True) -> None:
        """Point the EDS settings at this PKI (the file paths production would hold)."""
        directory.mkdir(parents=True, exist_ok=True)
        root = directory / "root.pem"
        root.write_bytes(self.root.certificate.public_bytes(serialization.Encoding.PEM))
        intermediate = directory / "intermediate.cer"  # DER, as NCA RK publishes them
        intermediate.write_bytes(self.intermediate.certificate.public_bytes(serialization.Encoding.DER))
        settings.EDS_TRUST_ROOTS = [str(root), str(intermediate)]
        self.write_crls(directory)
        settings.EDS_CRLS = [str(directory / "root.crl"), str(directory / "intermediate.crl")] if crls else []
        settings.EDS_OCSP_URL = ""

    def write_crls(self, directory: Path, *, next_update: datetime | None = None) -> None:
        (directory / "root.crl").write_bytes(self.root.crl(next_update=next_update))
        (directory / "intermediate.crl").write_bytes(self.intermediate.crl(next_update=next_update))


class Citizens:
    """The certificates every EDS test needs, made once per session (RSA key generation is slow)."""

    def __init__(self):
        self.pki = TestPki()
        self.good = self.pki.citizen()
        self.other = self.pki.citizen(name="БАСҚА АДАМ", born=datetime(1990, 1, 2, tzinfo=UTC))
        self.ec = self.pki.citizen(key_kind="ec", born=datetime(1979, 6, 1, tzinfo=UTC))
        self.expired = self.pki.expired()
        self.not_yet_valid = self.pki.not_yet_valid()
        self.revoked = self.pki.revoked()
        self.stranger = self.pki.stranger()
        self.encryption_only = self.pki.encryption_only()


_CITIZENS = None


def citizens() -> Citizens:
    global _CITIZENS  # noqa: PLW0603 (one PKI per test session)
    if _CITIZENS is None:
        _CITIZENS = Citizens()
    return _CITIZENS


def configured(settings, tmp_path) -> Citizens:
    """EDS switched on with the test PKI's roots and CRLs (the `eds_pki` fixture in tests/conftest.py)."""
    people = citizens()
    people.pki.configure(settings, tmp_path / "eds")
    return people
