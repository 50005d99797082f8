"""Who signed, for the signatures that name a person (EDS, paper): the IIN checked as recalls check it
(portal.iin) and keyed-hashed for the one-per-IIN constraint, the full name, and the refusal when
the IIN has already signed the petition. Shared by petitions/paper.py and petitions/eds_signing.py.

An IIN is personal data: nothing here logs it or puts it in a message."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from petitions.models import Petition
from portal.crypto import keyed_hash
from portal.iin import validate_iin
from portal.textsafety import strip_bidi

FULL_NAME_MAX = 200


class IinTaken(ValidationError):
    """This IIN has already signed the petition in a way that cannot be merged (another account, or
    a second paper row). Reported under `iin`; the API answers it 409. `existing_method` is the
    method of the signature that holds the IIN, so an idempotent import can tell a re-run."""

    def __init__(self, message, *, existing_method: str = ""):
        super().__init__({"iin": [message]}, code="duplicate_iin")
        self.existing_method = existing_method


def signer_iin(value, *, on: date) -> tuple[str, str]:
    """(normalised IIN, keyed hash), or ValidationError under `iin` with a translated reason."""
    try:
        iin = validate_iin(value, on=on)
    except ValidationError as error:
        raise ValidationError({"iin": error.messages}) from None
    return iin, keyed_hash(iin)


def signer_full_name(value) -> str:
    """The name as written, one space between words; ValidationError under `full_name`."""
    name = " ".join(strip_bidi(str(value or "")).split())
    if not name:
        raise ValidationError({"full_name": _("Enter the signer's full name.")})
    if len(name) > FULL_NAME_MAX:
        raise ValidationError({"full_name": _("A full name is at most %(max)s characters.") % {"max": FULL_NAME_MAX}})
    return name


def collecting_or_refuse(petition: Petition, on: date) -> None:
    """A signature is taken only while the petition collects, and dated within its collection."""
    if not petition.is_signable or (petition.collection_ends and on > petition.collection_ends):
        raise ValidationError(_("This petition is not collecting signatures."))


def iin_taken_message() -> str:
    return _("A signature with this IIN has already been given for this petition.")
