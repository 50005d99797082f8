from django.contrib import admin

from hearings.models import (
    AgendaDocument,
    Hearing,
    HearingHistory,
    HearingRules,
    MinutesDocument,
    Question,
    Registration,
)


@admin.register(HearingRules)
class HearingRulesAdmin(admin.ModelAdmin):
    list_display = [
        "hearing_type",
        "notice_days",
        "minutes_working_days",
        "effective_from",
        "unconfirmed",
        "legal_reference",
        "legal_reference_kk",
        "legal_reference_ru",
    ]
    list_filter = ["hearing_type", "unconfirmed"]


class AgendaInline(admin.TabularInline):
    model = AgendaDocument
    extra = 0
    readonly_fields = ["size", "uploaded_by", "uploaded_at"]


class MinutesInline(admin.TabularInline):
    model = MinutesDocument
    extra = 0
    readonly_fields = ["size", "uploaded_by", "uploaded_at"]


class HistoryInline(admin.TabularInline):
    model = HearingHistory
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "reason", "before", "after", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Hearing)
class HearingAdmin(admin.ModelAdmin):
    """Read-mostly: scheduling, postponing and minutes go through the staff console's services,
    which check notice, clashes and notify registrants."""

    list_display = [
        "__str__",
        "maslikhat",
        "hearing_type",
        "starts_at",
        "status",
        "minutes_due_on",
        "minutes_published_at",
        "is_demo",
    ]
    list_filter = ["status", "hearing_type", "is_demo", "maslikhat"]
    search_fields = ["topic_kk", "topic_ru", "topic_en"]
    raw_id_fields = ["maslikhat", "commission", "rules", "created_by"]
    filter_horizontal = ["deputies"]
    readonly_fields = ["status", "sequence", "minutes_due_on", "minutes_published_at", "venue_key"]
    inlines = [AgendaInline, MinutesInline, HistoryInline]


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ["hearing", "user", "status", "position", "code", "registered_at", "checked_in_at"]
    list_filter = ["status"]
    raw_id_fields = ["hearing", "user"]
    readonly_fields = ["code", "position"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "hearing", "status", "votes", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["hearing", "author"]
    readonly_fields = ["votes"]
