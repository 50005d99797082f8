from django.contrib import admin

from letters.models import LetterLanguage, LetterRules, Message, ReceptionSlot


@admin.register(LetterRules)
class LetterRulesAdmin(admin.ModelAdmin):
    list_display = [
        "effective_from",
        "reply_term_working_days",
        "reminder_working_days",
        "min_messages_for_rate",
        "period_days",
        "per_account_per_day",
        "per_network_per_day",
        "retention_days",
        "unconfirmed",
    ]
    list_filter = ["unconfirmed"]


@admin.register(LetterLanguage)
class LetterLanguageAdmin(admin.ModelAdmin):
    list_display = ["maslikhat", "deputy", "language"]
    raw_id_fields = ["maslikhat", "deputy"]


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """Delivery state only: the texts are personal data, read them in the staff area (audited)."""

    list_display = ["pk", "deputy", "status", "moderation", "publication", "created_at", "replied_at"]
    list_filter = ["status", "moderation", "publication"]
    fields = ["deputy", "status", "created_at", "delivered_at", "delivery_attempts", "delivery_error", "replied_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(ReceptionSlot)
class ReceptionSlotAdmin(admin.ModelAdmin):
    list_display = ["deputy", "starts_at", "place", "capacity", "language", "status"]
    list_filter = ["status", "language"]
    raw_id_fields = ["deputy", "maslikhat"]
