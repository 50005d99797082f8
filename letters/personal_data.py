"""What letters hold about a person, for the own-data export and account deletion
(portal.personal_data). Registered in LettersConfig.ready().

A message is personal data of both sides. Deletion of the citizen's account erases the texts, name
and address of their messages and takes published exchanges down; the rows stay (anonymous) so the
deputy's responsiveness does not change. Bookings are cancelled and their topics erased."""

from django.utils import timezone

from portal.personal_data import PersonalDataHolder, register_personal_data


def _export(user) -> dict:
    from letters.models import Booking, Message

    messages = Message.objects.filter(author=user).select_related("deputy").order_by("created_at")
    bookings = Booking.objects.filter(user=user).select_related("slot__deputy").order_by("created_at")
    data = {
        "messages": [
            {
                "id": m.pk,
                "deputy": m.deputy.full_name,
                "created_at": m.created_at.isoformat(),
                "status": m.status,
                "name": m.author_name,
                "address": m.address,
                "subject": m.subject,
                "body": m.body,
                "reply": m.reply,
                "replied_at": m.replied_at.isoformat() if m.replied_at else None,
                "publication": m.publication,
            }
            for m in messages
        ],
        "reception_bookings": [
            {
                "deputy": b.slot.deputy.full_name,
                "starts_at": b.slot.starts_at.isoformat(),
                "place": b.slot.place,
                "topic": b.topic,
                "status": b.status,
            }
            for b in bookings
        ],
    }
    deputy = getattr(user, "deputy", None)
    if deputy is not None:
        # A deputy's replies are their personal data too.
        data["replies_as_deputy"] = [
            {"message": m.pk, "replied_at": m.replied_at.isoformat() if m.replied_at else None, "reply": m.reply}
            for m in Message.objects.filter(deputy=deputy, status=Message.Status.REPLIED).order_by("replied_at")
        ]
    return data


def _erase(user) -> None:
    from letters.models import Booking, Message

    Message.objects.filter(author=user).update(
        author_name="",
        address="",
        subject="",
        body="",
        reply="",
        report_reason="",
        author_consents=False,
        publication=Message.Publication.PRIVATE,
        purged_at=timezone.now(),
    )
    Booking.objects.filter(user=user, status=Booking.Status.BOOKED).update(
        status=Booking.Status.CANCELLED, cancelled_at=timezone.now()
    )
    Booking.objects.filter(user=user).update(topic="")


def register() -> None:
    register_personal_data(PersonalDataHolder(name="letters", export=_export, erase=_erase))
