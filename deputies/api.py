"""Public JSON API of the deputies app (DESIGN.md): representatives, maslikhats, deputies.
Thin: parse, call a selector, serialise."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from deputies import selectors
from deputies.models import Deputy, ElectoralDistrict, Maslikhat
from deputies.serializers import DistrictRefSerializer, MaslikhatRefSerializer
from portal.api_extensions import detail_fields


class DistrictSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    maslikhat = MaslikhatRefSerializer(read_only=True)
    url = serializers.SerializerMethodField()
    is_demo = serializers.BooleanField(read_only=True)
    convocation = serializers.IntegerField(
        source="convocation.number", read_only=True, help_text="The boundary generation."
    )

    class Meta:
        model = ElectoralDistrict
        fields = ["id", "number", "name", "maslikhat", "convocation", "url", "is_demo"]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class RepresentativeSerializer(serializers.ModelSerializer):
    maslikhat = MaslikhatRefSerializer(read_only=True)
    district = DistrictRefSerializer(read_only=True, allow_null=True)
    url = serializers.SerializerMethodField()
    photo = serializers.SerializerMethodField()

    class Meta:
        model = Deputy
        fields = [
            "id",
            "full_name",
            "maslikhat",
            "mandate",
            "district",
            "party",
            "role",
            "status",
            "photo",
            "url",
            "is_demo",
        ]

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()

    def get_photo(self, obj) -> str | None:
        return obj.photo.url if obj.photo else None


class VacantSeatSerializer(serializers.Serializer):
    maslikhat = MaslikhatRefSerializer(source="district.maslikhat")
    district = DistrictRefSerializer()
    former = serializers.SerializerMethodField()

    def get_former(self, seat) -> dict | None:
        if seat.former is None:
            return None
        return {
            "id": seat.former.pk,
            "full_name": seat.former.full_name,
            "status": seat.former.status,
            "status_changed_on": seat.former.status_changed_on,
            "url": seat.former.get_absolute_url(),
        }


class MatchSerializer(serializers.Serializer):
    address = serializers.CharField(source="match.label")
    districts = DistrictSerializer(source="match.districts", many=True)
    representatives = RepresentativeSerializer(many=True)
    vacant_seats = VacantSeatSerializer(many=True)


class SuggestionSerializer(serializers.Serializer):
    address = serializers.CharField(source="*")


class RepresentativesSerializer(serializers.Serializer):
    matches = MatchSerializer(many=True)
    hint = serializers.CharField()
    on = serializers.DateField(help_text="The day whose district generation answered.")
    suggestions = SuggestionSerializer(many=True, help_text="Known addresses close to the text, when nothing matches.")


@extend_schema(
    tags=["representatives"],
    summary="Who represents an address or a map point",
    description=(
        "Resolve a typed address (settlement, street, house, in Kazakh, Russian or Latin letters) or a point "
        "to the electoral districts at every level and their deputies: the single-mandate deputy of each "
        "maslikhat and the party-list deputies of the oblast or city maslikhat. Several matches where the "
        "address is ambiguous; `matches: []`, a `hint` and up to five `suggestions` (known addresses close "
        'to the text: "did you mean") where nothing matches; 400 with a translated `detail` for malformed input.'
    ),
    parameters=[
        OpenApiParameter("address", OpenApiTypes.STR, description="e.g. `Алматы, Абая 10` (at most 200 characters)"),
        OpenApiParameter("lat", OpenApiTypes.NUMBER, description="latitude (with lon), WGS 84"),
        OpenApiParameter("lon", OpenApiTypes.NUMBER, description="longitude (with lat), WGS 84"),
        OpenApiParameter(
            "on",
            OpenApiTypes.DATE,
            description="YYYY-MM-DD: the district generation (convocation) in force that day (default today)",
        ),
    ],
    responses={200: RepresentativesSerializer, 400: inline_serializer("Error", {"detail": serializers.CharField()})},
    examples=[
        OpenApiExample(
            "not found",
            value={
                "matches": [],
                "hint": "We could not find this street. ...",
                "suggestions": [{"address": "Алматы, пр. Абылай хана 15"}],
            },
            response_only=True,
        )
    ],
)
class RepresentativesView(APIView):
    def get(self, request):
        address = request.query_params.get("address")
        lat, lon = request.query_params.get("lat"), request.query_params.get("lon")
        on = selectors.parse_on(request.query_params.get("on", "")[:20])
        if address is not None:
            answer = selectors.representatives_for_address(address, on=on)
        elif lat is not None or lon is not None:
            answer = selectors.representatives_for_point(lat, lon, on=on)
        else:
            raise ValidationError(_("Give an address, or a latitude and a longitude."))
        return Response(RepresentativesSerializer(answer).data)


class AddressSuggestionsView(APIView):
    @extend_schema(
        tags=["representatives"],
        summary="Settlement and street names that start like the text (autocomplete)",
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="what has been typed, e.g. `Алматы, Абыл`")],
        responses=inline_serializer(
            "Suggestions", {"suggestions": serializers.ListField(child=serializers.CharField())}
        ),
    )
    def get(self, request):
        return Response({"suggestions": selectors.address_suggestions(request.query_params.get("q", ""))})


# ------------------------------------------------------------------------------
# Maslikhats
# ------------------------------------------------------------------------------
class MaslikhatSerializer(serializers.ModelSerializer):
    name = serializers.CharField(read_only=True)
    region = serializers.SerializerMethodField()
    parent = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()
    deputy_count = serializers.IntegerField(read_only=True)
    district_count = serializers.IntegerField(read_only=True)
    electoral_system = serializers.ChoiceField(
        source="current_system",
        choices=Maslikhat.ElectoralSystem.choices,
        read_only=True,
        help_text="The electoral system of the convocation in force today.",
    )

    class Meta:
        model = Maslikhat
        fields = [
            "id",
            "code",
            "name",
            "name_kk",
            "name_ru",
            "name_en",
            "level",
            "electoral_system",
            "region",
            "parent",
            "seats",
            "deputy_count",
            "district_count",
            "url",
        ]

    def _region_unit(self, obj):
        unit = obj.unit
        return unit.parent if obj.level == Maslikhat.Level.DISTRICT and unit.parent_id else unit

    def get_region(self, obj) -> dict:
        unit = self._region_unit(obj)
        return {"code": unit.code, "name": unit.name}

    def get_parent(self, obj) -> dict | None:
        parent = obj.parent
        return {"id": parent.pk, "code": parent.code} if parent else None

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class CommissionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    members = serializers.SerializerMethodField()

    def get_members(self, commission) -> list[dict]:
        return [
            {"id": m.deputy_id, "full_name": m.deputy.full_name, "is_chair": m.is_chair}
            for m in commission.memberships.all()
        ]


class MaslikhatDetailSerializer(MaslikhatSerializer):
    contacts = serializers.SerializerMethodField()
    composition = serializers.SerializerMethodField()
    chair = serializers.SerializerMethodField()
    commissions = serializers.SerializerMethodField()
    districts = serializers.SerializerMethodField()
    population = serializers.SerializerMethodField()

    class Meta(MaslikhatSerializer.Meta):
        fields = [
            *MaslikhatSerializer.Meta.fields,
            "population",
            "contacts",
            "composition",
            "chair",
            "commissions",
            "districts",
        ]

    def get_contacts(self, obj) -> dict:
        return {"email": obj.email, "phone": obj.phone, "address": obj.address, "website": obj.website}

    def get_population(self, obj) -> dict:
        """The territory's population with the day it describes and its source; `confirmed` is false
        when no source is recorded, and every value is null when no figure is."""
        unit = obj.unit
        return {
            "figure": unit.population,
            "as_of": unit.population_as_of.isoformat() if unit.population_as_of else None,
            "source": unit.population_source or None,
            "confirmed": unit.population_confirmed,
        }

    def get_composition(self, obj) -> dict:
        composition = self.context["record"]["composition"]
        return {
            "single_mandate": composition.single_mandate,
            "party_list": composition.party_list,
            "vacant_districts": composition.vacant,
            "parties": [
                {"party": p or None, "single_mandate": sm, "party_list": pl} for p, sm, pl in composition.parties
            ],
        }

    def get_chair(self, obj) -> dict | None:
        chair = self.context["record"]["chair"]
        return {"id": chair.pk, "full_name": chair.full_name} if chair else None

    def get_commissions(self, obj) -> list[dict]:
        return CommissionSerializer(self.context["record"]["commissions"], many=True).data

    def get_districts(self, obj) -> list[dict]:
        return [
            {
                "id": d.pk,
                "number": d.number,
                "name": d.name,
                "deputy": {"id": dep.pk, "full_name": dep.full_name} if dep else None,
                "is_demo": d.is_demo,
            }
            for d, dep in self.context["record"]["districts"]
        ]


@extend_schema(tags=["maslikhats"])
class MaslikhatViewSet(viewsets.ReadOnlyModelViewSet):
    """Maslikhats (local representative councils): level, region, parent, seats."""

    serializer_class = MaslikhatSerializer

    def get_queryset(self):
        queryset = selectors.maslikhat_list().select_related("unit__parent__maslikhat")
        level = self.request.query_params.get("level")
        if level in Maslikhat.Level.values:
            queryset = queryset.filter(level=level)
        return queryset

    @extend_schema(parameters=[OpenApiParameter("level", OpenApiTypes.STR, enum=Maslikhat.Level.values)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=MaslikhatDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        maslikhat = self.get_object()
        record = selectors.maslikhat_record(maslikhat)
        return Response(MaslikhatDetailSerializer(maslikhat, context={"request": request, "record": record}).data)


# ------------------------------------------------------------------------------
# Deputies
# ------------------------------------------------------------------------------
class DeputySerializer(RepresentativeSerializer):
    class Meta(RepresentativeSerializer.Meta):
        fields = RepresentativeSerializer.Meta.fields


class DeputyDetailSerializer(RepresentativeSerializer):
    biography = serializers.CharField(read_only=True)
    commissions = serializers.SerializerMethodField()

    class Meta(RepresentativeSerializer.Meta):
        fields = [
            *RepresentativeSerializer.Meta.fields,
            "email",
            "phone",
            "website",
            "reception_hours",
            "biography",
            "elected_on",
            "status_changed_on",
            "commissions",
        ]

    def get_commissions(self, obj) -> list[dict]:
        return [
            {"id": m.commission_id, "name": m.commission.name, "is_chair": m.is_chair}
            for m in obj.memberships  # deputy_get
        ]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        # Fields of the apps above deputies (letters' responsiveness, ...) through portal's registry.
        for name, fn in detail_fields("deputy").items():
            data[name] = fn(instance)
        return data


@extend_schema(tags=["deputies"])
class DeputyViewSet(viewsets.ReadOnlyModelViewSet):
    """Deputies of the maslikhats, with their mandate, district, party and record."""

    serializer_class = DeputySerializer

    def get_queryset(self):
        params = self.request.query_params
        return selectors.deputy_list(
            maslikhat=params.get("maslikhat", "")[:40],
            party=params.get("party", "")[:100],
            mandate=params.get("mandate", ""),
            q=params.get("q", "")[:100],
            status=params.get("status", ""),
        )

    @extend_schema(
        parameters=[
            OpenApiParameter("maslikhat", OpenApiTypes.STR, description="maslikhat code (`kz-75`) or id"),
            OpenApiParameter("party", OpenApiTypes.STR, description="party name; `-` for self-nominated"),
            OpenApiParameter("mandate", OpenApiTypes.STR, enum=Deputy.Mandate.values),
            OpenApiParameter("status", OpenApiTypes.STR, enum=Deputy.Status.values),
            OpenApiParameter("q", OpenApiTypes.STR, description="words of the name"),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(responses=DeputyDetailSerializer)
    def retrieve(self, request, *args, **kwargs):
        try:
            deputy = selectors.deputy_get(int(kwargs["pk"]))
        except (Deputy.DoesNotExist, ValueError):
            from django.http import Http404

            raise Http404 from None
        return Response(DeputyDetailSerializer(deputy, context={"request": request}).data)
