from django.urls import path

from letters import views, views_staff

app_name = "letters"

urlpatterns = [
    path("deputies/<int:pk>/write/", views.write, name="write"),
    path("messages/write-to-all/", views.write_all, name="write_all"),
    path("messages/", views.my_messages, name="my_messages"),
    path("messages/<int:pk>/", views.message_detail, name="message"),
    path("messages/reply/<str:token>/", views.reply, name="reply"),
    path("messages/reply/<str:token>/report/", views.reply_report, name="reply_report"),
    path("messages/did-you-get-a-reply/<str:token>/", views.followup, name="followup"),
    path("messages/method/", views.method, name="method"),
    path("reception/<int:pk>/book/", views.book, name="book"),
    path("reception/bookings/<int:pk>/cancel/", views.booking_cancel, name="booking_cancel"),
    path("reception/bookings/<int:pk>.ics", views.booking_ics, name="booking_ics"),
    path("reception/day/", views.reception_day, name="reception_day"),
    path("staff/messages/", views_staff.staff_queue, name="staff_queue"),
    path("staff/messages/<int:pk>/", views_staff.staff_message, name="staff_message"),
    path("staff/reception/", views_staff.staff_reception, name="staff_reception"),
    path("staff/reception/<int:pk>/cancel/", views_staff.staff_slot_cancel, name="staff_slot_cancel"),
]
