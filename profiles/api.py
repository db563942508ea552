"""JSON API of the profiles app (/api/v1/): thin views over the same services and selectors as the web."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.errors import NotFound
from profiles import selectors, services
from profiles.models import Availability, FreelancerProfile, Municipality


class MunicipalitySerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="get_region_display", read_only=True)

    class Meta:
        model = Municipality
        fields = ["id", "name", "region", "region_name", "latitude", "longitude", "population"]


class ProfileSerializer(serializers.ModelSerializer):
    """Output shape of a freelancer profile."""

    skills = serializers.SerializerMethodField()
    municipality = serializers.PrimaryKeyRelatedField(read_only=True)
    municipality_detail = MunicipalitySerializer(source="municipality", read_only=True)
    avatar_url = serializers.SerializerMethodField()

    class Meta:
        model = FreelancerProfile
        fields = [
            "id",
            "display_name",
            "headline",
            "bio",
            "skills",
            "hourly_rate",
            "languages",
            "availability",
            "available_from",
            "remote",
            "municipality",
            "municipality_detail",
            "travel_radius_km",
            "avatar_url",
            "rating_average",
            "rating_count",
            "completed_projects_count",
        ]
        read_only_fields = fields

    def get_skills(self, profile) -> list[str]:
        return [skill.name for skill in profile.skills.all()]

    def get_avatar_url(self, profile) -> str | None:
        if not profile.avatar_thumbnail:
            return None
        request = self.context.get("request")
        url = profile.avatar_thumbnail.url
        return request.build_absolute_uri(url) if request else url


class ProfileInputSerializer(serializers.Serializer):
    """What a client may send; types are checked by the service, which owns every rule and message."""

    display_name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    headline = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    bio = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    skills = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)
    hourly_rate = serializers.CharField(
        required=False, allow_null=True, allow_blank=True, help_text=_("Montant en $ CA ; null = « à discuter ».")
    )
    languages = serializers.ListField(child=serializers.CharField(), required=False)
    availability = serializers.ChoiceField(choices=Availability.choices, required=False)
    available_from = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    remote = serializers.BooleanField(required=False)
    municipality = serializers.IntegerField(required=False, allow_null=True)
    travel_radius_km = serializers.IntegerField(required=False)


def _profile_response(profile_id: int, request) -> Response:
    # Read back through the selector so the answer has the same shape (and prefetches) as GET.
    profile = selectors.freelancer_get(profile_id=profile_id, viewer=request.user)
    return Response(ProfileSerializer(profile, context={"request": request}).data)


class FreelancerDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ProfileSerializer, summary="Profil public d'un pigiste")
    def get(self, request, pk: int):
        return _profile_response(pk, request)


class MyProfileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=ProfileSerializer, summary="Mon profil de pigiste")
    def get(self, request):
        profile = FreelancerProfile.objects.filter(user=request.user).values_list("pk", flat=True).first()
        if profile is None:
            raise NotFound(_("Vous n'avez pas encore de profil de pigiste."))
        return _profile_response(profile, request)

    @extend_schema(
        request=ProfileInputSerializer,
        responses=ProfileSerializer,
        summary="Créer ou modifier mon profil de pigiste",
        description="Crée le profil s'il n'existe pas encore (display_name est alors obligatoire).",
    )
    def patch(self, request):
        serializer = ProfileInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        # Only keys the client actually sent: the service leaves the others as they are.
        data = {key: serializer.validated_data[key] for key in serializer.validated_data if key in request.data}
        profile = services.profile_save(user=request.user, data=data)
        return _profile_response(profile.pk, request)


class MunicipalitySearchApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Début du nom (accents facultatifs)")],
        responses=inline_serializer("MunicipalitySearchResult", fields={"results": MunicipalitySerializer(many=True)}),
        summary="Autocomplétion des municipalités",
    )
    def get(self, request):
        places = selectors.municipality_search(q=request.query_params.get("q", ""), limit=10)
        return Response({"results": MunicipalitySerializer(places, many=True).data})
