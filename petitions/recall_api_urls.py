"""Recall API routes, appended to petitions/api_urls.py (under /api/v1/)."""

from django.urls import path

from petitions import recall_api

urlpatterns = [
    path("recalls/", recall_api.RecallListApi.as_view(), name="api-recall-list"),
    path("recalls/<int:pk>/", recall_api.RecallDetailApi.as_view(), name="api-recall-detail"),
    path("recalls/<int:pk>/signatures/", recall_api.RecallSignApi.as_view(), name="api-recall-sign"),
]
