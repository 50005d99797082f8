"""Rendering and sending notification email in the recipient's language, exactly once.

The sending protocol (docs/notifications.md explains the guarantee):
1. claim: one conditional UPDATE moves a row pending -> sending and sets `claimed_until` (a lease).
   Only one worker wins; a duplicated or retried task finds the row sent or claimed and skips it.
2. send over the chunk's single SMTP connection, with a Message-ID derived from the row, so a
   re-send after a crash carries the same Message-ID as the first attempt.
3. mark sent with one UPDATE right after the server's 250 reply.
A worker that dies between 1 and 3 leaves the row "sending"; when the lease has passed,
notifications.tasks.email_recover_task queues it again and the next claim takes it over."""

import logging
import smtplib
import time
from datetime import timedelta
from urllib.parse import urlparse

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from notifications.models import EmailDelivery
from notifications.registry import DIGEST_EVENTS, get_event

log = logging.getLogger(__name__)

UNSUBSCRIBE_SALT = "dauys.notifications.unsubscribe"


# ------------------------------------------------------------------------------
# Unsubscribe tokens: signed (user, event), no expiry, so a link in an old email still works
# ------------------------------------------------------------------------------
def unsubscribe_token(user_id: int, event: str) -> str:
    return signing.dumps({"u": user_id, "e": event}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
        return int(data["u"]), str(data["e"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_url(user_id: int, event: str, language: str) -> str:
    with translation.override(language):
        return absolute(reverse("notification_unsubscribe", kwargs={"token": unsubscribe_token(user_id, event)}))


def message_id(delivery: EmailDelivery) -> str:
    """Stable per delivery: the same on every attempt, so a re-send is recognisably the same mail."""
    domain = urlparse(settings.SITE_URL).hostname or "dauys.kz"
    return f"<dauys.{delivery.pk}.{delivery.user_id}@{domain}>"


# ------------------------------------------------------------------------------
# Rendering
# ------------------------------------------------------------------------------
class ObjectCache:
    """A chunk usually concerns one object: load it once, not once per recipient."""

    def __init__(self):
        self._cache: dict[tuple[str, str], object] = {}

    def get(self, object_type: str, object_id: str):
        if not object_type:
            return None
        ref = (object_type, object_id)
        if ref not in self._cache:
            try:
                model = apps.get_model(object_type)
            except (LookupError, ValueError):
                self._cache[ref] = None
            else:
                self._cache[ref] = model.objects.filter(pk=object_id).first()
        return self._cache[ref]


def _digest_items(delivery: EmailDelivery, objects: ObjectCache) -> list[dict]:
    items = []
    for item in delivery.digest_items.order_by("created_at", "pk"):
        try:
            event = get_event(item.event)
        except LookupError:
            continue
        obj = objects.get(item.object_type, item.object_id)
        if obj is None:
            continue
        url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
        items.append(
            {"label": event.label, "object": obj, "url": absolute(url) if url else "", "created_at": item.created_at}
        )
    return items


def with_footer(body: str, context: dict, kind: str) -> str:
    """Every notification email ends with its unsubscribe links (this kind, all emails, settings).
    The shared layout (emails/base_message.*) carries them in its own footer; an app's template
    that does not extend it gets them appended here (before </body> in HTML). The signed
    unsubscribe-from-all URL is unique to the recipient, so finding it means the links are there."""
    if context["unsubscribe_all_url"] in body:
        return body
    footer = render_to_string(f"emails/_unsubscribe_footer.{kind}", context)
    if kind == "html":
        end = body.lower().rfind("</body>")
        if end != -1:
            return body[:end] + footer + body[end:]
    return body.rstrip("\n") + "\n" + footer


def build_message(delivery: EmailDelivery, objects: ObjectCache | None = None) -> EmailMultiAlternatives | None:
    """The email for one delivery in the recipient's language, or None when there is nothing to send."""
    objects = objects or ObjectCache()
    user = delivery.user
    if not user.is_active or not user.email:
        return None
    language = user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        unsubscribe = unsubscribe_url(user.pk, delivery.event, language)
        context = {
            "user": user,
            "site_url": settings.SITE_URL,
            "unsubscribe_url": unsubscribe,
            "unsubscribe_all_url": unsubscribe_url(user.pk, "all", language),
            "preferences_url": absolute(reverse("notification_preferences")),
            "inbox_url": absolute(reverse("notification_inbox")),
            "language": language,
        }
        if delivery.event in DIGEST_EVENTS:
            items = _digest_items(delivery, objects)
            if not items:
                return None
            template = "digest"
            context.update(items=items, period=delivery.event.split(".", 1)[1])
            event = None
        else:
            event = get_event(delivery.event)
            obj = objects.get(delivery.object_type, delivery.object_id)
            if obj is None:
                return None
            url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
            context.update(object=obj, object_url=absolute(url) if url else "", event_label=event.label)
            if event.context:
                context.update(event.context(obj, user))
            template = event.template
        subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
        text = with_footer(render_to_string(f"emails/{template}_message.txt", context), context, "txt")
        html = with_footer(render_to_string(f"emails/{template}_message.html", context), context, "html")
        list_unsubscribe = f"<{unsubscribe}>"
        if getattr(settings, "NOTIFICATIONS_UNSUBSCRIBE_MAILTO", ""):
            list_unsubscribe += f", <mailto:{settings.NOTIFICATIONS_UNSUBSCRIBE_MAILTO}?subject=unsubscribe>"
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            to=[user.email],
            headers={
                "Message-ID": message_id(delivery),
                "List-Unsubscribe": list_unsubscribe,
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "Auto-Submitted": "auto-generated",
                "Content-Language": language,
            },
        )
        message.attach_alternative(html, "text/html")
        if event is not None and event.attachments:
            obj = objects.get(delivery.object_type, delivery.object_id)
            for filename, content, mimetype in event.attachments(obj, user):
                message.attach(filename, content, mimetype)
    return message


# ------------------------------------------------------------------------------
# The claim protocol
# ------------------------------------------------------------------------------
def _lease() -> timedelta:
    return timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)


def claim(delivery_id: int) -> bool:
    """Take a row for sending: pending, or sending with an expired lease (its worker died)."""
    now = timezone.now()
    return bool(
        EmailDelivery.objects.filter(pk=delivery_id)
        .filter(Q(status=EmailDelivery.Status.PENDING) | Q(status=EmailDelivery.Status.SENDING, claimed_until__lt=now))
        .update(status=EmailDelivery.Status.SENDING, claimed_until=now + _lease(), attempts=F("attempts") + 1)
    )


def _finish(delivery_id: int, status: str, error: str = "") -> None:
    fields = {"status": status, "claimed_until": None, "last_error": error[:500]}
    if status == EmailDelivery.Status.SENT:
        fields["sent_at"] = timezone.now()
    EmailDelivery.objects.filter(pk=delivery_id, status=EmailDelivery.Status.SENDING).update(**fields)


def _release(delivery: EmailDelivery, error: str) -> None:
    """A transient failure: back to pending for the task's retry, or failed after too many attempts."""
    gave_up = delivery.attempts + 1 >= settings.NOTIFICATIONS_MAX_ATTEMPTS
    _finish(delivery.pk, EmailDelivery.Status.FAILED if gave_up else EmailDelivery.Status.PENDING, error)


def _permanent(error: Exception) -> bool:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return False


class Pacer:
    """At most `rate` messages per second on one SMTP connection (0: no limit)."""

    def __init__(self, rate: float):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.next_at = 0.0

    def wait(self) -> None:
        if not self.interval:
            return
        now = time.monotonic()
        if now < self.next_at:
            time.sleep(self.next_at - now)
        self.next_at = max(now, self.next_at) + self.interval


# One SMTP connection per worker process, reused across chunks (a new one for every chunk cost a
# TCP and SMTP handshake, and TLS in production, per 200 messages); opened again when the server
# dropped it, and anew when the mailer settings change.
_smtp: dict = {"key": None, "connection": None}


def _drop_connection() -> None:
    connection, _smtp["connection"], _smtp["key"] = _smtp["connection"], None, None
    if connection is not None:
        try:
            connection.close()
        except (smtplib.SMTPException, OSError):
            pass


def _send(message) -> None:
    key = repr(settings.MAILERS.get("default"))
    for attempt in (1, 2):
        if _smtp["connection"] is None or _smtp["key"] != key:
            _drop_connection()
            connection = mailers.default
            connection.open()
            _smtp.update(key=key, connection=connection)
        try:
            _smtp["connection"].send_messages([message])
            return
        except smtplib.SMTPServerDisconnected:
            _drop_connection()  # idle too long: the server closed it; once more on a new one
            if attempt == 2:
                raise
        except (smtplib.SMTPException, OSError):
            _drop_connection()
            raise


def _claim_many(ids: list[int]) -> list[int]:
    """claim() for a whole chunk in one statement: the ids taken."""
    now = timezone.now()
    return list(
        EmailDelivery.objects.filter(pk__in=ids)
        .filter(Q(status=EmailDelivery.Status.PENDING) | Q(status=EmailDelivery.Status.SENDING, claimed_until__lt=now))
        .order_by("pk")
        .select_for_update(skip_locked=True)
        .values_list("pk", flat=True)
    )


def send_chunk(delivery_ids: list[int]) -> int:
    """Send a bounded chunk of deliveries over the process's SMTP connection. Returns how many were
    sent. The chunk is claimed in one statement and rendered before the first message leaves, so the
    send loop does only SMTP and one UPDATE per message. Raises on a transient SMTP or network
    failure (after putting the current row and the unsent rest back), so that the Celery task
    retries with backoff; rows already sent are skipped by the retry."""
    from django.db import transaction

    with transaction.atomic():
        taken = _claim_many(delivery_ids)
        now = timezone.now()
        EmailDelivery.objects.filter(pk__in=taken).update(
            status=EmailDelivery.Status.SENDING, claimed_until=now + _lease(), attempts=F("attempts") + 1
        )
    rows = EmailDelivery.objects.select_related("user").in_bulk(taken)
    objects = ObjectCache()
    messages = []
    for pk in taken:
        delivery = rows[pk]
        try:
            message = build_message(delivery, objects)
        except Exception as error:  # a template or context bug must not block the rest
            log.exception("Rendering notification email %s failed", pk)
            _finish(pk, EmailDelivery.Status.FAILED, f"render: {error}")
            continue
        if message is None:
            _finish(pk, EmailDelivery.Status.SKIPPED)
            continue
        messages.append((delivery, message))
    pacer = Pacer(settings.NOTIFICATIONS_SMTP_RATE)
    sent = 0
    for index, (delivery, message) in enumerate(messages):
        try:
            pacer.wait()
            _send(message)
        except (smtplib.SMTPException, OSError) as error:
            if _permanent(error):
                _finish(delivery.pk, EmailDelivery.Status.FAILED, str(error))
                continue
            # This attempt counts for the row that failed (the claim counted it, as before, with
            # attempts read before the claim); the rest were never tried: back to pending, uncounted.
            _release(delivery, str(error))
            rest = [d.pk for d, _m in messages[index + 1 :]]
            EmailDelivery.objects.filter(pk__in=rest, status=EmailDelivery.Status.SENDING).update(
                status=EmailDelivery.Status.PENDING, claimed_until=None, attempts=F("attempts") - 1
            )
            raise
        _finish(delivery.pk, EmailDelivery.Status.SENT)
        sent += 1
    return sent


def delivery_send(delivery_id: int) -> str:
    """Send one delivery if it is still pending (kept for callers of the first version)."""
    return "sent" if send_chunk([delivery_id]) else "skipped"
