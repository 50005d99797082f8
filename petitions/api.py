"""The petitions API (DESIGN.md): list and create, detail, sign and withdraw, a cacheable count."""

import json

from django import forms
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from deputies.models import Maslikhat
from deputies.serializers import MaslikhatRefSerializer
from petitions import access, selectors, services
from petitions.models import Petition
from petitions.tally import COUNT_CACHE_KEY
from portal.api import validation_error_payload
from portal.middleware import client_ip

COUNT_CACHE_SECONDS = 10


class PetitionSerializer(serializers.ModelSerializer):
    maslikhat = MaslikhatRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    deadline = serializers.DateField(read_only=True)
    nonresident_signature_count = serializers.IntegerField(read_only=True)
    answer_overdue = serializers.BooleanField(source="answer_is_overdue", read_only=True)
    url = serializers.CharField(source="get_absolute_url", read_only=True)

    class Meta:
        model = Petition
        fields = [
            "id",
            "title",
            "topic",
            "status",
            "status_label",
            "maslikhat",
            "signature_count",
            "resident_signature_count",
            "nonresident_signature_count",
            "threshold",
            "support_gate",
            "deadline",
            "published_at",
            "opened_at",
            "collection_ends",
            "threshold_reached_at",
            "answer_due",
            "answer_overdue",
            "answered_at",
            "url",
        ]


class PetitionDetailSerializer(PetitionSerializer):
    text = serializers.SerializerMethodField()
    rejection = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()
    districts = serializers.SerializerMethodField()

    class Meta(PetitionSerializer.Meta):
        fields = [*PetitionSerializer.Meta.fields, "text", "rejection", "answer", "districts", "last_tallied_at"]

    def get_text(self, obj) -> str:
        return obj.text if access.may_view_text(self.context["request"].user, obj) else ""

    def get_rejection(self, obj) -> dict | None:
        if obj.status != Petition.Status.REJECTED:
            return None
        return {
            "category": obj.rejection_category,
            "category_label": obj.rejection_category_label,
            "reason": obj.rejection_reason,
        }

    def get_answer(self, obj) -> dict | None:
        if obj.status != Petition.Status.ANSWERED:
            return None
        return {
            "text": obj.answer_text,
            "answered_at": obj.answered_at,
            "attachments": [
                {"name": a.original_name, "url": a.file.url, "size": a.size} for a in obj.answer_attachments.all()
            ],
        }

    def get_districts(self, obj) -> list[dict]:
        if not obj.published_at:
            return []
        return [
            {
                "district": {"id": row["district"].pk, "number": row["district"].number, "name": row["district"].name},
                "signatures": row["signatures"],
            }
            for row in selectors.petition_district_counts(obj)
        ]


class PetitionCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    text = serializers.CharField(max_length=10000)
    maslikhat = serializers.SlugRelatedField(slug_field="code", queryset=Maslikhat.objects.select_related("unit"))
    topic = serializers.ChoiceField(choices=Petition.Topic.choices, default=Petition.Topic.OTHER)


class SignSerializer(serializers.Serializer):
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    is_citizen = serializers.BooleanField(required=False, allow_null=True, default=None)
    website = serializers.CharField(required=False, allow_blank=True, default="")


class PetitionListCreate(generics.ListCreateAPIView):
    serializer_class = PetitionSerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.petition_list(
            maslikhat=params.get("maslikhat", ""),
            status=params.get("status", ""),
            topic=params.get("topic", ""),
            sort=params.get("sort", "popular"),
            q=params.get("q", ""),
        )

    @extend_schema(request=PetitionCreateSerializer, responses={201: PetitionDetailSerializer})
    def post(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise NotAuthenticated(_("Sign in first."))
        data = PetitionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        petition = services.petition_create(author=request.user, **data.validated_data)
        return Response(
            PetitionDetailSerializer(petition, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


class PetitionDetail(APIView):
    @extend_schema(responses=PetitionDetailSerializer)
    def get(self, request, pk):
        petition = access.access_petition_for_viewer(request.user, pk, request.query_params.get("link", ""))
        return Response(PetitionDetailSerializer(petition, context={"request": request}).data)


class _SignBody(forms.Form):
    """The sign body (SignSerializer's fields), validated without DRF on the hot path."""

    address = forms.CharField(max_length=200, required=False)
    is_citizen = forms.NullBooleanField(required=False)
    website = forms.CharField(required=False)
    link = forms.CharField(required=False, max_length=100)


def _csrf_refusal(request) -> str | None:
    """DRF's SessionAuthentication.enforce_csrf, for the view that bypasses DRF."""
    from django.middleware.csrf import CsrfViewMiddleware

    class Check(CsrfViewMiddleware):
        def _reject(self, request, reason):
            return reason

    check = Check(lambda _request: None)
    check.process_request(request)
    return check.process_view(request, None, (), {})


class PetitionSign(APIView):
    """Sign. The surge's endpoint: POST skips DRF's request wrapping, content negotiation,
    authentication and throttle classes, parsers and renderer (the same checks, done directly:
    session user, CSRF, a form for the two-field body, JSON out); the class stays an APIView so the
    OpenAPI document describes it. The limits are the petition's rules (per account, per network),
    applied by the service."""

    throttle_classes: list = []

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            return self._sign(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _sign(request, pk):
        user = request.user
        if not user.is_authenticated:
            return JsonResponse({"detail": _("Sign in first.")}, status=403)
        refused = _csrf_refusal(request)
        if refused:
            return JsonResponse({"detail": f"CSRF Failed: {refused}"}, status=403)
        if request.content_type == "application/json":
            try:
                data = json.loads(request.body or b"{}")
            except ValueError:
                data = None
            if not isinstance(data, dict):
                return JsonResponse({"detail": _("Please correct the errors below.")}, status=400)
        else:
            data = request.POST
        body = _SignBody(data)
        if not body.is_valid():
            return JsonResponse(validation_error_payload(ValidationError(body.errors.as_data())), status=400)
        try:
            result = services.petition_sign_for_signing(
                user,
                pk,
                request.GET.get("link", "") or body.cleaned_data["link"],
                address=body.cleaned_data["address"] or None,
                is_citizen=body.cleaned_data["is_citizen"],
                ip=client_ip(request),
                honeypot=body.cleaned_data["website"],
            )
        except Http404:
            return JsonResponse({"detail": _("Not found.")}, status=404)
        except services.SigningRateLimited as error:
            return JsonResponse({"detail": error.message}, status=429)
        except ValidationError as error:
            return JsonResponse(validation_error_payload(error), status=400)
        except PermissionDenied as error:
            return JsonResponse({"detail": str(error)}, status=403)
        signature = result.signature
        payload = {
            "status": "signed" if result.created else "already_signed",
            "detail": _("Thank you: your signature is recorded.")
            if result.created
            else _("You have already signed this petition."),
            "signature": {"id": signature.pk, "is_resident": signature.is_resident, "district": result.district_number},
        }
        return JsonResponse(payload, status=201 if result.created else 200)

    @extend_schema(request=SignSerializer, responses={201: dict, 200: dict})
    def post(self, request, pk):  # the schema's; dispatch answers POST with _sign
        return self._sign(request._request, pk)


class PetitionUnsign(APIView):
    throttle_classes: list = []

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        if not request.user.is_authenticated:
            raise NotAuthenticated(_("Sign in first."))
        petition = access.access_petition_for_viewer(request.user, pk, request.query_params.get("link", ""))
        if not services.petition_unsign(petition=petition, user=request.user):
            raise NotFound(_("You have not signed this petition."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PetitionCount(APIView):
    """The number people reload during a surge: the JSON bytes from the cache, publicly cacheable.
    GET skips DRF's request wrapping, negotiation and renderer (the class stays an APIView for the
    OpenAPI document)."""

    throttle_classes: list = []
    authentication_classes: list = []

    def dispatch(self, request, *args, **kwargs):
        if request.method == "GET":
            return self._count(kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def _count(pk):
        from django.http import HttpResponse

        key = COUNT_CACHE_KEY.format(pk)
        body = cache.get(key)
        if body is None:
            petition = (
                Petition.objects.listed()
                .filter(pk=pk)
                .values("id", "status", "signature_count", "resident_signature_count", "threshold", "last_tallied_at")
                .first()
            )
            if petition is None:
                return JsonResponse({"detail": _("Not found.")}, status=404)
            body = json.dumps(
                {
                    **petition,
                    "last_tallied_at": petition["last_tallied_at"].isoformat() if petition["last_tallied_at"] else None,
                },
                separators=(",", ":"),
            ).encode()
            cache.set(key, body, COUNT_CACHE_SECONDS)
        response = HttpResponse(body, content_type="application/json")
        response["Cache-Control"] = f"public, max-age={COUNT_CACHE_SECONDS}"
        return response

    @extend_schema(responses=dict)
    def get(self, request, pk):  # the schema's; dispatch answers GET with _count
        return self._count(pk)
