from django import forms
from django.contrib import admin

from portal.uploads import DOCX, PDF, check_upload
from sittings.models import (
    AgendaItem,
    Attendance,
    Decision,
    DeclaredInterest,
    DeputyDeclaration,
    ElectionProgramme,
    Session,
    SessionDocument,
    VoterReport,
)


class AgendaItemInline(admin.TabularInline):
    model = AgendaItem
    extra = 0
    fields = ["number", "title_kk", "title_ru", "kind", "rapporteur"]


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ["deputy"]


class DocumentInline(admin.TabularInline):
    model = SessionDocument
    extra = 0
    readonly_fields = ["file", "size", "uploaded_by", "uploaded_at"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "maslikhat", "number", "kind", "starts_at", "status", "is_demo"]
    list_filter = ["kind", "status", "is_demo", "maslikhat"]
    date_hierarchy = "starts_at"
    inlines = [AgendaItemInline, AttendanceInline, DocumentInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "item", "adopted", "votes_for", "votes_against", "votes_abstain", "published_at"]
    raw_id_fields = ["item"]


@admin.register(DeputyDeclaration)
class DeputyDeclarationAdmin(admin.ModelAdmin):
    list_display = ["deputy", "occupation", "employer", "declared_on"]
    raw_id_fields = ["deputy"]
    search_fields = ["deputy__full_name", "occupation", "employer"]


@admin.register(DeclaredInterest)
class DeclaredInterestAdmin(admin.ModelAdmin):
    list_display = ["deputy", "__str__", "declared_on"]
    raw_id_fields = ["deputy"]


class ElectionProgrammeForm(forms.ModelForm):
    class Meta:
        model = ElectionProgramme
        fields = ["deputy", "convocation", "text_kk", "text_ru", "text_en", "document", "document_url"]

    def clean_document(self):
        """A programme document goes through the upload gate like every other uploaded file."""
        document = self.cleaned_data.get("document")
        if document and hasattr(document, "content_type"):  # a new upload, not the stored file
            checked = check_upload(document, kinds=(PDF, DOCX))
            checked.file.name = checked.name
            return checked.file
        return document


@admin.register(ElectionProgramme)
class ElectionProgrammeAdmin(admin.ModelAdmin):
    form = ElectionProgrammeForm
    list_display = ["deputy", "convocation"]
    raw_id_fields = ["deputy"]


@admin.register(VoterReport)
class VoterReportAdmin(admin.ModelAdmin):
    list_display = ["deputy", "held_on", "place"]
    raw_id_fields = ["deputy"]
