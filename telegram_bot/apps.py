from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TelegramBotConfig(AppConfig):
    """The Dauys bot in Telegram: links chats to accounts and answers "who represents this address".
    Above `deputies` (it asks deputies' address lookup); the channel itself is in notifications."""

    name = "telegram_bot"
    verbose_name = _("Telegram bot")
