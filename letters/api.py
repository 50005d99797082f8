"""JSON API of letters: a verified citizen writes to a deputy. Thin: parse, call the service."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from deputies.models import Deputy
from letters import services
from portal.middleware import client_ip


class MessageCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=services.SUBJECT_MAX)
    body = serializers.CharField(max_length=services.BODY_MAX)
    address = serializers.CharField(max_length=200)
    author_consents = serializers.BooleanField(required=False, default=False)


MESSAGE_RESPONSE = inline_serializer(
    "MessageCreated", {"id": serializers.IntegerField(), "status": serializers.CharField()}
)


class DeputyMessageApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        tags=["deputies"],
        summary="Write to a deputy who represents your address",
        request=MessageCreateSerializer,
        responses={201: MESSAGE_RESPONSE},
        description=(
            "A logged-in citizen with a verified email writes to one deputy. Refused with 400 under `address` "
            "(naming who does represent it) when the deputy does not represent the address; rate limits and "
            "the one-text-one-deputy rule answer 400 too."
        ),
    )
    def post(self, request, pk: int):
        deputy = get_object_or_404(Deputy.objects.select_related("maslikhat", "user"), pk=pk)
        serializer = MessageCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        message = services.message_send(
            author=request.user, deputy=deputy, ip=client_ip(request), **serializer.validated_data
        )
        return Response({"id": message.pk, "status": message.status}, status=status.HTTP_201_CREATED)
