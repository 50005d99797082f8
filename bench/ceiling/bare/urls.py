from django.urls import path

from bare.views import sign

urlpatterns = [path("sign/<int:target>/", sign)]
