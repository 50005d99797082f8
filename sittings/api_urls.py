from django.urls import path

from sittings import api

urlpatterns = [
    path("sessions/", api.SessionListApi.as_view(), name="api-session-list"),
    path("sessions/<int:pk>/", api.SessionDetailApi.as_view(), name="api-session-detail"),
]
