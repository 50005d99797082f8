from django.contrib import admin

from deputies.models import (
    AddressCoverage,
    AdministrativeUnit,
    CommissionMembership,
    Convocation,
    Deputy,
    ElectoralDistrict,
    Maslikhat,
    StandingCommission,
)


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name_kk", "name_ru", "population", "population_as_of", "population_source"]
    list_filter = ["kind"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]


@admin.register(Maslikhat)
class MaslikhatAdmin(admin.ModelAdmin):
    list_display = ["code", "name_ru", "level", "seats"]
    list_filter = ["level"]
    search_fields = ["code", "name_kk", "name_ru", "name_en"]


@admin.register(Convocation)
class ConvocationAdmin(admin.ModelAdmin):
    list_display = ["maslikhat", "number", "elected_on", "ends_on", "electoral_system", "seats"]
    list_filter = ["electoral_system"]


@admin.register(ElectoralDistrict)
class ElectoralDistrictAdmin(admin.ModelAdmin):
    list_display = ["maslikhat", "convocation", "number", "name_ru", "registered_voters", "is_demo"]
    list_filter = ["maslikhat"]


class CommissionMembershipInline(admin.TabularInline):
    model = CommissionMembership
    extra = 0


@admin.register(Deputy)
class DeputyAdmin(admin.ModelAdmin):
    list_display = ["full_name", "maslikhat", "party", "mandate", "district", "role", "status", "is_demo"]
    list_filter = ["mandate", "status", "maslikhat"]
    search_fields = ["full_name", "party"]


@admin.register(StandingCommission)
class StandingCommissionAdmin(admin.ModelAdmin):
    list_display = ["name_ru", "maslikhat"]
    inlines = [CommissionMembershipInline]


@admin.register(AddressCoverage)
class AddressCoverageAdmin(admin.ModelAdmin):
    list_display = ["settlement", "street", "houses", "district"]
    list_filter = ["district__maslikhat"]
    search_fields = ["settlement", "street", "street_key"]
    readonly_fields = ["settlement_key", "street_key"]
    raw_id_fields = ["district"]
