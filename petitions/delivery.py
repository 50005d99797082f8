"""Delivering a petition that reached its threshold to its maslikhat as a collective appeal, exactly
once, with the notification outbox's protocol (docs/notifications.md, "Exactly once"):

1. prepare: one `PetitionDelivery` row per petition (unique), with the appeal data frozen in it, so
   a second task finds the row and makes nothing new, and every attempt sends the same document;
2. claim: one conditional UPDATE moves the row pending -> sending (or takes over a "sending" row
   whose lease has passed: its worker died); only one worker wins;
3. send the email (PDF + JSON attached) with a Message-ID derived from the petition, so a re-send
   after a crash is recognisably the same message;
4. mark sent right after the server's 250 reply, and in the same transaction record the delivery
   on the petition (route, time) and start the answer term.

`petitions.tasks.petition_delivery_task` runs this on beat (every minute) and after the tally moved
a petition across its threshold; running it twice is harmless."""

import json
import logging
import smtplib
from datetime import timedelta
from urllib.parse import urlparse

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, mailers
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from petitions.appeal import appeal_json, appeal_pdf, signers_digest
from petitions.models import Petition, PetitionDelivery, PetitionRoute, Signature
from petitions.selectors import route_for_maslikhat
from portal.audit import audit_record
from portal.workdays import add_working_days

log = logging.getLogger(__name__)
S = Petition.Status


def _delivered_name(signature: Signature) -> str:
    """The name the signer agreed to send: a row that names its person (EDS, paper) by that name,
    an online row by its account's name. Empty without a recorded consent (a row from before
    consent was asked, or a v1 API client that did not send it): such a signer is counted, not named."""
    if signature.delivery_consent_at is None:
        return ""
    if signature.full_name:
        return signature.full_name
    user = signature.signer
    return " ".join(part for part in (user.last_name, user.first_name) if part) if user else ""


def _signed_on(signature: Signature) -> str:
    return (signature.signed_on or timezone.localtime(signature.created_at).date()).isoformat()


def appeal_data(petition: Petition, route: PetitionRoute, *, recipient: str, cutoff) -> dict:
    """What the appeal carries: the petition, its addressee, the route's legal basis, the counts by
    electoral district and the signers (the data each agreed at signing to send: full name,
    district, date; and how they signed: `email` online, `eds` with a digital signature, `paper`).
    Only valid signatures made up to `cutoff`."""
    maslikhat = petition.maslikhat
    signatures = (
        Signature.objects.filter(petition=petition, status=Signature.Status.VALID, created_at__lte=cutoff)
        .select_related("signer", "district")
        .order_by("created_at", "id")
    )
    signers, districts = [], {}
    for signature in signatures:
        district = f"№ {signature.district.number} {signature.district.name_kk or signature.district.name_ru}".strip()
        district = district if signature.district_id else ""
        signers.append(
            {
                "full_name": _delivered_name(signature),
                "district": district,
                "signed_on": _signed_on(signature),
                "method": signature.method,
            }
        )
        districts[district] = districts.get(district, 0) + 1
    site = settings.SITE_URL.rstrip("/")
    return {
        "petition": {
            "id": petition.pk,
            "title": petition.title,
            "text": petition.text,
            "url": f"{site}{petition.get_absolute_url()}",
            "threshold": petition.threshold,
            "threshold_reached_at": petition.threshold_reached_at.isoformat()
            if petition.threshold_reached_at
            else None,
        },
        "addressee": {
            "code": maslikhat.code,
            "name_kk": maslikhat.name_kk,
            "name_ru": maslikhat.name_ru,
            "email": recipient,
        },
        "route": {"route": route.route, "legal_reference": route.legal_reference},
        "cutoff": cutoff.isoformat(),
        "districts": [
            {"district": name, "signatures": count}
            for name, count in sorted(districts.items(), key=lambda item: (item[0] == "", item[0]))
        ],
        "signers": signers,
    }


def _message_id(petition_id: int) -> str:
    domain = urlparse(settings.SITE_URL).hostname or "dauys.kz"
    return f"<dauys.petition.{petition_id}.appeal@{domain}>"


def petition_delivery_prepare(*, petition_id: int) -> PetitionDelivery | None:
    """The delivery row of a petition waiting to be delivered, made once. None when the petition is
    not (or no longer) to be delivered: not at its threshold, an adopted route, no official address."""
    existing = PetitionDelivery.objects.filter(petition_id=petition_id).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        petition = (
            Petition.objects.select_for_update(of=("self",)).select_related("maslikhat").filter(pk=petition_id).first()
        )
        if petition is None or petition.status != S.THRESHOLD_REACHED:
            return None
        route = route_for_maslikhat(petition.maslikhat)
        if route is None or not route.is_appeal:
            return None
        recipient = route.delivery_email or petition.maslikhat.email
        if not recipient:
            log.warning("Petition %s: maslikhat %s has no official address", petition.pk, petition.maslikhat.code)
            return None
        data = appeal_data(petition, route, recipient=recipient, cutoff=timezone.now())
        try:
            with transaction.atomic():
                return PetitionDelivery.objects.create(
                    petition=petition,
                    route=route,
                    recipient=recipient,
                    message_id=_message_id(petition.pk),
                    digest=signers_digest(data["signers"]),
                    signer_count=len(data["signers"]),
                    payload=json.dumps(data, ensure_ascii=False),
                )
        except IntegrityError:  # another worker made it first
            return PetitionDelivery.objects.get(petition_id=petition_id)


def _claim(delivery_id: int) -> bool:
    now = timezone.now()
    lease = timedelta(seconds=settings.NOTIFICATIONS_LEASE_SECONDS)
    return bool(
        PetitionDelivery.objects.filter(pk=delivery_id)
        .filter(
            Q(status=PetitionDelivery.Status.PENDING) | Q(status=PetitionDelivery.Status.SENDING, claimed_until__lt=now)
        )
        .update(status=PetitionDelivery.Status.SENDING, claimed_until=now + lease, attempts=F("attempts") + 1)
    )


def build_appeal_email(delivery: PetitionDelivery) -> EmailMessage:
    data = json.loads(delivery.payload)
    petition = data["petition"]
    subject = f"Ұжымдық өтініш / Коллективное обращение: {petition['title']} (Dauys № {petition['id']})"
    body = (
        f"{data['addressee']['name_kk']}\n\n"
        f"Dauys порталы арқылы {delivery.signer_count} азамат қол қойған «{petition['title']}» петициясы "
        "ұжымдық өтініш ретінде жіберіледі. Өтініш мәтіні, қол қойғандар тізімі және сайлау округтері бойынша "
        "қолдар саны қоса берілген PDF және JSON файлдарында.\n\n"
        f"{data['addressee']['name_ru']}\n\n"
        f"Петиция «{petition['title']}», подписанная {delivery.signer_count} гражданами на портале Dauys, "
        "направляется как коллективное обращение. Текст обращения, список подписавших и число подписей по "
        "избирательным округам — во вложенных файлах PDF и JSON.\n\n"
        f"{data['route']['legal_reference']}\n"
        f"{petition['url']}\n"
        f"SHA-256: {delivery.digest}\n"
    )
    message = EmailMessage(
        subject=subject,
        body=body,
        to=[delivery.recipient],
        headers={"Message-ID": delivery.message_id, "Auto-Submitted": "auto-generated", "Content-Language": "kk, ru"},
    )
    message.attach(f"petition-{petition['id']}-appeal.pdf", appeal_pdf(data), "application/pdf")
    message.attach(f"petition-{petition['id']}-signers.json", appeal_json(data), "application/json")
    return message


def _record_delivered(delivery: PetitionDelivery) -> None:
    """Mark the row sent and start the answer term, in one transaction."""
    now = timezone.now()
    with transaction.atomic():
        marked = PetitionDelivery.objects.filter(pk=delivery.pk, status=PetitionDelivery.Status.SENDING).update(
            status=PetitionDelivery.Status.SENT, sent_at=now, claimed_until=None, last_error=""
        )
        if not marked:
            return
        from petitions.transitions import petition_transition

        try:
            petition_transition(petition=Petition(pk=delivery.petition_id), to=S.AWAITING_ANSWER, actor=None)
        except ValidationError:
            pass  # moved meanwhile (the author sent it, the collection ended): the delivery still counts
        route = delivery.route
        petition = (
            Petition.objects.select_for_update(of=("self",)).select_related("maslikhat").get(pk=delivery.petition_id)
        )
        petition.route = route.route
        petition.delivered_at = now
        petition.answer_due = add_working_days(timezone.localdate(now), route.answer_working_days)
        petition.answer_term_unconfirmed = route.answer_term_unconfirmed
        petition.save(update_fields=["route", "delivered_at", "answer_due", "answer_term_unconfirmed"])
        audit_record(
            actor=None,
            action="petition.delivered",
            obj=petition,
            after={
                "recipient": delivery.recipient,
                "message_id": delivery.message_id,
                "digest": delivery.digest,
                "signers": delivery.signer_count,
                "answer_due": str(petition.answer_due),
            },
            scope_code=petition.maslikhat.code,
        )


def delivery_send(*, delivery_id: int) -> str:
    """Send one delivery if nobody else holds it. Returns "sent", "skipped" or raises on a transient
    SMTP failure (after putting the row back to pending) so the task retries.

    The email is built before the claim: the list of a large petition takes a while to lay out
    (46,000 signers, tens of seconds), and the claim's lease must cover only the SMTP transaction.
    Were the building inside the lease and longer than it, the next run would take the row over
    while this one still builds, and both would send."""
    delivery = PetitionDelivery.objects.select_related("route").get(pk=delivery_id)
    if delivery.status not in (PetitionDelivery.Status.PENDING, PetitionDelivery.Status.SENDING):
        return "skipped"
    message = build_appeal_email(delivery)  # the same document every time: the data are frozen
    if not _claim(delivery_id):
        return "skipped"
    delivery.refresh_from_db(fields=["attempts"])
    try:
        connection = mailers.default
        connection.send_messages([message])
    except (smtplib.SMTPException, OSError) as error:
        gave_up = delivery.attempts >= settings.NOTIFICATIONS_MAX_ATTEMPTS
        PetitionDelivery.objects.filter(pk=delivery_id, status=PetitionDelivery.Status.SENDING).update(
            status=PetitionDelivery.Status.FAILED if gave_up else PetitionDelivery.Status.PENDING,
            claimed_until=None,
            last_error=str(error)[:500],
        )
        raise
    _record_delivered(delivery)
    return "sent"


def petitions_deliver(*, petition_id: int | None = None) -> dict[str, int]:
    """Prepare and send what is due: one petition, or every petition at its threshold without a
    delivery and every delivery left pending or with an expired lease (a dead worker's)."""
    done = {"sent": 0, "skipped": 0}
    if petition_id is not None:
        candidates = [petition_id]
    else:
        candidates = list(
            Petition.objects.filter(status=S.THRESHOLD_REACHED, delivery__isnull=True).values_list("pk", flat=True)
        )
    for pk in candidates:
        petition_delivery_prepare(petition_id=pk)
    now = timezone.now()
    rows = PetitionDelivery.objects.filter(
        Q(status=PetitionDelivery.Status.PENDING) | Q(status=PetitionDelivery.Status.SENDING, claimed_until__lt=now)
    )
    if petition_id is not None:
        rows = rows.filter(petition_id=petition_id)
    for pk in rows.order_by("pk").values_list("pk", flat=True):
        done[delivery_send(delivery_id=pk)] += 1
    return done
