from django.urls import path

from letters import api

urlpatterns = [
    path("deputies/<int:pk>/messages/", api.DeputyMessageApi.as_view(), name="api-deputy-messages"),
]
