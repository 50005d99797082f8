"""The citizen's own pages: profile (name, language, residence), data export, account deletion."""

from django.urls import path

from portal import account_views

urlpatterns = [
    path("me/", account_views.profile, name="profile"),
    path("me/data.json", account_views.data_export, name="data_export"),
    path("me/delete/", account_views.account_delete, name="account_delete"),
]
