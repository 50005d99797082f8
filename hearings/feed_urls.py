from django.urls import path

from hearings import feeds

urlpatterns = [
    path("hearings/calendar.ics", feeds.calendar_feed, name="hearings_calendar_ics"),
    path("hearings/feed.atom", feeds.HearingAtomFeed(), name="hearings_atom"),
    path("hearings/<int:pk>.ics", feeds.hearing_ics, name="hearings_hearing_ics"),
]
