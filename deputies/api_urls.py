from django.urls import path
from rest_framework.routers import SimpleRouter

from deputies import api

router = SimpleRouter()
router.register("maslikhats", api.MaslikhatViewSet, basename="maslikhat")
router.register("deputies", api.DeputyViewSet, basename="deputy")

urlpatterns = [
    path("representatives/", api.RepresentativesView.as_view(), name="api-representatives"),
    path("addresses/suggest/", api.AddressSuggestionsView.as_view(), name="api-address-suggest"),
    *router.urls,
]
