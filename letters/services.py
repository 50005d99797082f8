"""Write use cases of letters to deputies: send, deliver, reply, follow up, forward, report, publish.
Each validates, writes in one transaction, audits official actions and queues side effects on
commit. Reception slots and bookings are in letters/reception.py."""

import ipaddress
import smtplib
import uuid
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from deputies.models import Deputy
from deputies.selectors import representatives_for_address
from letters import mail
from letters.access import require_staff_of
from letters.events import follow_add, notify
from letters.links import LinkError, reply_link_issue, reply_link_read, reply_url
from letters.models import LetterRules, Message
from portal.audit import audit_record
from portal.crypto import keyed_hash
from portal.models import User
from portal.workdays import add_working_days, working_days_between

SUBJECT_MAX = 200
BODY_MIN, BODY_MAX = 20, 5000
REPLY_MIN, REPLY_MAX = 2, 10000


def rules_in_force(on=None) -> LetterRules:
    rules = LetterRules.objects.in_force(on)
    if rules is None:
        raise ValidationError(_("No rules for letters are in force; ask an administrator to add them."))
    return rules


def network_of(ip: str | None) -> str:
    """The sender's network for the per-network limit: the IPv4 address, or the IPv6 /64."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(address)


def _normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def _representatives_problem(deputy: Deputy, address: str) -> str:
    """'' when the deputy represents the address; else a translated reason naming who does."""
    try:
        answer = representatives_for_address(address)
    except ValidationError as error:
        return " ".join(error.messages)
    if not answer.matches:
        return answer.hint or _("We could not find this address.")
    if any(deputy.pk == d.pk for match in answer.matches for d in match.representatives):
        return ""
    names = []
    for match in answer.matches[:1]:
        names = [f"{d.full_name} ({d.maslikhat.name})" for d in match.representatives]
    if not names:
        return _("%(name)s does not represent this address, and we know no deputy who does.") % {
            "name": deputy.full_name
        }
    return _("%(name)s does not represent this address. It is represented by: %(names)s.") % {
        "name": deputy.full_name,
        "names": "; ".join(names),
    }


def _check_limits(*, author: User, network: str, body_hash: str, deputy: Deputy, batch, rules: LetterRules) -> None:
    since = timezone.now() - timedelta(days=1)
    if Message.objects.filter(author=author, created_at__gte=since).count() >= rules.per_account_per_day:
        raise ValidationError(
            _("You can send at most %(count)d messages a day. Please try again tomorrow.")
            % {"count": rules.per_account_per_day}
        )
    if network and Message.objects.filter(network_hash=network, created_at__gte=since).count() >= (
        rules.per_network_per_day
    ):
        raise ValidationError(
            _("Too many messages were sent from your network today. Please try again tomorrow."),
        )
    same = Message.objects.filter(
        author=author, body_hash=body_hash, created_at__gte=timezone.now() - timedelta(days=30)
    )
    if batch is not None:
        same = same.exclude(batch=batch)
    if same.exclude(deputy=deputy).exists():
        raise ValidationError(
            {
                "body": [
                    _(
                        "You have sent this text to another deputy. One message goes to one person: "
                        "write to each deputy in your own words, or use “Write to all my deputies”."
                    )
                ]
            }
        )
    if same.filter(deputy=deputy).exists():
        raise ValidationError({"body": [_("You have already sent this message to this deputy.")]})


def message_send(
    *,
    author: User,
    deputy: Deputy,
    subject: str,
    body: str,
    address: str,
    ip: str | None = None,
    author_consents: bool = False,
    batch: uuid.UUID | None = None,
) -> Message:
    """A verified citizen writes to a deputy who represents their address. The email to the deputy
    goes on commit (Celery); a deputy without an email address gets it through the maslikhat's staff."""
    if not getattr(author, "is_authenticated", False):
        raise PermissionDenied(_("Sign in to write to a deputy."))
    if not EmailAddress.objects.filter(user=author, verified=True).exists():
        raise PermissionDenied(_("Confirm your email address before writing to a deputy."))
    subject, body, address = subject.strip(), body.strip(), address.strip()
    errors = {}
    if not subject:
        errors["subject"] = [_("Write a subject.")]
    elif len(subject) > SUBJECT_MAX:
        errors["subject"] = [_("A subject can be at most %(count)d characters long.") % {"count": SUBJECT_MAX}]
    if len(body) < BODY_MIN:
        errors["body"] = [_("Write your message in at least %(count)d characters.") % {"count": BODY_MIN}]
    elif len(body) > BODY_MAX:
        errors["body"] = [_("A message can be at most %(count)d characters long.") % {"count": BODY_MAX}]
    if not address:
        errors["address"] = [_("Give your address: a deputy answers the people of their district.")]
    if errors:
        raise ValidationError(errors)
    if not deputy.is_active:
        raise ValidationError(_("This deputy no longer holds the seat."))
    problem = _representatives_problem(deputy, address)
    if problem:
        raise ValidationError({"address": [problem]})
    rules = rules_in_force()
    body_hash = keyed_hash(_normalised(body), purpose="letter-body")
    network = network_of(ip)
    network_hash = keyed_hash(network, purpose="letter-network") if network else ""
    name = f"{author.first_name} {author.last_name}".strip()
    with transaction.atomic():
        # One writer per account at a time, so the limits count every message of a burst.
        User.objects.select_for_update().filter(pk=author.pk).first()
        _check_limits(author=author, network=network_hash, body_hash=body_hash, deputy=deputy, batch=batch, rules=rules)
        has_email = bool(deputy.email)
        message = Message.objects.create(
            deputy=deputy,
            maslikhat_id=deputy.maslikhat_id,
            author=author,
            batch=batch,
            author_name=name,
            address=address,
            subject=subject,
            body=body,
            body_hash=body_hash,
            network_hash=network_hash,
            language=mail.deputy_language(deputy),
            status=Message.Status.QUEUED if has_email else Message.Status.STAFF_QUEUE,
            author_consents=author_consents,
        )
        follow_add(user=author, obj=deputy)
        if has_email:
            transaction.on_commit(lambda: _queue_delivery(message.pk), robust=True)
    return message


def message_send_to_all(
    *, author: User, deputies: list[Deputy], subject: str, body: str, address: str, ip: str | None = None
) -> list[Message]:
    """ "Write to all my deputies": separate messages, one deputy each, sharing a batch (so the
    same-text rule does not refuse them). All or none."""
    batch = uuid.uuid4()
    with transaction.atomic():
        return [
            message_send(author=author, deputy=deputy, subject=subject, body=body, address=address, ip=ip, batch=batch)
            for deputy in deputies
        ]


def _queue_delivery(message_id: int) -> None:
    from letters.tasks import message_deliver_task

    message_deliver_task.delay(message_id)


def message_deliver(*, message_id: int) -> str:
    """Email a queued message to its deputy with a fresh reply link. Idempotent: a message already
    delivered (or being delivered by another worker) is skipped. SMTP errors propagate after the
    transaction rolls back, so the task retries and the message stays queued."""
    rules = rules_in_force()
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("deputy__user", "maslikhat")
            .filter(pk=message_id, status=Message.Status.QUEUED)
            .first()
        )
        if message is None:
            return "skipped"
        token = reply_link_issue(message)
        email = mail.deputy_email(
            message,
            kind="message",
            context={"reply_url": reply_url(token, message.language), "link_days": rules.reply_link_days},
        )
        try:
            mail.send(email)
        except (smtplib.SMTPException, OSError) as error:
            transaction.set_rollback(True)
            Message.objects.filter(pk=message.pk).update(
                delivery_attempts=F("delivery_attempts") + 1, delivery_error=str(error)[:500]
            )
            raise
        _mark_delivered(message, rules)
    return "sent"


def _mark_delivered(message: Message, rules: LetterRules, status: str = Message.Status.SENT) -> None:
    now = timezone.now()
    message.status, message.delivered_at = status, now
    message.reply_due_on = add_working_days(timezone.localdate(now), rules.reply_term_working_days)
    message.delivery_attempts += 1
    message.delivery_error = ""
    message.save(update_fields=["status", "delivered_at", "reply_due_on", "delivery_attempts", "delivery_error"])


def message_forward(*, actor: User, message: Message, how: str) -> Message:
    """Staff record how they passed a message to a deputy without an email address (printed, by hand,
    by post...). It then counts for the deputy like an emailed one."""
    require_staff_of(actor, message.maslikhat)
    how = how.strip()
    if not how:
        raise ValidationError({"how": [_("Say how the message was passed to the deputy.")]})
    rules = rules_in_force()
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("maslikhat").get(pk=message.pk)
        if message.status != Message.Status.STAFF_QUEUE:
            raise ValidationError(_("This message is not waiting for the staff."))
        message.forwarded_how = how[:300]
        message.save(update_fields=["forwarded_how"])
        _mark_delivered(message, rules, status=Message.Status.FORWARDED)
        audit_record(
            actor=actor,
            action="letter.forward",
            obj=message,
            after={"how": message.forwarded_how},
            scope_code=message.maslikhat.code,
        )
        notify(event="letter.forwarded", obj=message, recipients=[message.author_id])
    return message


REPLYABLE = (Message.Status.SENT, Message.Status.FORWARDED, Message.Status.NO_REPLY)


def message_reply(*, token: str, text: str, deputy_consents: bool = False) -> Message:
    """The deputy replies through the link in their email, without an account. Once per message:
    the message row is locked and a second reply (by any link) is refused."""
    text = text.strip()
    if len(text) < REPLY_MIN:
        raise ValidationError({"text": [_("Write your reply.")]})
    if len(text) > REPLY_MAX:
        raise ValidationError({"text": [_("A reply can be at most %(count)d characters long.") % {"count": REPLY_MAX}]})
    rules = rules_in_force()
    with transaction.atomic():
        link = reply_link_read(token, max_age_days=rules.reply_link_days)
        message = Message.objects.select_for_update().get(pk=link.message_id)
        if message.status not in REPLYABLE or message.moderation == Message.Moderation.REMOVED:
            raise LinkError("used", message)
        now = timezone.now()
        message.status, message.replied_at, message.reply_via, message.reply = (
            Message.Status.REPLIED,
            now,
            Message.ReplyVia.PORTAL,
            text,
        )
        message.reply_working_days = working_days_between(
            timezone.localdate(message.delivered_at), timezone.localdate(now)
        )
        message.deputy_consents = bool(deputy_consents)
        if message.author_consents and message.deputy_consents:
            message.publication = Message.Publication.PENDING
        message.save(
            update_fields=[
                "status",
                "replied_at",
                "reply_via",
                "reply",
                "reply_working_days",
                "deputy_consents",
                "publication",
            ]
        )
        link.used_at = now
        link.save(update_fields=["used_at"])
        notify(event="letter.replied", obj=message, recipients=[message.author_id])
    return message


def message_report(*, token: str, reason: str) -> Message:
    """The deputy reports an abusive message from the reply page; staff moderate it."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": [_("Say what is wrong with this message.")]})
    rules = rules_in_force()
    with transaction.atomic():
        link = reply_link_read(token, max_age_days=rules.reply_link_days)
        message = Message.objects.select_for_update().get(pk=link.message_id)
        if message.moderation == Message.Moderation.OK:
            message.moderation, message.report_reason = Message.Moderation.REPORTED, reason[:500]
            message.save(update_fields=["moderation", "report_reason"])
    return message


def message_moderate(*, actor: User, message: Message, decision: str) -> Message:
    """Staff decide on a reported message: "keep" (it counts again) or "remove" (it stops counting
    and is never published). Audited."""
    require_staff_of(actor, message.maslikhat)
    targets = {"keep": Message.Moderation.OK, "remove": Message.Moderation.REMOVED}
    if decision not in targets:
        raise ValidationError(_("Unknown decision."))
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("maslikhat").get(pk=message.pk)
        before = {"moderation": message.moderation}
        message.moderation = targets[decision]
        fields = ["moderation"]
        if decision == "remove" and message.publication != Message.Publication.PRIVATE:
            message.publication = Message.Publication.REFUSED
            fields.append("publication")
        message.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="letter.moderate",
            obj=message,
            before=before,
            after={"moderation": message.moderation},
            scope_code=message.maslikhat.code,
        )
    return message


def message_publication_decide(*, actor: User, message: Message, publish: bool) -> Message:
    """Staff publish (or refuse) an exchange both sides agreed to make public, as hearing questions
    are moderated. Audited."""
    require_staff_of(actor, message.maslikhat)
    with transaction.atomic():
        message = Message.objects.select_for_update().select_related("maslikhat").get(pk=message.pk)
        if publish and not (message.author_consents and message.deputy_consents and message.is_replied):
            raise ValidationError(_("Both the citizen and the deputy must agree before an exchange is published."))
        if publish and message.moderation != Message.Moderation.OK:
            raise ValidationError(_("A reported or removed message cannot be published."))
        before = {"publication": message.publication}
        message.publication = Message.Publication.PUBLISHED if publish else Message.Publication.REFUSED
        message.save(update_fields=["publication"])
        audit_record(
            actor=actor,
            action="letter.publication",
            obj=message,
            before=before,
            after={"publication": message.publication},
            scope_code=message.maslikhat.code,
        )
    return message


def message_author_consent(*, user: User, message: Message, consents: bool) -> Message:
    """The citizen agrees to (or withdraws from) publication of their exchange. Withdrawing takes a
    published exchange down."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk, author=user)
        message.author_consents = bool(consents)
        if not consents:
            if message.publication in (Message.Publication.PENDING, Message.Publication.PUBLISHED):
                message.publication = Message.Publication.PRIVATE
        elif message.deputy_consents and message.is_replied and message.publication == Message.Publication.PRIVATE:
            message.publication = Message.Publication.PENDING
        message.save(update_fields=["author_consents", "publication"])
    return message


def message_followup_answer(*, message_id: int, answer: str, via: str = "") -> Message:
    """The citizen answers "did you get a reply?" through a link that needs no login. "yes" with a
    channel counts as replied (a phone call or a paper letter counts too); "no" records no reply.
    A reply already made in Dauys stands whatever is answered."""
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id).first()
        if message is None:
            raise ValidationError(_("This link is not valid."))
        if message.status == Message.Status.REPLIED and message.reply_via == Message.ReplyVia.PORTAL:
            return message
        if message.status not in (*REPLYABLE, Message.Status.REPLIED):
            raise ValidationError(_("This message has not reached the deputy yet."))
        if answer == "yes":
            if via not in (Message.ReplyVia.PHONE, Message.ReplyVia.LETTER, Message.ReplyVia.MEETING):
                raise ValidationError({"via": [_("Say how the deputy replied.")]})
            message.status, message.reply_via = Message.Status.REPLIED, via
            message.replied_at = message.replied_at or timezone.now()
            message.reply_working_days = None  # the day of an off-line reply is not known
        elif answer == "no":
            message.status, message.reply_via, message.replied_at = Message.Status.NO_REPLY, "", None
        else:
            raise ValidationError(_("Answer yes or no."))
        message.save(update_fields=["status", "reply_via", "replied_at", "reply_working_days"])
    return message


# ------------------------------------------------------------------------------
# Reminders and follow-ups (Celery beat)
# ------------------------------------------------------------------------------
def letters_send_reminders(*, today=None) -> int:
    """One reminder to each deputy whose emailed message waited `reminder_working_days` without a
    reply. Idempotent: `reminded_at` is set in the same transaction."""
    today = today or timezone.localdate()
    rules = rules_in_force(today)
    sent = 0
    candidates = Message.objects.filter(
        status=Message.Status.SENT, reminded_at__isnull=True, moderation=Message.Moderation.OK
    ).values_list("pk", "delivered_at")
    for pk, delivered_at in candidates:
        if add_working_days(timezone.localdate(delivered_at), rules.reminder_working_days) > today:
            continue
        with transaction.atomic():
            message = (
                Message.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("deputy", "maslikhat")
                .filter(pk=pk, status=Message.Status.SENT, reminded_at__isnull=True)
                .first()
            )
            if message is None or not message.deputy.email:
                continue
            token = reply_link_issue(message)
            mail.send(
                mail.deputy_email(
                    message,
                    kind="reminder",
                    context={"reply_url": reply_url(token, message.language), "link_days": rules.reply_link_days},
                )
            )
            message.reminded_at = timezone.now()
            message.save(update_fields=["reminded_at"])
            sent += 1
    return sent


def letters_send_followups(*, today=None) -> int:
    """After the reply term, ask the citizen once whether a reply came (in any way)."""
    today = today or timezone.localdate()
    total = 0
    due = Message.objects.filter(
        status__in=[Message.Status.SENT, Message.Status.FORWARDED],
        followup_sent_at__isnull=True,
        reply_due_on__lt=today,
    ).values_list("pk", flat=True)
    for pk in due:
        with transaction.atomic():
            message = Message.objects.select_for_update(skip_locked=True).filter(pk=pk, followup_sent_at=None).first()
            if message is None:
                continue
            message.followup_sent_at = timezone.now()
            message.save(update_fields=["followup_sent_at"])
            total += notify(event="letter.followup", obj=message, recipients=[message.author_id])
    return total


def letters_recover_queued(*, older_than: timedelta = timedelta(minutes=10)) -> int:
    """Queue again the messages whose delivery task was lost (a broker outage at commit)."""
    ids = list(
        Message.objects.filter(status=Message.Status.QUEUED, created_at__lt=timezone.now() - older_than).values_list(
            "pk", flat=True
        )[:500]
    )
    for pk in ids:
        _queue_delivery(pk)
    return len(ids)


def letters_purge_expired(*, today=None) -> int:
    """Erase texts and addresses of messages older than the retention period; the rows stay and
    keep counting (responsiveness), with nothing personal left in them."""
    today = today or timezone.localdate()
    rules = rules_in_force(today)
    cutoff = timezone.now() - timedelta(days=rules.retention_days)
    return Message.objects.filter(created_at__lt=cutoff, purged_at__isnull=True).update(
        author_name="",
        address="",
        subject="",
        body="",
        reply="",
        report_reason="",
        publication=Message.Publication.PRIVATE,
        purged_at=timezone.now(),
    )
