"""Personal data of the Telegram channel: the linked chat (its id is personal data, encrypted at
rest), link tokens and Telegram deliveries. Registered with portal.personal_data in
NotificationsConfig.ready(). Erasing unlinks the chat, drops tokens and every message not yet sent."""

from notifications.models import TelegramChat, TelegramDelivery, TelegramLinkToken
from portal.personal_data import PersonalDataHolder, register_personal_data


def _export(user) -> dict:
    chat = TelegramChat.objects.filter(user=user).first()
    return {
        "chat": None
        if chat is None
        else {"chat_id": chat.chat_id, "language_code": chat.language_code, "linked_at": chat.linked_at},
        "messages": list(
            TelegramDelivery.objects.filter(user=user)
            .order_by("created_at")
            .values("event", "status", "created_at", "sent_at")
        ),
    }


def _erase(user) -> None:
    TelegramChat.objects.filter(user=user).delete()
    TelegramLinkToken.objects.filter(user=user).delete()
    TelegramDelivery.objects.filter(user=user).exclude(status=TelegramDelivery.Status.SENT).delete()


def register() -> None:
    register_personal_data(PersonalDataHolder(name="telegram", export=_export, erase=_erase))
