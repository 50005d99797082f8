"""Admin: the rules are edited here (legal numbers are data). Recall requests are shown read-only
and without personal data; the procedure is run through the pages and services, not the admin."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from recalls.models import RecallHistory, RecallRequest, RecallRules


@admin.register(RecallRules)
class RecallRulesAdmin(admin.ModelAdmin):
    list_display = [
        "effective_from",
        "effective_from_unconfirmed",
        "legal_reference",
        "min_group_size",
        "min_group_size_unconfirmed",
        "signature_threshold_percent",
        "signature_threshold_unconfirmed",
        "collection_working_days",
        "retention_days",
    ]
    fieldsets = [
        (None, {"fields": ["legal_reference", ("effective_from", "effective_from_unconfirmed"), "note"]}),
        (
            _("Initiative group"),
            {
                "fields": [
                    ("min_group_size", "min_group_size_unconfirmed"),
                    ("group_forming_working_days", "group_forming_unconfirmed"),
                    ("registration_review_working_days", "registration_review_unconfirmed"),
                ]
            },
        ),
        (
            _("Who and when"),
            {
                "fields": [
                    ("bar_first_months", "bar_last_months", "term_bar_unconfirmed"),
                    ("term_years", "term_years_unconfirmed"),
                    ("min_voter_age", "min_voter_age_unconfirmed"),
                ]
            },
        ),
        (
            _("Signatures"),
            {
                "fields": [
                    ("signature_threshold_percent", "signature_threshold_unconfirmed"),
                    ("collection_working_days", "collection_unconfirmed"),
                    ("verification_working_days", "verification_unconfirmed"),
                    ("sample_margin_percent", "sample_unconfirmed"),
                ]
            },
        ),
        (
            _("Vote"),
            {
                "fields": [
                    ("turnout_min_numerator", "turnout_min_denominator", "turnout_unconfirmed"),
                    ("recall_majority_percent", "majority_unconfirmed"),
                ]
            },
        ),
        (_("Personal data"), {"fields": [("retention_days", "retention_unconfirmed")]}),
    ]


class RecallHistoryInline(admin.TabularInline):
    model = RecallHistory
    fields = ["created_at", "from_status", "to_status", "actor", "note"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(RecallRequest)
class RecallRequestAdmin(admin.ModelAdmin):
    list_display = ["pk", "deputy", "maslikhat", "status", "created_at", "ended_on", "purged_at", "is_demo"]
    list_filter = ["status", "maslikhat"]
    inlines = [RecallHistoryInline]
    exclude = ["initiator"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in RecallRequest._meta.fields if f.name != "initiator"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
