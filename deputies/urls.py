from django.urls import path

from deputies import views_staff

app_name = "deputies"

urlpatterns = [
    path("staff/roles/", views_staff.staff_roles, name="staff_roles"),
    path("staff/roles/<int:pk>/revoke/", views_staff.staff_role_revoke, name="staff_role_revoke"),
]
