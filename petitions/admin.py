from django.contrib import admin

from petitions.models import Petition, PetitionHistory, PetitionRoute, PetitionRules


@admin.register(PetitionRules)
class PetitionRulesAdmin(admin.ModelAdmin):
    """Staff publish a new version (a new row with a later date) rather than edit one that
    petitions were published under; those keep the version they were published with."""

    list_display = [
        "__str__",
        "level",
        "population_over",
        "threshold_kind",
        "threshold_percent",
        "threshold_fixed",
        "effective_from",
        "legal_reference",
    ]
    list_filter = ["level"]
    save_as = True

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.petitions.exists()


@admin.register(PetitionRoute)
class PetitionRouteAdmin(admin.ModelAdmin):
    """The route (and what it gives) as rules data: a new version is a new row with a later date
    (save as new); a delivered petition keeps the row it was delivered by. docs/petitions-legal.md."""

    list_display = [
        "__str__",
        "maslikhat",
        "route",
        "answer_working_days",
        "extended_working_days",
        "answer_term_unconfirmed",
        "official_portal_url",
        "official_portal_unconfirmed",
        "effective_from",
    ]
    list_filter = ["route"]
    raw_id_fields = ["maslikhat"]
    save_as = True


class PetitionHistoryInline(admin.TabularInline):
    model = PetitionHistory
    extra = 0
    can_delete = False
    fields = ["created_at", "kind", "from_status", "to_status", "actor", "public_note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Petition)
class PetitionAdmin(admin.ModelAdmin):
    """Read-only: petitions change state through the moderation pages (services), never here."""

    list_display = [
        "title",
        "maslikhat",
        "status",
        "signature_count",
        "resident_signature_count",
        "threshold",
        "created_at",
    ]
    list_filter = ["status", "maslikhat", "topic"]
    search_fields = ["title"]
    inlines = [PetitionHistoryInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
