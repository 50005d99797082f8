"""The webhook Telegram posts updates to: POST /telegram/webhook/ (not language-prefixed).

Telegram sends the secret given to setWebhook in `X-Telegram-Bot-Api-Secret-Token`; any other value
(or none, or the channel switched off) is answered 403 and nothing is done. CSRF does not apply: the
caller is Telegram's server, and the shared secret is the authorisation."""

import json

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.utils.crypto import constant_time_compare
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from notifications.telegram import telegram_enabled
from telegram_bot.updates import update_handle

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name, not a secret


@csrf_exempt
@require_POST
def webhook(request):
    secret = settings.TELEGRAM_WEBHOOK_SECRET
    if not (telegram_enabled() and secret and constant_time_compare(request.headers.get(SECRET_HEADER, ""), secret)):
        return HttpResponseForbidden()
    try:
        update = json.loads(request.body)
    except ValueError:
        return HttpResponseBadRequest()
    if not isinstance(update, dict):
        return HttpResponseBadRequest()
    update_handle(update=update)
    return HttpResponse(status=200)
