"""Rendering and sending one notification email in the recipient's language."""

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.models import EmailDelivery
from portal.notifications import get_event


def _object(delivery: EmailDelivery):
    if not delivery.object_type:
        return None
    model = apps.get_model(delivery.object_type)
    return model.objects.filter(pk=delivery.object_id).first()


def build_message(delivery: EmailDelivery) -> EmailMultiAlternatives | None:
    event = get_event(delivery.event)
    obj = _object(delivery)
    user = delivery.user
    if obj is None or not user.is_active or not user.email:
        return None
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        context = {"user": user, "object": obj, "site_url": getattr(settings, "SITE_URL", "")}
        if event.context:
            context.update(event.context(obj, user))
        subject = " ".join(render_to_string(f"emails/{event.template}_subject.txt", context).split())
        text = render_to_string(f"emails/{event.template}_message.txt", context)
        html = render_to_string(f"emails/{event.template}_message.html", context)
        message = EmailMultiAlternatives(subject=subject, body=text, to=[user.email])
        message.attach_alternative(html, "text/html")
        if event.attachments:
            for filename, content, mimetype in event.attachments(obj, user):
                message.attach(filename, content, mimetype)
    return message


def delivery_send(delivery_id: int) -> str:
    """Send one delivery if still pending. The row lock makes concurrent duplicates wait and then
    see it sent."""
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update(skip_locked=True).select_related("user").filter(pk=delivery_id).first()
        )
        if delivery is None or delivery.status != EmailDelivery.Status.PENDING:
            return "skipped"
        message = build_message(delivery)
        if message is None:
            delivery.status = EmailDelivery.Status.SKIPPED
            delivery.save(update_fields=["status"])
            return "skipped"
        delivery.attempts += 1
        try:
            message.send()
        except Exception as error:
            delivery.last_error = str(error)[:500]
            delivery.save(update_fields=["attempts", "last_error"])
            raise
        delivery.status = EmailDelivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["status", "attempts", "sent_at"])
    return "sent"
