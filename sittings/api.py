"""JSON API of sessions: list and detail (items, decisions, votes, attendance), and the `record`
field that the deputy detail gains (registered with portal.api_extensions)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import generics, serializers

from deputies.models import Maslikhat
from deputies.serializers import MaslikhatRefSerializer
from portal.dates import EARLIEST, LATEST, out_of_range_message
from sittings import selectors
from sittings.models import AgendaItem, Attendance, Decision, Session


class SessionSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    title = serializers.CharField(read_only=True)
    maslikhat = MaslikhatRefSerializer(read_only=True)
    convocation = serializers.IntegerField(source="convocation.number", read_only=True, allow_null=True, default=None)
    agenda_published = serializers.BooleanField(source="agenda_is_published", read_only=True)

    class Meta:
        model = Session
        fields = [
            "id",
            "url",
            "maslikhat",
            "convocation",
            "number",
            "kind",
            "title",
            "title_kk",
            "title_ru",
            "starts_at",
            "ends_at",
            "place",
            "status",
            "broadcast_url",
            "video_url",
            "agenda_published",
            "is_demo",
        ]

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        return request.build_absolute_uri(obj.get_absolute_url()) if request else obj.get_absolute_url()


class VoteSerializer(serializers.Serializer):
    deputy = serializers.SerializerMethodField()
    vote = serializers.CharField(source="choice")

    def get_deputy(self, vote) -> dict:
        return {"id": vote.deputy_id, "full_name": vote.deputy.full_name}


class DecisionSerializer(serializers.ModelSerializer):
    votes = serializers.SerializerMethodField()
    roll_call = serializers.SerializerMethodField()

    class Meta:
        model = Decision
        fields = ["id", "number", "adopted", "text", "document_url", "published_at", "votes", "roll_call"]

    def get_votes(self, obj) -> dict | None:
        if not obj.has_totals:
            return None
        return {
            "for": obj.votes_for,
            "against": obj.votes_against,
            "abstain": obj.votes_abstain,
            "not_voting": obj.votes_not_voting or 0,
        }

    def get_roll_call(self, obj) -> list[dict]:
        return VoteSerializer(obj.votes.all(), many=True).data


class DocumentSerializer(serializers.Serializer):
    title = serializers.CharField()
    kind = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request and url.startswith("/") else url


class AgendaItemSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    decision = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = AgendaItem
        fields = [
            "id",
            "number",
            "kind",
            "title",
            "title_kk",
            "title_ru",
            "rapporteur",
            "related_petition_id",
            "related_hearing_id",
            "documents",
            "decision",
        ]

    def get_decision(self, obj) -> dict | None:
        decision = getattr(obj, "decision", None)
        if decision is None or decision.published_at is None:
            return None
        return DecisionSerializer(decision, context=self.context).data


class AttendanceSerializer(serializers.ModelSerializer):
    deputy = serializers.SerializerMethodField()
    present = serializers.BooleanField(read_only=True)

    class Meta:
        model = Attendance
        fields = ["deputy", "present", "status", "reason"]

    def get_deputy(self, obj) -> dict:
        return {"id": obj.deputy_id, "full_name": obj.deputy.full_name}


class SessionDetailSerializer(SessionSerializer):
    items = serializers.SerializerMethodField()
    attendance = AttendanceSerializer(many=True, read_only=True)
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "documents", "items", "attendance"]

    @extend_schema_field(AgendaItemSerializer(many=True))
    def get_items(self, obj) -> list:
        """The agenda once published (a draft agenda is the staff's until then)."""
        if not obj.agenda_is_published:
            return []
        return AgendaItemSerializer(obj.items.all(), many=True, context=self.context).data


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
    tags=["sessions"],
    parameters=[
        OpenApiParameter("maslikhat", str, description="Maslikhat code, e.g. kz-75"),
        OpenApiParameter("from", date, description="Sessions starting on or after this date"),
        OpenApiParameter("to", date, description="Sessions starting on or before this date"),
        OpenApiParameter("kind", str, enum=Session.Kind.values),
    ],
)
class SessionListApi(generics.ListAPIView):
    """Maslikhat sessions, newest first."""

    serializer_class = SessionSerializer

    def get_queryset(self):
        code = self.request.query_params.get("maslikhat", "").strip()[:40]
        kind = self.request.query_params.get("kind", "").strip()
        return selectors.session_list_public(
            maslikhat=get_object_or_404(Maslikhat, code=code) if code else None,
            date_from=_date_param(self.request, "from"),
            date_to=_date_param(self.request, "to"),
            kind=kind if kind in Session.Kind.values else "",
        ).select_related("convocation")


@extend_schema(tags=["sessions"])
class SessionDetailApi(generics.RetrieveAPIView):
    """A session with its documents, agenda items, published decisions (totals and roll calls) and
    attendance."""

    serializer_class = SessionDetailSerializer

    def get_object(self):
        try:
            return selectors.session_get_public(int(self.kwargs["pk"]))
        except Session.DoesNotExist:
            raise Http404 from None
