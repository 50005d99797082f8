from django.urls import path

from deputies import views, views_staff

app_name = "deputies"

urlpatterns = [
    path("representatives/", views.representatives, name="representatives"),
    path("deputies/", views.deputy_list, name="deputy_list"),
    path("deputies/<int:pk>/", views.deputy_detail, name="deputy"),
    path("maslikhats/", views.maslikhat_list, name="maslikhat_list"),
    path("maslikhats/<slug:code>/", views.maslikhat_detail, name="maslikhat"),
    path("districts/<int:pk>/", views.district_detail, name="district"),
    path("districts/<int:pk>/boundary.geojson", views.boundary_geojson, name="district_boundary"),
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/deputies.csv", views.export_deputies_csv, name="export_deputies"),
    path("open-data/districts.csv", views.export_districts_csv, name="export_districts"),
    path("open-data/popolo.json", views.export_popolo, name="export_popolo"),
    path("staff/roles/", views_staff.staff_roles, name="staff_roles"),
    path("staff/roles/<int:pk>/revoke/", views_staff.staff_role_revoke, name="staff_role_revoke"),
    path("staff/deputies/", views_staff.staff_deputies, name="staff_deputies"),
    path("staff/deputies/import/", views_staff.staff_import, name="staff_import"),
    path("staff/deputies/<slug:code>/", views_staff.staff_maslikhat, name="staff_maslikhat"),
    path("staff/deputies/<slug:code>/deputies/new/", views_staff.staff_deputy_edit, name="staff_deputy_new"),
    path("staff/deputies/<slug:code>/deputies/<int:pk>/", views_staff.staff_deputy_edit, name="staff_deputy_edit"),
    path("staff/deputies/<slug:code>/districts/new/", views_staff.staff_district_edit, name="staff_district_new"),
    path("staff/deputies/<slug:code>/districts/<int:pk>/", views_staff.staff_district_edit, name="staff_district_edit"),
    path("staff/deputies/<slug:code>/districts/<int:pk>/coverage/", views_staff.staff_coverage, name="staff_coverage"),
    path(
        "staff/deputies/<slug:code>/districts/<int:pk>/coverage/<int:row>/remove/",
        views_staff.staff_coverage_remove,
        name="staff_coverage_remove",
    ),
]
