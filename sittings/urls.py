from django.urls import path

from sittings import views, views_staff

app_name = "sittings"

urlpatterns = [
    path("sessions/", views.session_list, name="list"),
    path("sessions/calendar/", views.session_calendar, name="calendar"),
    path("sessions/decisions/", views.decision_list, name="decisions"),
    path("sessions/<int:pk>/", views.session_detail, name="detail"),
    path("sessions/documents/<int:pk>/", views.document, name="document"),
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards.csv", views.scorecards, {"fmt": "csv"}, name="scorecards_csv"),
    path("scorecards.json", views.scorecards, {"fmt": "json"}, name="scorecards_json"),
    path("scorecards/<slug:code>/", views.scorecard, name="scorecard"),
    path("staff/sessions/", views_staff.staff_list, name="staff_list"),
    path("staff/sessions/new/", views_staff.staff_plan, name="staff_plan"),
    path("staff/sessions/<int:pk>/", views_staff.staff_manage, name="staff_manage"),
    path("staff/sessions/<int:pk>/items/", views_staff.staff_item_add, name="staff_item_add"),
    path("staff/sessions/<int:pk>/publish/", views_staff.staff_publish, name="staff_publish"),
    path("staff/sessions/<int:pk>/documents/", views_staff.staff_document, name="staff_document"),
    path("staff/sessions/<int:pk>/attendance/", views_staff.staff_attendance, name="staff_attendance"),
    path("staff/sessions/items/<int:pk>/vote/", views_staff.staff_vote, name="staff_vote"),
    path(
        "staff/sessions/decisions/<int:pk>/publish/", views_staff.staff_decision_publish, name="staff_decision_publish"
    ),
]
