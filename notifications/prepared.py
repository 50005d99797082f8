"""Render a fan-out's email once per variant, not once per recipient.

Every recipient of one event occurrence in one language gets the same email except for their own
parts: the greeting's first name, the two unsubscribe links, the To and Message-ID headers. So a
chunk renders each variant (event occurrence, language, with or without a first name, the event's
per-recipient context when its values are plain) once with placeholders in those places, serialises
it once, and each recipient's message is the variant's bytes with their parts put in: no template,
no MIME serialisation and no header folding per recipient, which took most of a worker's CPU.

Correctness does not rest on this module's guesses. A variant is used only if, for the first
recipient of the variant in the chunk, its message equals the one rendered the ordinary way
(notifications.emails.render), headers and decoded parts alike (the Date and the MIME boundary
aside); and only if the templates read nothing of the user but the first name. Otherwise the
variant's recipients are rendered one by one, as before. Digests, events with attachments and
addresses that are not plain ASCII are always rendered one by one.

Only for Django's SMTP backend: the backend sends the prepared bytes as they are. Any other backend
(the tests' locmem, console, file) gets ordinary messages."""

import base64
import email
import email.policy
import logging
import re
import secrets
from datetime import date, datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Model
from django.utils.functional import Promise
from django.utils.html import escape

log = logging.getLogger(__name__)

# Placeholders: random per process, so no content can contain them by chance. Each carries an "&"
# so that an autoescaped occurrence ("&amp;") is told apart from a raw one and gets the escaped value.
_TOKEN = secrets.token_hex(8)
NAME = f"dauys{_TOKEN}&name"
UNSUBSCRIBE = f"https://dauys{_TOKEN}.invalid/&one"
UNSUBSCRIBE_ALL = f"https://dauys{_TOKEN}.invalid/&all"
TO = f"to-{_TOKEN}@dauys.invalid"
MESSAGE_ID = f"<id-{_TOKEN}@dauys.invalid>"
PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


def smtp_backend() -> bool:
    backend = settings.MAILERS.get("default", {}).get("BACKEND", "")
    return backend == "django.core.mail.backends.smtp.EmailBackend"


class _StandIn:
    """The recipient while a variant renders: the first name is a placeholder (or empty); reading
    anything else of the user is noted, and makes the variant personal (rendered per recipient)."""

    def __init__(self, first_name: str):
        self.__dict__["first_name"] = first_name
        self.__dict__["read"] = set()

    def __getattr__(self, name):
        self.__dict__["read"].add(name)
        raise AttributeError(name)


def _plain(value) -> object:
    """A value that keys a variant: the same for two recipients means the same rendered text."""
    if value is None or isinstance(value, (str, int, float, bool, date, datetime)):
        return value
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Model):
        return (value._meta.label_lower, value.pk)
    raise TypeError


class PreparedEmail(EmailMultiAlternatives):
    """One recipient's email made from its variant: Django's SMTP backend sends `raw` as it is;
    every other use (another backend, `message()` with another policy) builds it as usual."""

    raw: bytes = b""

    def message(self, *, policy=email.policy.default):
        if self.raw and policy is email.policy.SMTP:
            return _Raw(self.raw)
        return super().message(policy=policy)


class _Raw:
    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, *args, **kwargs) -> bytes:
        return self.raw


def _part(boundary: bytes, subtype: bytes, content: str) -> bytes:
    # Lines end in CRLF (as email's own text encoding makes them), base64: any line length is fine.
    data = b"\r\n".join(content.encode().splitlines()) + b"\r\n"
    return (
        b"--" + boundary + b"\r\nContent-Type: text/" + subtype + b'; charset="utf-8"\r\n'
        b"Content-Transfer-Encoding: base64\r\nMIME-Version: 1.0\r\n\r\n"
        + base64.encodebytes(data).replace(b"\n", b"\r\n")
    )


def _fill(template: str, name: str, unsubscribe: str, unsubscribe_all: str) -> str:
    for hole, value in ((NAME, name), (UNSUBSCRIBE, unsubscribe), (UNSUBSCRIBE_ALL, unsubscribe_all)):
        template = template.replace(escape(hole), escape(value)).replace(hole, value)
    return template


def _summary(raw: bytes) -> tuple:
    """What a reader gets: the headers (unfolded, decoded; not the Date and MIME framing) and each
    part's type and decoded text."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    framing = {"date", "content-type", "content-transfer-encoding", "mime-version"}
    heads = [(key.lower(), str(value)) for key, value in message.items() if key.lower() not in framing]
    parts = [
        (part.get_content_type(), part.get_content().replace("\r\n", "\n").rstrip("\n"))
        for part in message.walk()
        if not part.is_multipart()
    ]
    return message.get_content_type(), heads, parts


class Variant:
    """One variant, rendered with placeholders and serialised once."""

    def __init__(self, draft, render):
        stand_in = _StandIn(NAME if draft.user.first_name else "")
        message = render(
            draft,
            user=stand_in,
            unsubscribe=UNSUBSCRIBE,
            unsubscribe_all=UNSUBSCRIBE_ALL,
            to=TO,
            message_id_value=MESSAGE_ID,
        )
        self.usable = not stand_in.read and _TOKEN not in message.subject
        self.subject = message.subject
        self.text = message.body
        self.html = message.alternatives[0].content
        self.headers = message.extra_headers
        serialised = message.message(policy=email.policy.SMTP)
        raw = serialised.as_bytes()
        self.head = raw.partition(b"\r\n\r\n")[0]
        boundary = (serialised.get_boundary() or "").encode()
        self.boundary = boundary
        self.usable = self.usable and bool(boundary) and self.head.count(_TOKEN.encode()) == 3

    def prepare(self, draft, message_id_value: str) -> PreparedEmail:
        user = draft.user
        text = _fill(self.text, user.first_name, draft.unsubscribe, draft.unsubscribe_all)
        html = _fill(self.html, user.first_name, draft.unsubscribe, draft.unsubscribe_all)
        head = (
            self.head.replace(TO.encode(), user.email.encode())
            .replace(MESSAGE_ID.encode(), message_id_value.encode())
            .replace(UNSUBSCRIBE.encode(), draft.unsubscribe.encode())
        )
        headers = dict(self.headers)
        headers["Message-ID"] = message_id_value
        headers["List-Unsubscribe"] = headers["List-Unsubscribe"].replace(UNSUBSCRIBE, draft.unsubscribe)
        prepared = PreparedEmail(
            subject=self.subject, body=text, to=[user.email], headers=headers, alternatives=[(html, "text/html")]
        )
        prepared.raw = (
            head
            + b"\r\n\r\n"
            + _part(self.boundary, b"plain", text)
            + _part(self.boundary, b"html", html)
            + b"--"
            + self.boundary
            + b"--\r\n"
        )
        return prepared


class Variants:
    """The variants of one chunk: `message(draft)` is the recipient's email, prepared from its
    variant when that is known to give the same message, rendered the ordinary way otherwise."""

    def __init__(self, render, message_id):
        self._render = render
        self._message_id = message_id
        self._variants: dict[tuple, Variant | None] = {}

    @staticmethod
    def key(draft) -> tuple | None:
        if draft.event is None or draft.event.attachments or not PLAIN_ADDRESS.fullmatch(draft.user.email):
            return None
        try:
            personal = tuple(sorted((name, _plain(value)) for name, value in draft.personal.items()))
        except TypeError:
            return None
        delivery = draft.delivery
        return (
            delivery.event,
            delivery.object_type,
            delivery.object_id,
            draft.language,
            bool(draft.user.first_name),
            personal,
        )

    def message(self, draft) -> EmailMultiAlternatives:
        key = self.key(draft)
        if key is None:
            return self._render(draft)
        if key in self._variants:
            variant = self._variants[key]
            if variant is None:
                return self._render(draft)
            return variant.prepare(draft, self._message_id(draft.delivery))
        # The variant's first recipient: rendered the ordinary way, and the variant is kept only
        # if it gives the very same message.
        ordinary = self._render(draft)
        variant = Variant(draft, self._render)
        same = False
        if variant.usable:
            prepared = variant.prepare(draft, self._message_id(draft.delivery))
            ordinary_raw = ordinary.message(policy=email.policy.SMTP).as_bytes()
            same = _summary(ordinary_raw) == _summary(prepared.raw)
            if not same:
                log.warning("Notification email %s: the prepared variant differs; rendering it per recipient", key[:4])
        self._variants[key] = variant if same else None
        return ordinary
