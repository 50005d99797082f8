from django.urls import path

from sittings import feeds

urlpatterns = [
    path("sessions/calendar.ics", feeds.calendar_feed, name="sessions_calendar_ics"),
    path("sessions/<int:pk>.ics", feeds.session_ics, name="sessions_session_ics"),
]
