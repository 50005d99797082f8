"""Not language-prefixed: the Atom feed and the open-data exports."""

from django.urls import path

from petitions import feeds

urlpatterns = [
    path("petitions/feed/<slug:code>.atom", feeds.MaslikhatPetitionsFeed(), name="petitions_feed"),
    path("petitions/export.<str:fmt>", feeds.export_petitions, name="petitions_export"),
    path("petitions/<int:pk>/districts.<str:fmt>", feeds.export_districts, name="petitions_districts_export"),
]
