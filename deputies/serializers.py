"""Compact references to deputies-app objects, shared by every app's API (one OpenAPI component)."""

from rest_framework import serializers

from deputies.models import ElectoralDistrict, Maslikhat


class MaslikhatRefSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = Maslikhat
        fields = ["id", "code", "name", "level"]


class DistrictRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = ElectoralDistrict
        fields = ["id", "number"]
