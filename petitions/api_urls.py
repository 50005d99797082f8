from django.urls import path

from petitions import api

urlpatterns = [
    path("petitions/", api.PetitionListCreate.as_view(), name="api-petitions"),
    path("petitions/<int:pk>/", api.PetitionDetail.as_view(), name="api-petition"),
    path("petitions/<int:pk>/count/", api.PetitionCount.as_view(), name="api-petition-count"),
    path("petitions/<int:pk>/signatures/", api.PetitionSign.as_view(), name="api-petition-sign"),
    path(
        "petitions/<int:pk>/signatures/challenge/",
        api.PetitionEdsChallenge.as_view(),
        name="api-petition-eds-challenge",
    ),
    path("petitions/<int:pk>/signatures/mine/", api.PetitionUnsign.as_view(), name="api-petition-unsign"),
]
