"""The petitions API (DESIGN.md): list and create, detail, sign (online or with EDS) and withdraw, a
cacheable count."""

import base64
import json
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotAuthenticated, NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from deputies.models import Maslikhat
from deputies.serializers import MaslikhatRefSerializer
from petitions import access, eds_signing, hot_reads, selectors, services, signing, watch
from petitions.models import Petition
from petitions.signer_identity import IinTaken
from portal import signer_card
from portal.api import validation_error_payload
from portal.eds import EdsError
from portal.middleware import client_ip, officials_mfa_refusal


class PetitionSerializer(serializers.ModelSerializer):
    maslikhat = MaslikhatRefSerializer(read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    deadline = serializers.DateField(read_only=True)
    # True when the date comes from a term not confirmed from the law's text (docs/petitions-legal.md).
    deadline_unconfirmed = serializers.BooleanField(read_only=True)
    answer_due_unconfirmed = serializers.BooleanField(read_only=True, allow_null=True)
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
            "deadline_unconfirmed",
            "published_at",
            "opened_at",
            "collection_ends",
            "threshold_reached_at",
            "answer_due",
            "answer_due_unconfirmed",
            "answer_overdue",
            "answered_at",
            "url",
        ]


class PetitionDetailSerializer(PetitionSerializer):
    text = serializers.SerializerMethodField()
    rejection = serializers.SerializerMethodField()
    answer = serializers.SerializerMethodField()
    districts = serializers.SerializerMethodField()

    route = serializers.SerializerMethodField()
    online_signature_count = serializers.IntegerField(read_only=True)
    delivery_notice = serializers.SerializerMethodField()

    class Meta(PetitionSerializer.Meta):
        fields = [
            *PetitionSerializer.Meta.fields,
            "text",
            "rejection",
            "answer",
            "districts",
            "last_tallied_at",
            "route",
            "delivered_at",
            "answer_extended_to",
            "paper_signature_count",
            "eds_signature_count",
            "online_signature_count",
            "delivery_notice",
        ]

    def get_route(self, obj) -> dict | None:
        """What the route the petition goes (or went) by gives, said exactly (docs/petitions-legal.md)."""
        from petitions.templatetags.petition_tags import petition_route

        route = petition_route(petition=obj)
        if route is None:
            return None
        return {
            "route": route.route,
            "label": route.get_route_display(),
            "summary": selectors.route_summary(route),
            "legal_reference": route.legal_reference,
            "effective_from": route.effective_from,
            "answer_working_days": route.answer_working_days if route.is_appeal else None,
            "extended_working_days": route.extended_working_days if route.is_appeal else None,
            "answer_term_unconfirmed": route.answer_term_unconfirmed if route.is_appeal else False,
            "decision_number": route.decision_number,
            "decision_date": route.decision_date,
            "official_portal_url": route.official_portal_url,
            "official_portal_source": route.official_portal_source,
            "official_portal_unconfirmed": route.official_portal_unconfirmed,
        }

    def get_delivery_notice(self, obj) -> dict:
        """What a signature sends to whom, shown before signing; a client sends `"consent": true`."""
        return {
            "text": selectors.delivery_notice(obj),
            "consent_label": selectors.consent_label(obj),
            "maslikhat": obj.maslikhat.name,
            "fields": list(selectors.DELIVERED_FIELDS),
        }

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
            # By law the head of the body answers: the chairperson, or staff on their behalf.
            "signatory": obj.answer_signatory,
            "signatory_deputy": obj.answer_deputy_id,
            "on_behalf": obj.answer_on_behalf,
            "public_discussion": (
                {"held_on": obj.answer_discussion_held_on, "description": obj.answer_discussion}
                if obj.answer_discussion_held_on
                else None
            ),
            "announcement_url": obj.answer_announcement_url,
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
    # The signer's consent to the delivery of their name and district (detail's `delivery_notice`).
    # false is refused under `consent`; omitted (a v1 client), the signature counts but the appeal
    # carries it without the name (docs/api.md).
    consent = serializers.BooleanField(required=False, allow_null=True, default=None)


class EdsSignSerializer(serializers.Serializer):
    """An EDS signature (docs/eds.md): `cms`, a base64 CMS SignedData (attached or detached) over the
    challenge of `GET .../signatures/challenge/`; the IIN and the name come from its certificate."""

    # Base64 of at most portal.eds.MAX_CMS_BYTES (64 KiB), with room for PEM armour and line breaks.
    cms = serializers.CharField(max_length=90000, trim_whitespace=True)
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    consent = serializers.BooleanField(required=False, allow_null=True, default=None)


_SIGNED = inline_serializer(
    "PetitionSigned",
    {
        "status": serializers.ChoiceField(choices=["signed", "already_signed"]),
        "detail": serializers.CharField(),
        "method": serializers.CharField(required=False),
        "signature": inline_serializer(
            "PetitionSignatureReceipt",
            {
                "id": serializers.IntegerField(),
                "is_resident": serializers.BooleanField(),
                "district": serializers.IntegerField(allow_null=True),
                "method": serializers.ChoiceField(choices=["email", "eds", "paper"]),
                "delivery_consent": serializers.BooleanField(),
                "upgraded_from": serializers.CharField(required=False),
            },
        ),
    },
)


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


class PetitionEdsChallenge(APIView):
    """The bytes to sign with EDS for this petition: bound to the account, single-use, expiring."""

    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "PetitionEdsChallenge",
                {"challenge": serializers.CharField(), "expires_at": serializers.DateTimeField()},
            )
        },
    )
    def get(self, request, pk):
        if not request.user.is_authenticated:
            raise NotAuthenticated(_("Sign in first."))
        petition = watch.access_petition_for_signing(request.user, pk, request.query_params.get("link", ""))
        try:
            challenge = eds_signing.petition_eds_challenge(petition=petition, user=request.user)
        except EdsError as error:
            return Response({"detail": error.message, "code": error.code}, status=status.HTTP_400_BAD_REQUEST)
        except ValidationError as error:
            return Response(validation_error_payload(error), status=status.HTTP_400_BAD_REQUEST)
        except PermissionDenied as error:
            return Response({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
        return Response(
            {"challenge": base64.b64encode(challenge.text.encode()).decode(), "expires_at": challenge.expires_at}
        )


def _sign_eds(request, pk) -> Response:
    """`POST .../signatures/` with `cms`: an EDS signature (PetitionSign dispatches here first)."""
    link = request.query_params.get("link", "") or str(request.data.get("link") or "")
    petition = watch.access_petition_for_signing(request.user, pk, link)
    body = EdsSignSerializer(data=request.data)
    body.is_valid(raise_exception=True)
    try:
        result = eds_signing.petition_sign_eds(
            petition=petition,
            user=request.user,
            cms=body.validated_data["cms"],
            address=body.validated_data.get("address") or None,
            consent=body.validated_data.get("consent"),
        )
    except IinTaken as error:
        return Response(validation_error_payload(error), status=status.HTTP_409_CONFLICT)
    except eds_signing.EdsRefused as error:
        return Response({**validation_error_payload(error), "code": error.code}, status=status.HTTP_400_BAD_REQUEST)
    except ValidationError as error:
        return Response(validation_error_payload(error), status=status.HTTP_400_BAD_REQUEST)
    except PermissionDenied as error:
        return Response({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
    if not result.created:
        detail = _("You have already signed this petition with your EDS.")
    elif result.previous_method:
        detail = _("Thank you: your signature is now confirmed with your EDS and counted once.")
    else:
        detail = _("Thank you: your signature with your EDS is recorded.")
    payload = _signed(result)
    payload.update(detail=detail, method=result.signature.method)
    payload["signature"]["upgraded_from"] = result.previous_method
    return Response(payload, status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


def _signed(result: signing.SignResult) -> dict:
    signature = result.signature
    return {
        "status": "signed" if result.created else "already_signed",
        "detail": _("Thank you: your signature is recorded.")
        if result.created
        else _("You have already signed this petition."),
        "signature": {
            "id": signature.pk,
            "is_resident": signature.is_resident,
            "district": result.district_number,
            "method": signature.method,
            "delivery_consent": signature.delivery_consent_at is not None,
        },
    }


# The fast path reads the body itself; it knows the serializer's fields, and stands aside when they
# change (tests/petitions/test_sign_fast_path.py fails then, so that the two are brought together).
_FAST_FIELDS = frozenset({"address", "is_citizen", "website", "consent"})
FAST_PATH = set(SignSerializer().fields) == _FAST_FIELDS


def _plain_body(request) -> dict | None:
    """The sign body when it is a JSON object of SignSerializer's fields (and `link`) with plain
    values the serializer would take as they are; None for anything else (DRF answers it)."""
    if request.content_type != "application/json":
        return None
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return None
    if not isinstance(data, dict) or not set(data) <= _FAST_FIELDS | {"link"}:
        return None
    address, citizen, website = data.get("address", ""), data.get("is_citizen"), data.get("website", "")
    if not isinstance(address, str) or len(address.strip()) > 200 or "\x00" in address:
        return None  # null, too long or a NUL: the serializer's own error
    if any(value is not None and not isinstance(value, bool) for value in (citizen, data.get("consent"))):
        return None
    if not isinstance(website, str) or website.strip() or not isinstance(data.get("link", ""), str):
        return None  # the honeypot's answer, and a link that is not a string, the ordinary way
    return {"address": address.strip() or None, "is_citizen": citizen, "consent": data.get("consent")}


def _csrf_passes(request) -> bool:
    """DRF's CSRF check for session authentication (SessionAuthentication.enforce_csrf)."""
    from rest_framework.authentication import CSRFCheck

    check = CSRFCheck(lambda _request: None)
    check.process_request(request)
    return check.process_view(request, None, (), {}) is None


def fast_sign(request, pk: int) -> JsonResponse | None:
    """The common signature in a surge, answered without DRF and without reading the user row: a
    session with a signer card (portal.signer_card), a plain JSON body, a listed petition collecting
    signatures that this process holds a copy of (watch.signing_copy). Two Redis round trips (the
    session; the limits, placement and the copy's token in one script) and one statement (the
    INSERT, which checks the card against the user row). The answers are the ordinary path's; None:
    go the ordinary way (no card, another body, no copy, a stale copy, a card the INSERT refused)."""
    if not FAST_PATH:
        return None
    signer = signer_card.session_signer(request)
    if signer is None:
        return None
    body = _plain_body(request)
    if body is None or not _csrf_passes(request):
        return None
    petition = watch.signing_copy(pk)
    if petition is None:
        return None
    try:
        result = signing.petition_sign(
            petition=petition,
            user=signer,
            address=body["address"],
            is_citizen=body["is_citizen"],
            ip=client_ip(request),
            consent=body["consent"],
            copy_token=petition.signing_token,
        )
    except signing.StaleSigningCopy:
        watch.forget_signing_copy(pk)
        return None
    except signing.SignerCardRefused:
        request.dauys_signing_counted = True  # the ordinary way must not count it again
        return None
    except signing.SigningRateLimited as error:
        return JsonResponse({"detail": error.message}, status=status.HTTP_429_TOO_MANY_REQUESTS)
    except ValidationError as error:
        return JsonResponse(validation_error_payload(error), status=status.HTTP_400_BAD_REQUEST)
    except PermissionDenied as error:
        return JsonResponse({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
    return JsonResponse(
        _signed(result),
        status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        json_dumps_params={"ensure_ascii": False, "separators": (",", ":")},  # as DRF's JSONRenderer
    )


class PetitionSign(APIView):
    # The limits are the petition's rules (per account, per network), applied by the service.
    throttle_classes: list = []
    # The officials' MFA requirement is checked here, after the fast path, which serves no official
    # (portal.middleware.OfficialsNeedMFAMiddleware).
    checks_officials_mfa = True

    def dispatch(self, request, *args, **kwargs):
        if request.method == "POST":
            answer = fast_sign(request, kwargs["pk"])
            if answer is not None:
                return answer
        refusal = officials_mfa_refusal(request)
        if refusal is not None:
            return refusal
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(
        request=PolymorphicProxySerializer(
            component_name="PetitionSignRequest",
            serializers=[SignSerializer, EdsSignSerializer],
            resource_type_field_name=None,
        ),
        responses={201: _SIGNED, 200: _SIGNED},
        description=(
            "Sign online (`address`, `is_citizen`, `consent`) or, with `cms`, with EDS: a CMS SignedData "
            "over the challenge of `GET .../signatures/challenge/` (docs/eds.md). EDS faults are 400 under "
            "`cms` with `code`; an IIN another account signed with is 409 under `iin`."
        ),
    )
    def post(self, request, pk):
        if not request.user.is_authenticated:
            raise NotAuthenticated(_("Sign in first."))
        if isinstance(request.data, Mapping) and "cms" in request.data:
            return _sign_eds(request, pk)
        signer_card.remember(request, request.user)
        petition = watch.access_petition_for_signing(
            request.user, pk, request.query_params.get("link", "") or request.data.get("link", "")
        )
        body = SignSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        try:
            result = signing.petition_sign(
                petition=petition,
                user=request.user,
                address=body.validated_data.get("address") or None,
                is_citizen=body.validated_data.get("is_citizen"),
                ip=client_ip(request),
                honeypot=body.validated_data.get("website", ""),
                consent=body.validated_data.get("consent"),
                limits_counted=getattr(request, "dauys_signing_counted", False),
            )
        except signing.SigningRateLimited as error:
            return Response({"detail": error.message}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        except ValidationError as error:
            return Response(validation_error_payload(error), status=status.HTTP_400_BAD_REQUEST)
        except PermissionDenied as error:
            return Response({"detail": str(error)}, status=status.HTTP_403_FORBIDDEN)
        return Response(_signed(result), status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK)


class PetitionUnsign(APIView):
    throttle_classes: list = []

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        if not request.user.is_authenticated:
            raise NotAuthenticated(_("Sign in first."))
        petition = access.access_petition_for_viewer(request.user, pk, request.query_params.get("link", ""))
        if not signing.petition_unsign(petition=petition, user=request.user):
            raise NotFound(_("You have not signed this petition."))
        return Response(status=status.HTTP_204_NO_CONTENT)


class PetitionCount(APIView):
    """The number people reload during a surge: served from the cache, publicly cacheable."""

    throttle_classes: list = []
    authentication_classes: list = []

    def dispatch(self, request, *args, **kwargs):
        # A cached count is answered without DRF's request and response machinery (a missing
        # petition, and every other method, go through it).
        if request.method == "GET":
            payload = watch.petition_count(kwargs["pk"])
            if payload is not None:
                return hot_reads.count_response(payload)
        return super().dispatch(request, *args, **kwargs)

    @extend_schema(responses=dict)
    def get(self, request, pk):
        payload = watch.petition_count(pk)
        if payload is None:
            raise NotFound(_("Not found."))
        response = Response(payload)
        response["Cache-Control"] = f"public, max-age={watch.COUNT_CACHE_SECONDS}"
        return response
