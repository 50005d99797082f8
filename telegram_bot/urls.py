"""Included without a language prefix from portal/urls.py: Telegram's server is the only caller."""

from django.urls import path

from telegram_bot import views

app_name = "telegram_bot"
urlpatterns = [path("webhook/", views.webhook, name="webhook")]
