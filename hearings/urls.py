from django.urls import path

from hearings import views, views_staff

app_name = "hearings"

urlpatterns = [
    path("hearings/", views.hearing_list, name="list"),
    path("hearings/calendar/", views.hearing_calendar, name="calendar"),
    path("hearings/<int:pk>/", views.hearing_detail, name="detail"),
    path("hearings/<int:pk>/register/", views.hearing_register, name="register"),
    path("hearings/<int:pk>/unregister/", views.hearing_unregister, name="unregister"),
    path("hearings/<int:pk>/my-code.<str:fmt>", views.registration_qr, name="registration_qr"),
    path("hearings/<int:pk>/questions/", views.question_create, name="question_create"),
    path("hearings/questions/<int:pk>/vote/", views.question_vote, name="question_vote"),
    path("hearings/documents/<str:kind>/<int:pk>/", views.document, name="document"),
    path("staff/hearings/", views_staff.staff_list, name="staff_list"),
    path("staff/hearings/new/", views_staff.staff_schedule, name="staff_schedule"),
    path("staff/hearings/<int:pk>/", views_staff.staff_manage, name="staff_manage"),
    path("staff/hearings/<int:pk>/details/", views_staff.staff_details, name="staff_details"),
    path("staff/hearings/<int:pk>/postpone/", views_staff.staff_postpone, name="staff_postpone"),
    path("staff/hearings/<int:pk>/cancel/", views_staff.staff_cancel, name="staff_cancel"),
    path("staff/hearings/<int:pk>/minutes/", views_staff.staff_minutes, name="staff_minutes"),
    path("staff/hearings/<int:pk>/agenda/", views_staff.staff_agenda, name="staff_agenda"),
    path("staff/hearings/<int:pk>/registrations/", views_staff.staff_registrations, name="staff_registrations"),
    path(
        "staff/hearings/<int:pk>/registrations.csv", views_staff.staff_registrations_csv, name="staff_registrations_csv"
    ),
    path(
        "staff/hearings/questions/<int:pk>/moderate/",
        views_staff.staff_question_moderate,
        name="staff_question_moderate",
    ),
]
