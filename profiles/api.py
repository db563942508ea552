"""JSON API of the profiles app (/api/v1/): thin views over the same services and selectors as the web."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.common.api import error_responses
from marketplace.common.api_input import AmountField, JSONInputSerializer
from marketplace.common.api_schema import DECIMAL, NOT_BLANK, documented
from marketplace.common.errors import NotFound
from profiles import api_tokens, selectors, services
from profiles.models import Availability, FreelancerProfile, Municipality


class MunicipalitySerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="get_region_display", read_only=True)

    class Meta:
        model = Municipality
        fields = ["id", "name", "region", "region_name", "latitude", "longitude", "population"]


class ProfileSerializer(serializers.ModelSerializer):
    """Output shape of a freelancer profile."""

    skills = serializers.SerializerMethodField()
    municipality = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    municipality_detail = MunicipalitySerializer(source="municipality", read_only=True, allow_null=True)
    avatar_url = serializers.SerializerMethodField()

    class Meta:
        model = FreelancerProfile
        fields = [
            "id",
            *services.PROFILE_FIELDS,
            "municipality_detail",
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


class ProfileInputSerializer(JSONInputSerializer):
    """What a client may send; types are checked by the service, which owns every rule and message."""

    display_name = documented(
        serializers.CharField(required=False, trim_whitespace=False),
        {"type": "string", "maxLength": 80, "pattern": NOT_BLANK},
    )
    headline = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    bio = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    skills = documented(
        serializers.ListField(child=serializers.CharField(allow_blank=True), required=False),
        {"type": "array", "maxItems": services.MAX_SKILLS, "items": {"type": "string", "maxLength": 60}},
    )
    hourly_rate = documented(
        AmountField(
            required=False,
            allow_null=True,
            allow_blank=True,
            help_text=_("Montant en $ CA ; null = « à discuter »."),
        ),
        {"anyOf": [*DECIMAL["anyOf"], {"type": "string", "maxLength": 0}]},
    )
    languages = documented(
        serializers.ListField(child=serializers.CharField(allow_blank=True), required=False),
        # Codes among the site's languages (an empty one is skipped).
        {"type": "array", "items": {"type": "string", "enum": ["", *sorted(services.LANGUAGE_CODES)]}},
    )
    availability = serializers.ChoiceField(choices=Availability.choices, required=False)
    available_from = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    remote = serializers.BooleanField(required=False)
    municipality = serializers.IntegerField(required=False, allow_null=True)
    travel_radius_km = documented(
        serializers.IntegerField(required=False),
        {"type": "integer", "minimum": 0, "maximum": services.MAX_TRAVEL_RADIUS_KM},
    )


class ProfileCreateInputSerializer(ProfileInputSerializer):
    """A new profile: its public name at least."""

    display_name = documented(
        serializers.CharField(trim_whitespace=False), {"type": "string", "maxLength": 80, "pattern": NOT_BLANK}
    )


def _profile_input(request) -> dict:
    serializer = ProfileInputSerializer(data=request.data, partial=True)
    serializer.is_valid(raise_exception=True)
    # Only keys the client actually sent: the service leaves the others as they are.
    return {key: serializer.validated_data[key] for key in serializer.validated_data if key in request.data}


def _profile_response(profile_id: int, request, *, status_code: int = status.HTTP_200_OK) -> Response:
    # Read back through the selector so the answer has the same shape (and prefetches) as GET.
    profile = selectors.freelancer_get(profile_id=profile_id, viewer=request.user)
    return Response(ProfileSerializer(profile, context={"request": request}).data, status=status_code)


class FreelancerDetailApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=ProfileSerializer, summary="Profil public d'un pigiste")
    def get(self, request, pk: int):
        return _profile_response(pk, request)


class MyProfileApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: ProfileSerializer, **error_responses(404)}, summary="Mon profil de pigiste")
    def get(self, request):
        profile = FreelancerProfile.objects.filter(user=request.user).values_list("pk", flat=True).first()
        if profile is None:
            raise NotFound(_("Vous n'avez pas encore de profil de pigiste."))
        return _profile_response(profile, request)

    @extend_schema(
        request=ProfileCreateInputSerializer,
        responses={201: ProfileSerializer, **error_responses(409)},
        summary="Créer mon profil de pigiste",
        description="409 when the caller already has one (change it with PATCH).",
    )
    def post(self, request):
        profile = services.profile_create(user=request.user, data=_profile_input(request))
        return _profile_response(profile.pk, request, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        request=ProfileInputSerializer,
        responses={200: ProfileSerializer, **error_responses(404)},
        summary="Modifier mon profil de pigiste",
        description="Changes only the fields sent; 404 until the profile is created (POST).",
    )
    def patch(self, request):
        profile = services.profile_update(user=request.user, data=_profile_input(request))
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


class TokenObtainInput(JSONInputSerializer):
    email = serializers.CharField(max_length=254)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})


class TokenOut(serializers.Serializer):
    token = serializers.CharField(help_text="Send it as `Authorization: Token <token>`.")
    created = serializers.DateTimeField()


class ApiTokenApi(APIView):
    """POST: my personal API token for my e-mail and password. DELETE: revoke it."""

    def get_authenticators(self):
        # POST is how a program signs in: a stale token in its headers must not stop it with a 401 first.
        if getattr(self.request, "method", None) == "POST":  # no request while the schema is generated
            return []
        return super().get_authenticators()

    def get_permissions(self):
        # Only revoking needs a signed-in member; any other method gets its 405 rather than a 401.
        return [IsAuthenticated()] if getattr(self.request, "method", None) == "DELETE" else [AllowAny()]

    @extend_schema(
        request=TokenObtainInput,
        responses={200: TokenOut, 201: TokenOut, **error_responses(400, 403, 429)},
        auth=[],
        summary="Obtenir mon jeton d'API",
        description=(
            "Returns the member's token (201 when it was just created, 200 when they already had one). "
            "A wrong password and an unknown e-mail get the same 400. Counted like a login on the site "
            "(per address and per e-mail, 429 past the limit). 403 until the e-mail is confirmed."
        ),
    )
    def post(self, request):
        data = TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        token, created = api_tokens.api_token_obtain(
            request=request._request, email=data.validated_data["email"], password=data.validated_data["password"]
        )
        body = {"token": token.key, "created": token.created.isoformat()}
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(
        responses={204: None, **error_responses(401)},
        summary="Révoquer mon jeton d'API",
        description="Deletes the caller's token (if any); requests carrying it get 401 from now on.",
    )
    def delete(self, request):
        api_tokens.api_token_revoke(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
