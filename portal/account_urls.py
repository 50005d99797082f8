"""The citizen's own pages: profile (name, language, residence). Notifications add theirs here."""

from django.urls import include, path

from portal import account_views

urlpatterns = [
    path("me/", account_views.profile, name="profile"),
    path("", include("portal.notification_urls")),
]
