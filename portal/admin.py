from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from portal.models import AuditEntry, RoleGrant, User

# The admin signs in through the site's own sign-in (allauth): its rate limits and lockout, the
# second factor, one place to audit. /admin/login/ only forwards there (tests/security/test_mfa_session.py).
admin.site.login = secure_admin_login(admin.site.login)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_superuser", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["first_name", "last_name", "preferred_language", "address", "is_citizen"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = []
    list_filter = ["is_superuser", "is_active"]


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "scope_code", "granted_at", "revoked_at"]
    list_filter = ["role", "scope_code"]
    search_fields = ["user__email", "scope_code"]
    readonly_fields = ["granted_by", "granted_at", "revoked_at", "revoked_by"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request, obj=None):
        return False  # grants change through services so that they are audited

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "object_type", "object_repr", "scope_code", "ip"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_repr", "object_id"]

    def has_module_permission(self, request):
        return request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
