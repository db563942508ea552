"""JSON API of the profiles app (/api/v1/): thin views over the same services and selectors as the web."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.common.api import JSONParser, error_responses
from marketplace.common.api_input import AmountField, JSONInputSerializer
from marketplace.common.api_schema import DECIMAL, NOT_BLANK, documented
from marketplace.common.errors import NotFound, ValidationFailed
from marketplace.common.ratelimit import ratelimit
from profiles import api_tokens, email_preferences, selectors, services
from profiles.hooks import profile_counts
from profiles.models import Availability, DigestFrequency, FreelancerProfile, Municipality, Report


class MrcRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text='Census division number ("14"), or the Répertoire\'s MRC code.')
    name = serializers.CharField()
    slug = serializers.SlugField()


class MunicipalitySerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="get_region_display", read_only=True)
    mrc = MrcRefSerializer(read_only=True, allow_null=True, help_text="The MRC or equivalent territory.")
    label = serializers.CharField(
        source="full_label",
        read_only=True,
        help_text="How pages name the place: « Saint-Pascal — Kamouraska, Bas-Saint-Laurent ».",
    )

    class Meta:
        model = Municipality
        fields = ["id", "name", "label", "mrc", "region", "region_name", "latitude", "longitude", "population"]


def _absolute_url(request, field_file) -> str | None:
    """A stored file's address, absolute when the storage gives a path (local media)."""
    if not field_file:
        return None
    url = field_file.url
    return request.build_absolute_uri(url) if request else url


class PortfolioImageSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_url(self, image) -> str:
        return _absolute_url(self.context.get("request"), image.image)

    def get_thumbnail_url(self, image) -> str:
        return _absolute_url(self.context.get("request"), image.thumbnail)


class PortfolioItemSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    images = PortfolioImageSerializer(many=True, source="images.all")
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class ProfileSerializer(serializers.ModelSerializer):
    """Output shape of a freelancer profile."""

    skills = serializers.SerializerMethodField()
    municipality = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    municipality_detail = MunicipalitySerializer(source="municipality", read_only=True, allow_null=True)
    avatar_url = serializers.SerializerMethodField()
    portfolio = PortfolioItemSerializer(many=True, source="portfolio_items.all", read_only=True)
    next_free_week = serializers.SerializerMethodField(
        help_text="Monday of the first week the freelancer is free (null: not available)."
    )
    recommended_by = serializers.SerializerMethodField(
        help_text="Distinct colleagues whose recommendation led this freelancer to quote (never named)."
    )

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
            "portfolio",
            "next_free_week",
            "recommended_by",
        ]
        read_only_fields = fields

    def get_skills(self, profile) -> list[str]:
        return [skill.name for skill in profile.skills.all()]

    def get_next_free_week(self, profile) -> datetime.date | None:
        return selectors.profile_next_free_week(profile)

    def get_recommended_by(self, profile) -> int:
        return profile_counts("recommended_by", profile_ids=[profile.pk]).get(profile.pk, 0)

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
    indexable_by_search_engines = serializers.BooleanField(
        required=False, help_text="False: pages say noindex and the profile leaves the sitemap."
    )
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


# --- Avatar and portfolio (the "Mon profil" and "Mon portfolio" pages) --------------------------------

# Ids are 64-bit: a larger number is a bad input (400), not a lookup.
MAX_ID = 2**63 - 1
_IMAGE_FILE = {"type": "string", "format": "binary", "description": "JPEG, PNG or WebP; judged by its content."}


class AvatarInput(JSONInputSerializer):
    # An empty file too: the image pipeline says what is wrong with it, as on the page.
    avatar = serializers.FileField(allow_empty_file=True)


class AvatarApi(APIView):
    """PUT (multipart `avatar`): replace my profile photo. DELETE: remove it."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request={
            "multipart/form-data": {"type": "object", "properties": {"avatar": _IMAGE_FILE}, "required": ["avatar"]}
        },
        responses={200: ProfileSerializer, **error_responses(404)},
        summary="Changer ma photo de profil",
        description=(
            "The image goes through the same pipeline as on the profile page (format from its content, size "
            "and pixel limits, metadata removed) and counts in the storage quota. 404 until the profile is created."
        ),
    )
    def put(self, request):
        data = AvatarInput(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.profile_update(user=request.user, data={}, avatar=data.validated_data["avatar"])
        return _profile_response(profile.pk, request)

    @extend_schema(
        responses={200: ProfileSerializer, **error_responses(404)},
        summary="Retirer ma photo de profil",
        description="404 until the profile is created.",
    )
    def delete(self, request):
        profile = services.profile_avatar_remove(user=request.user)
        return _profile_response(profile.pk, request)


class PortfolioItemInput(JSONInputSerializer):
    """Types only: the portfolio service checks lengths, limits and images, as for the page's form."""

    # Blank is let through to the service, which refuses it: a form would otherwise read "" as "not sent".
    title = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    images = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False)
    remove_images = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False)


_ITEM_TEXT = {
    "title": {"type": "string", "maxLength": 120, "pattern": NOT_BLANK},
    "description": {"type": "string", "maxLength": 3000},
}
_IMAGES = {"type": "array", "items": _IMAGE_FILE, "maxItems": services.MAX_IMAGES_PER_ITEM}
# A new item: JSON for its text alone, multipart to send its images with it.
_ITEM_CREATE = {
    "application/json": {"type": "object", "properties": _ITEM_TEXT, "required": ["title"]},
    "multipart/form-data": {"type": "object", "properties": {**_ITEM_TEXT, "images": _IMAGES}, "required": ["title"]},
}
# A change of an item's text and removal of some of its images. JSON only: an empty multipart form can't be
# told from a malformed body, so images are added by their own upload (…/images/).
_ITEM_UPDATE = {
    "application/json": {
        "type": "object",
        "properties": {
            **_ITEM_TEXT,
            "remove_images": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                "description": "Ids of the item's images to remove (others are ignored, as on the page).",
            },
        },
    }
}
_IMAGES_ADD = {
    "multipart/form-data": {
        "type": "object",
        "properties": {"images": {**_IMAGES, "minItems": 1}},
        "required": ["images"],
    }
}


def _portfolio_input(request) -> dict:
    serializer = PortfolioItemInput(data=request.data, partial=True)
    serializer.is_valid(raise_exception=True)
    # Only keys the client sent: on an update the others keep their value.
    return {key: value for key, value in serializer.validated_data.items() if key in request.data}


def _item_response(request, item_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
    item = selectors.portfolio_item_get_own(user=request.user, item_id=item_id)
    return Response(PortfolioItemSerializer(item, context={"request": request}).data, status=status_code)


class MyPortfolioApi(APIView):
    """GET: my portfolio. POST: add an item (title, description, images), as "Mon portfolio" does."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser, MultiPartParser]

    @extend_schema(responses=PortfolioItemSerializer(many=True), summary="Mon portfolio")
    def get(self, request):
        profile = selectors.profile_for_user(user=request.user)
        items = profile.portfolio_items.all() if profile else []
        return Response(PortfolioItemSerializer(items, many=True, context={"request": request}).data)

    @extend_schema(
        request=_ITEM_CREATE,
        responses={201: PortfolioItemSerializer},
        summary="Ajouter une réalisation",
        description=(
            f"At most {services.MAX_PORTFOLIO_ITEMS} items and {services.MAX_IMAGES_PER_ITEM} images per item; "
            "images go through the image pipeline and count in the storage quota. 400 until the profile exists."
        ),
    )
    def post(self, request):
        data = _portfolio_input(request)
        images = data.pop("images", [])
        data.pop("remove_images", None)
        item = services.portfolio_item_create(user=request.user, data=data, images=images)
        return _item_response(request, item.pk, status_code=status.HTTP_201_CREATED)


class MyPortfolioItemApi(APIView):
    """One of my portfolio items: read, change (text, images removed), delete. Anyone else's is a 404."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=PortfolioItemSerializer, summary="Une réalisation de mon portfolio")
    def get(self, request, pk: int):
        return _item_response(request, pk)

    @extend_schema(
        request=_ITEM_UPDATE,
        responses={200: PortfolioItemSerializer},
        summary="Modifier une réalisation",
        description="Changes the fields sent and removes `remove_images`, all at once or not at all.",
    )
    def patch(self, request, pk: int):
        # Someone else's item is "not found" before anything is read, as on the page.
        selectors.portfolio_item_get_own(user=request.user, item_id=pk)
        data = _portfolio_input(request)
        data.pop("images", None)
        remove = data.pop("remove_images", [])
        services.portfolio_item_update(user=request.user, item_id=pk, data=data, remove_image_ids=remove)
        return _item_response(request, pk)

    @extend_schema(responses={204: None}, summary="Supprimer une réalisation")
    def delete(self, request, pk: int):
        services.portfolio_item_delete(user=request.user, item_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PortfolioImagesInput(JSONInputSerializer):
    images = serializers.ListField(child=serializers.FileField(allow_empty_file=True), allow_empty=False)


class MyPortfolioItemImagesApi(APIView):
    """POST (multipart `images`): add images to one of my portfolio items, as its edit page does."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        request=_IMAGES_ADD,
        responses={201: PortfolioItemSerializer},
        summary="Ajouter des images à une réalisation",
        description=(
            f"{services.MAX_IMAGES_PER_ITEM} images per item at most; each goes through the image pipeline and "
            "counts in the storage quota. Answers the item with all its images."
        ),
    )
    def post(self, request, pk: int):
        selectors.portfolio_item_get_own(user=request.user, item_id=pk)
        data = PortfolioImagesInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.portfolio_item_update(user=request.user, item_id=pk, data={}, add_images=data.validated_data["images"])
        return _item_response(request, pk, status_code=status.HTTP_201_CREATED)


# --- Reports ("Signaler") -------------------------------------------------------------------------


class ReportInput(JSONInputSerializer):
    kind = documented(
        serializers.ChoiceField(choices=services.REPORT_KINDS), {"type": "string", "enum": list(services.REPORT_KINDS)}
    )
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text="The project, profile or review id.")
    reason = documented(serializers.CharField(), {"type": "string", "enum": list(Report.Reason.values)})
    details = documented(
        serializers.CharField(required=False, allow_blank=True, default="", trim_whitespace=False),
        {"type": "string", "maxLength": 2000},
    )


class ReportOut(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField()
    reason = serializers.CharField()
    details = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReportCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=ReportInput,
        responses={201: ReportOut, **error_responses(403, 404, 409)},
        summary="Signaler un projet, un profil ou une évaluation",
        description=(
            "As the « Signaler » links do: 403 for one's own content, 404 for what doesn't exist or is hidden "
            "already, 409 while the same member's report of it is open; rate limited with the page."
        ),
    )
    @ratelimit(scope="report-create")
    def post(self, request):
        data = ReportInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = services.report_create(
            reporter=request.user,
            kind=values["kind"],
            object_id=values["id"],
            reason=values["reason"],
            details=values["details"],
        )
        body = {
            "kind": values["kind"],
            "id": report.object_id,
            "reason": report.reason,
            "details": report.details,
            "created_at": report.created_at,
        }
        return Response(ReportOut(body).data, status=status.HTTP_201_CREATED)


# --- The account's language ----------------------------------------------------------------------

# What the language switch accepts: a site language, or a variant of one ("fr", "fr-CA", "en-US").
_LANGUAGE_INPUT = {
    "type": "string",
    "pattern": r"^([Ff][Rr]|[Ee][Nn])(-[A-Za-z0-9]{1,8})*$",
    "description": "fr-ca or en; a variant (fr, fr-CA, en-US) is read as its site language.",
}


class LanguageInput(JSONInputSerializer):
    language = documented(serializers.CharField(trim_whitespace=False), _LANGUAGE_INPUT)


class LanguageOut(serializers.Serializer):
    language = documented(
        serializers.CharField(help_text="E-mails and notifications are written in it."),
        {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
    )


class MyLanguageApi(APIView):
    """GET: the language my e-mails and notifications are written in. PUT: change it (the language switch)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=LanguageOut, summary="Ma langue")
    def get(self, request):
        return Response({"language": request.user.language})

    @extend_schema(request=LanguageInput, responses=LanguageOut, summary="Changer ma langue")
    def put(self, request):
        data = LanguageInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = services.account_language_set(user=request.user, language=data.validated_data["language"])
        return Response({"language": user.language})


# --- E-mail preferences ---------------------------------------------------------------------------

_KINDS = [kind for kind, _label in email_preferences.email_kind_choices()]
_FREQUENCY = {"type": "string", "enum": list(DigestFrequency.values)}


class EmailKindOut(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField(help_text="In the request's language.")


class EmailPreferencesInput(JSONInputSerializer):
    kinds = documented(
        serializers.ListField(child=serializers.CharField(allow_blank=True)),
        {"type": "array", "items": {"type": "string", "enum": _KINDS}},
    )
    frequency = documented(serializers.CharField(allow_blank=True), _FREQUENCY)
    # Left out, the current choice stays.
    new_projects = documented(
        serializers.CharField(
            required=False, allow_blank=True, help_text="New projects that fit me: e-mailed at once, daily, never."
        ),
        _FREQUENCY,
    )


class EmailPreferencesOut(serializers.Serializer):
    kinds = documented(
        serializers.ListField(child=serializers.CharField(), help_text="The kinds of e-mail wanted; the rest are off."),
        {"type": "array", "items": {"type": "string", "enum": _KINDS}},
    )
    frequency = documented(serializers.CharField(), _FREQUENCY)
    new_projects = documented(serializers.CharField(), _FREQUENCY)
    available_kinds = EmailKindOut(many=True)


def _preferences_response(prefs) -> Response:
    body = {
        "kinds": email_preferences.email_kinds_enabled(prefs=prefs),
        "frequency": prefs.frequency,
        "new_projects": prefs.new_projects,
        "available_kinds": [
            {"kind": kind, "label": str(label)} for kind, label in email_preferences.email_kind_choices()
        ],
    }
    return Response(EmailPreferencesOut(body).data)


class EmailPreferencesApi(APIView):
    """GET: which e-mails I get and how often. PUT: change both, as « Mes courriels » does."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=EmailPreferencesOut, summary="Mes courriels")
    def get(self, request):
        return _preferences_response(email_preferences.email_preferences_get(user=request.user))

    @extend_schema(request=EmailPreferencesInput, responses=EmailPreferencesOut, summary="Changer mes courriels")
    def put(self, request):
        data = EmailPreferencesInput(data=request.data)
        data.is_valid(raise_exception=True)
        prefs = email_preferences.email_preferences_save(
            user=request.user,
            enabled_kinds=data.validated_data["kinds"],
            frequency=data.validated_data["frequency"],
            new_projects=data.validated_data.get("new_projects"),
        )
        return _preferences_response(prefs)


# --- Booked weeks ---------------------------------------------------------------------------------


class BookedWeeksInput(JSONInputSerializer):
    weeks = documented(
        serializers.ListField(child=serializers.CharField(allow_blank=True)),
        {
            "type": "array",
            "maxItems": services.MAX_WEEKS_AHEAD + 1,
            "items": {"type": "string", "format": "date"},
            "description": "The Monday of each booked week, from the current week to 52 weeks ahead.",
        },
    )


class BookedWeeksOut(serializers.Serializer):
    weeks = serializers.ListField(child=serializers.DateField(), help_text="Mondays, from the current week on.")
    next_free_week = serializers.DateField(allow_null=True)


def _booked_weeks_response(user) -> Response:
    profile = FreelancerProfile.objects.filter(user=user).first()
    if profile is None:
        raise NotFound(_("Vous n'avez pas encore de profil de pigiste."))
    weeks = selectors.booked_weeks_of(user=user)
    next_free = selectors.next_free_week(
        availability=profile.availability, available_from=profile.available_from, booked=weeks
    )
    return Response(BookedWeeksOut({"weeks": weeks, "next_free_week": next_free}).data)


class MyBookedWeeksApi(APIView):
    """GET: the weeks I am booked. PUT: replace them, as « Mon calendrier » does (all or nothing)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        responses={200: BookedWeeksOut, **error_responses(404)},
        summary="Mes semaines réservées",
    )
    def get(self, request):
        return _booked_weeks_response(request.user)

    @extend_schema(
        request=BookedWeeksInput,
        responses={200: BookedWeeksOut, **error_responses(404)},
        summary="Changer mes semaines réservées",
        description="Replaces every booked week from the current one on; a past week, a day that isn't a Monday "
        "or a week more than 52 weeks ahead refuses the whole list (400).",
    )
    def put(self, request):
        data = BookedWeeksInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.booked_weeks_set(user=request.user, weeks=data.validated_data["weeks"])
        return _booked_weeks_response(request.user)


# --- The peer directory ("bottin des travailleurs autonomes") ----------------------------------------------


class PeerOut(serializers.Serializer):
    id = serializers.IntegerField(help_text="The freelancer profile's id.")
    user = serializers.IntegerField(help_text="The freelancer's user id (to open a conversation with them).")
    display_name = serializers.CharField()
    headline = serializers.CharField()
    place = serializers.CharField(allow_null=True, help_text="Municipality — MRC, region.")
    mrc = serializers.CharField(allow_null=True, help_text="The MRC's slug (the `mrc` filter).")
    skills = serializers.ListField(child=serializers.CharField())
    looking_for = serializers.CharField(help_text="Partners, collaborators, replacements… in their words.")
    url = serializers.CharField()


class PeerListOut(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    has_more = serializers.BooleanField()
    results = PeerOut(many=True)


def peer_payload(profile) -> dict:
    place = profile.municipality
    return {
        "id": profile.pk,
        "user": profile.user_id,
        "display_name": profile.display_name,
        "headline": profile.headline,
        "place": place.full_label if place else None,
        "mrc": place.mrc.slug if place and place.mrc_id else None,
        "skills": [skill.name for skill in profile.skills.all()],
        "looking_for": profile.peer_looking_for,
        "url": reverse("freelancer-detail", args=[profile.pk]),
    }


class PeerDirectoryApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("mrc", str, description="An MRC's slug, e.g. kamouraska."),
            OpenApiParameter("skill", str, description="A skill's slug, e.g. developpement-web."),
            OpenApiParameter(
                "page",
                {"type": "integer", "minimum": 1, "maximum": 10_000},
                description=f"{selectors.PEER_PAGE_SIZE} freelancers a page, from 1.",
            ),
        ],
        responses={200: PeerListOut, **error_responses(400, 403)},
        summary="Bottin des travailleurs autonomes",
        description="Freelancers who listed themselves, by name; for freelancers only (403 for anyone else).",
    )
    def get(self, request):
        selectors.peer_directory_access(user=request.user)
        try:
            number = int(request.query_params.get("page", "1"))
        except ValueError:
            number = 0
        if not 1 <= number <= 10_000:
            raise ValidationFailed(_("« page » doit être un nombre entier à partir de 1."), field="page")
        profiles = selectors.peer_directory_list(
            mrc=request.query_params.get("mrc", ""), skill=request.query_params.get("skill", "")
        )
        start = (number - 1) * selectors.PEER_PAGE_SIZE
        page = list(profiles[start : start + selectors.PEER_PAGE_SIZE])
        count = profiles.count()
        return Response(
            {
                "count": count,
                "page": number,
                "has_more": start + len(page) < count,
                "results": [peer_payload(profile) for profile in page],
            }
        )


class PeerListingIn(JSONInputSerializer):
    listed = serializers.BooleanField(help_text="Whether other freelancers find me in the directory.")
    looking_for = documented(
        serializers.CharField(required=False, allow_blank=True, trim_whitespace=False),
        {"type": "string", "maxLength": services.MAX_LOOKING_FOR},
    )


class PeerListingOut(serializers.Serializer):
    listed = serializers.BooleanField()
    looking_for = serializers.CharField()


class MyPeerListingApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses={200: PeerListingOut, **error_responses(404)}, summary="Mon inscription au bottin")
    def get(self, request):
        profile = FreelancerProfile.objects.filter(user=request.user).first()
        if profile is None:
            raise NotFound(_("Vous n'avez pas encore de profil de pigiste."))
        return Response({"listed": profile.in_peer_directory, "looking_for": profile.peer_looking_for})

    @extend_schema(
        request=PeerListingIn,
        responses={200: PeerListingOut, **error_responses(400, 404)},
        summary="M'inscrire au bottin (ou m'en retirer)",
        description="`looking_for` omitted keeps the current text; 404 until the freelancer profile exists.",
    )
    def put(self, request):
        data = PeerListingIn(data=request.data)
        data.is_valid(raise_exception=True)
        profile = services.peer_listing_set(
            user=request.user,
            listed=data.validated_data["listed"],
            looking_for=data.validated_data.get("looking_for"),
        )
        return Response({"listed": profile.in_peer_directory, "looking_for": profile.peer_looking_for})
