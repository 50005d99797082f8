"""The recall API (v1). IINs never appear in an answer: signers get a masked receipt at most."""

import base64

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.api import validation_error_payload
from portal.eds import EdsError
from recalls import selectors as recall_selectors
from recalls import services as recall_services
from recalls.access import access_recall_for_viewer
from recalls.models import RecallRequest


class _MaslikhatSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class _DistrictSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    registered_voters = serializers.IntegerField(allow_null=True)


class _DeputySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField()
    status = serializers.CharField()
    maslikhat = _MaslikhatSerializer()
    district = _DistrictSerializer(allow_null=True)


class RecallSerializer(serializers.ModelSerializer):
    deputy = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    ground_label = serializers.CharField(source="get_ground_display")
    signature_count = serializers.SerializerMethodField()
    eds_signature_count = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = RecallRequest
        fields = [
            "id",
            "status",
            "status_label",
            "deputy",
            "ground",
            "ground_label",
            "grounds",
            "created_at",
            "registered_on",
            "collection_ends_on",
            "signature_threshold",
            "signature_count",
            "eds_signature_count",
            "group_size",
            "valid_signatures_count",
            "vote_held_on",
            "vote_voters",
            "vote_turnout",
            "votes_for",
            "votes_against",
            "deputy_reply",
            "deputy_reply_at",
            "ended_on",
            "is_demo",
            "url",
        ]

    @extend_schema(responses=_DeputySerializer)
    def get_deputy(self, recall) -> dict:
        deputy, district = recall.deputy, recall.district
        return {
            "id": deputy.pk,
            "full_name": deputy.full_name,
            "status": deputy.status,
            "maslikhat": {"id": recall.maslikhat.pk, "code": recall.maslikhat.code, "name": recall.maslikhat.name},
            "district": {"id": district.pk, "number": district.number, "registered_voters": district.registered_voters},
        }

    def get_signature_count(self, recall) -> int:
        counts = self.context.get("counts")
        if counts is not None and recall.final_signatures_count is None:
            return counts.get(recall.pk, 0)
        return recall_selectors.recall_signature_count(recall)

    def get_eds_signature_count(self, recall) -> int:
        counts = self.context.get("eds_counts")
        if counts is not None:
            return counts.get(recall.pk, 0)
        return recall_selectors.recall_eds_signature_count(recall)

    def get_url(self, recall) -> str:
        request = self.context.get("request")
        url = recall.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class RecallListApi(generics.ListAPIView):
    serializer_class = RecallSerializer
    permission_classes = [permissions.AllowAny]

    def get_queryset(self):
        return recall_selectors.recall_list_public(
            maslikhat=self.request.query_params.get("maslikhat", ""), status=self.request.query_params.get("status", "")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self, "_page_ids", None)
        if page:
            from django.db.models import Count, Q

            from recalls.models import RecallSignature

            rows = (
                RecallSignature.objects.filter(recall_id__in=page)
                .values("recall_id")
                .annotate(n=Count("pk"), eds=Count("pk", filter=Q(method=RecallSignature.Method.EDS)))
            )
            context["counts"] = {row["recall_id"]: row["n"] for row in rows}
            context["eds_counts"] = {row["recall_id"]: row["eds"] for row in rows}
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        if page is not None:
            self._page_ids = [recall.pk for recall in page]
        return page


class RecallDetailApi(generics.RetrieveAPIView):
    serializer_class = RecallSerializer
    permission_classes = [permissions.AllowAny]

    def get_object(self):
        return access_recall_for_viewer(self.kwargs["pk"])


class RecallSignInputSerializer(serializers.Serializer):
    """Either a typed `iin`, or `cms`: a base64 CMS SignedData over the EDS challenge (the IIN is then
    read from the signer's certificate)."""

    iin = serializers.CharField(max_length=20, trim_whitespace=True, required=False)
    cms = serializers.CharField(max_length=90000, required=False)
    address = serializers.CharField(max_length=200)

    def validate(self, attrs):
        if not attrs.get("iin") and not attrs.get("cms"):
            raise serializers.ValidationError({"iin": [_("Enter your IIN or sign with EDS.")]})
        return attrs


class RecallEdsChallengeApi(APIView):
    """The bytes to sign with EDS for this recall: bound to the account, single-use, expiring."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        responses={
            200: inline_serializer(
                "RecallEdsChallenge", {"challenge": serializers.CharField(), "expires_at": serializers.DateTimeField()}
            )
        }
    )
    def get(self, request, pk: int):
        recall = access_recall_for_viewer(pk)
        try:
            challenge = recall_services.recall_eds_challenge(user=request.user, recall=recall)
        except EdsError as error:
            return Response({"detail": error.message, "code": error.code}, status=status.HTTP_400_BAD_REQUEST)
        return Response(
            {"challenge": base64.b64encode(challenge.text.encode()).decode(), "expires_at": challenge.expires_at}
        )


class RecallSignApi(APIView):
    """Sign a recall request: 201 new signature, 200 already signed by this account with this IIN,
    409 when this account already signed with another IIN, 429 past the hourly IIN attempts, 400 with
    translated reasons by field (a refused IIN under `iin`). An IIN another account already gave is
    answered like a new signature (no oracle of who signed); the commission sees both, flagged."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=RecallSignInputSerializer,
        responses={
            201: inline_serializer(
                "RecallSigned",
                {
                    "detail": serializers.CharField(),
                    "created": serializers.BooleanField(),
                    "iin": serializers.CharField(),
                    "method": serializers.CharField(),
                },
            ),
            200: inline_serializer(
                "RecallAlreadySigned",
                {
                    "detail": serializers.CharField(),
                    "created": serializers.BooleanField(),
                    "iin": serializers.CharField(),
                },
            ),
        },
    )
    def post(self, request, pk: int):
        recall = access_recall_for_viewer(pk)
        payload = RecallSignInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            if data.get("cms"):
                signature, created = recall_services.recall_sign_eds(
                    user=request.user, recall=recall, cms=data["cms"], address=data["address"]
                )
            else:
                signature, created = recall_services.recall_sign(
                    user=request.user, recall=recall, iin=data["iin"], address=data["address"]
                )
        except recall_services.AlreadySigned as error:
            return Response(validation_error_payload(error), status=status.HTTP_409_CONFLICT)
        except recall_services.TooManyIinAttempts as error:
            return Response(validation_error_payload(error), status=status.HTTP_429_TOO_MANY_REQUESTS)
        body = {
            "detail": _("Thank you: your signature has been recorded.")
            if created
            else _("You had already signed this recall request."),
            "created": created,
            "iin": signature.masked_iin,
            "method": signature.method,
        }
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)
