from django.urls import path

from hearings import api

urlpatterns = [
    path("hearings/", api.HearingListApi.as_view(), name="api-hearing-list"),
    path("hearings/<int:pk>/", api.HearingDetailApi.as_view(), name="api-hearing-detail"),
    path("hearings/<int:pk>/registrations/", api.HearingRegistrationApi.as_view(), name="api-hearing-registrations"),
    path(
        "hearings/<int:pk>/registrations/mine/",
        api.HearingRegistrationApi.as_view(),
        name="api-hearing-registration-mine",
    ),
]
