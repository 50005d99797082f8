"""JSON API for hearings (DESIGN.md): list, detail, register and cancel one's registration."""

from datetime import date

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from deputies.models import Maslikhat
from deputies.serializers import MaslikhatRefSerializer
from hearings import selectors, services
from hearings.models import Hearing
from portal.dates import EARLIEST, LATEST, out_of_range_message


class HearingSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    topic = serializers.CharField(read_only=True)
    description = serializers.CharField(read_only=True)
    maslikhat = MaslikhatRefSerializer(read_only=True)
    commission = serializers.SerializerMethodField()
    registered_count = serializers.IntegerField(read_only=True)
    waitlist_count = serializers.IntegerField(read_only=True)
    registration_open = serializers.SerializerMethodField()
    minutes_overdue = serializers.SerializerMethodField()
    related_petition = serializers.SerializerMethodField()

    class Meta:
        model = Hearing
        fields = [
            "id",
            "url",
            "topic",
            "description",
            "hearing_type",
            "status",
            "status_reason",
            "maslikhat",
            "commission",
            "starts_at",
            "ends_at",
            "registration_deadline",
            "registration_open",
            "languages",
            "venue_address",
            "capacity",
            "accessibility_notes",
            "broadcast_url",
            "registered_count",
            "waitlist_count",
            "minutes_due_on",
            "minutes_published_at",
            "minutes_overdue",
            "video_url",
            "related_petition",
            "is_demo",
        ]

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj.get_absolute_url()) if request else obj.get_absolute_url()

    def get_commission(self, obj) -> dict:
        return {"id": obj.commission_id, "name": obj.commission.name}

    def get_registration_open(self, obj) -> bool:
        return obj.registration_is_open()

    def get_minutes_overdue(self, obj) -> bool:
        return obj.minutes_overdue()

    def get_related_petition(self, obj) -> dict | None:
        if not (obj.related_petition_id or obj.related_petition_url):
            return None
        return {"id": obj.related_petition_id, "url": obj.related_petition_url, "title": obj.related_petition_title}


class HearingDetailSerializer(HearingSerializer):
    deputies = serializers.SerializerMethodField()
    minutes = serializers.CharField(source="minutes_text", read_only=True)
    decisions = serializers.CharField(read_only=True)

    class Meta(HearingSerializer.Meta):
        fields = [*HearingSerializer.Meta.fields, "deputies", "minutes", "decisions"]

    def get_deputies(self, obj) -> list[dict]:
        return [{"id": d.pk, "full_name": d.full_name} for d in obj.deputies.all()]


def _date_param(request, name):
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise ValidationError({name: [_("Use a date like 2026-05-01.")]}) from None
    if not EARLIEST <= value <= LATEST:
        raise ValidationError({name: [out_of_range_message()]})
    return value


@extend_schema(
    parameters=[
        OpenApiParameter("maslikhat", str, description="Maslikhat code, e.g. kz-75"),
        OpenApiParameter("from", date, description="Hearings ending on or after this date"),
        OpenApiParameter("to", date, description="Hearings starting on or before this date"),
    ]
)
class HearingListApi(generics.ListAPIView):
    serializer_class = HearingSerializer

    def get_queryset(self):
        code = self.request.query_params.get("maslikhat", "").strip()
        maslikhat = get_object_or_404(Maslikhat, code=code) if code else None
        return selectors.hearing_list_public(
            maslikhat=maslikhat,
            date_from=_date_param(self.request, "from"),
            date_to=_date_param(self.request, "to"),
            hearing_type=self.request.query_params.get("type", "").strip(),
        )


class HearingDetailApi(generics.RetrieveAPIView):
    serializer_class = HearingDetailSerializer

    def get_queryset(self):
        return Hearing.objects.select_related("maslikhat", "commission").with_counts().prefetch_related("deputies")


REGISTRATION_RESPONSE = inline_serializer(
    "HearingRegistration",
    {
        "status": serializers.CharField(),
        "outcome": serializers.CharField(),
        "code": serializers.CharField(),
        "detail": serializers.CharField(),
    },
)


class HearingRegistrationApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses={201: REGISTRATION_RESPONSE, 202: REGISTRATION_RESPONSE, 200: REGISTRATION_RESPONSE}
    )
    def post(self, request, pk: int):
        hearing = get_object_or_404(Hearing, pk=pk)
        registration, outcome = services.registration_create(user=request.user, hearing=hearing)
        code, detail = {
            "seated": (status.HTTP_201_CREATED, _("You are registered.")),
            "waitlisted": (status.HTTP_202_ACCEPTED, _("The hall is full: you are on the waiting list.")),
            "already": (status.HTTP_200_OK, _("You are already registered for this hearing.")),
        }[outcome]
        return Response(
            {"status": registration.status, "outcome": outcome, "code": registration.code, "detail": detail},
            status=code,
        )

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk: int):
        hearing = get_object_or_404(Hearing, pk=pk)
        services.registration_cancel(user=request.user, hearing=hearing)
        return Response(status=status.HTTP_204_NO_CONTENT)
