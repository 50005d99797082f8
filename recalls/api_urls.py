"""Recall API routes (under /api/v1/; names are not namespaced, like the other apps' API routes)."""

from django.urls import path

from recalls import api

urlpatterns = [
    path("recalls/", api.RecallListApi.as_view(), name="api-recall-list"),
    path("recalls/<int:pk>/", api.RecallDetailApi.as_view(), name="api-recall-detail"),
    path("recalls/<int:pk>/signatures/", api.RecallSignApi.as_view(), name="api-recall-sign"),
    path(
        "recalls/<int:pk>/signatures/challenge/",
        api.RecallEdsChallengeApi.as_view(),
        name="api-recall-eds-challenge",
    ),
]
