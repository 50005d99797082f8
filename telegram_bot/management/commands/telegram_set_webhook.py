"""manage.py telegram_set_webhook https://dauys.example.kz/telegram/webhook/

Registers the webhook with Telegram (setWebhook) with TELEGRAM_WEBHOOK_SECRET as its secret token, so
that Telegram sends it back in X-Telegram-Bot-Api-Secret-Token with every update."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from notifications.telegram import telegram_enabled
from notifications.telegram.api import BotAPI, TelegramError


class Command(BaseCommand):
    help = "Register the Telegram webhook URL (https) with the Bot API."

    def add_arguments(self, parser):
        parser.add_argument("url", help="the public https URL of /telegram/webhook/")

    def handle(self, *args, url, **options):
        if not telegram_enabled():
            raise CommandError("TELEGRAM_BOT_TOKEN is not set: the Telegram channel is off.")
        if not settings.TELEGRAM_WEBHOOK_SECRET:
            raise CommandError("TELEGRAM_WEBHOOK_SECRET is not set.")
        if not url.startswith("https://"):
            raise CommandError("Telegram sends updates only to an https URL.")
        try:
            with BotAPI() as api:
                api.set_webhook(url, secret_token=settings.TELEGRAM_WEBHOOK_SECRET)
        except TelegramError as error:
            raise CommandError(f"Telegram refused the webhook: {error.description}") from None
        self.stdout.write(self.style.SUCCESS(f"Webhook registered: {url}"))
