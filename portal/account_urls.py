"""The citizen's own pages: profile (name, language, residence). Notifications add theirs here."""

from django.urls import include, path

from portal import account_views

urlpatterns = [
    path("me/", account_views.profile, name="profile"),
    path("me/data.json", account_views.data_export, name="data_export"),
    path("me/delete/", account_views.account_delete, name="account_delete"),
    path("", include("portal.notification_urls")),
]
