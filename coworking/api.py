"""/api/v1/coworking/: propose a space, read one, its managers change it, its photos and its managers, staff approve it.

The list and search of spaces is the search app's /api/v1/search/coworking/ (both backends).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from coworking import selectors, services
from coworking.models import MAX_MBPS, MAX_PRICE, MAX_ROOMS, SpaceStatus
from coworking.permissions import can_manage, space_get_for_manager, space_get_visible
from marketplace.common.api import JSONParser, error_responses
from marketplace.common.api_input import AmountField, JSONInputSerializer
from marketplace.common.api_schema import NOT_BLANK
from marketplace.common.errors import ValidationFailed

MAX_ID = 2**63 - 1


class PhotoSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField(source="image.url")
    thumbnail_url = serializers.SerializerMethodField()
    width = serializers.IntegerField()
    height = serializers.IntegerField()

    def get_thumbnail_url(self, photo) -> str:
        return (photo.thumbnail_jpeg or photo.thumbnail).url


class SpaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=SpaceStatus.choices)
    municipality = serializers.SerializerMethodField()
    address = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True, help_text="Null: the space is never found by distance.")
    longitude = serializers.FloatField(allow_null=True)
    desks = serializers.IntegerField()
    closed_offices = serializers.IntegerField()
    meeting_rooms = serializers.IntegerField()
    has_studio = serializers.BooleanField()
    internet_mbps = serializers.IntegerField(allow_null=True)
    price_hour = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    price_day = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    price_month = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    opening_hours = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    website = serializers.CharField()
    photos = PhotoSerializer(many=True, source="photos.all")
    can_edit = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    def get_municipality(self, space) -> dict | None:
        place = space.municipality
        return None if place is None else {"id": place.pk, "name": place.name, "region": place.region}

    def get_can_edit(self, space) -> bool:
        return can_manage(user=self.context["request"].user, space=space)

    def get_url(self, space) -> str:
        return reverse("coworking-detail", args=[space.slug])


class SpaceInput(JSONInputSerializer):
    """Types only: the service checks lengths, ranges and links, as for the page's form."""

    name = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    municipality = serializers.IntegerField(required=False, allow_null=True)
    address = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    desks = serializers.IntegerField(required=False)
    closed_offices = serializers.IntegerField(required=False)
    meeting_rooms = serializers.IntegerField(required=False)
    has_studio = serializers.BooleanField(required=False)
    internet_mbps = serializers.IntegerField(required=False, allow_null=True)
    price_hour = AmountField(required=False, allow_null=True, allow_blank=True)
    price_day = AmountField(required=False, allow_null=True, allow_blank=True)
    price_month = AmountField(required=False, allow_null=True, allow_blank=True)
    opening_hours = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    email = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    phone = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    website = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    photos = serializers.ListField(child=serializers.FileField(allow_empty_file=True), required=False)


def _count(description: str) -> dict:
    return {"type": "integer", "minimum": 0, "maximum": MAX_ROOMS, "description": description}


def _price(description: str) -> dict:
    return {
        "type": "number",
        "minimum": 0,
        "maximum": MAX_PRICE,
        "multipleOf": 0.01,
        "nullable": True,
        "description": description,
    }


_FIELDS = {
    "name": {"type": "string", "maxLength": 120, "pattern": NOT_BLANK},
    "description": {"type": "string", "maxLength": 3000},
    "municipality": {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_ID,
        "nullable": True,
        "description": "Id of a municipality (/api/v1/municipalities/?q=); its point places the space when "
        "`latitude`/`longitude` are not given.",
    },
    "address": {"type": "string", "maxLength": 200},
    "latitude": {
        "type": "number",
        "minimum": -90,
        "maximum": 90,
        "nullable": True,
        "description": "With `longitude`, or neither.",
    },
    "longitude": {"type": "number", "minimum": -180, "maximum": 180, "nullable": True},
    "desks": _count("Shared desks."),
    "closed_offices": _count("Closed offices."),
    "meeting_rooms": _count("Meeting rooms."),
    "has_studio": {"type": "boolean"},
    "internet_mbps": {
        "type": "integer",
        "minimum": 1,
        "maximum": MAX_MBPS,
        "nullable": True,
        "description": "Download speed, Mbit/s.",
    },
    "price_hour": _price("Price per hour, $."),
    "price_day": _price("Price per day, $."),
    "price_month": _price("Price per month, $."),
    "opening_hours": {"type": "string", "maxLength": 500},
    "email": {"type": "string", "maxLength": 254, "description": "An e-mail address, or empty."},
    "phone": {"type": "string", "maxLength": 30},
    "website": {"type": "string", "maxLength": 300, "description": "An http(s) address, or empty."},
}
_PHOTOS = {
    "type": "array",
    "items": {"type": "string", "format": "binary", "description": "JPEG, PNG or WebP; judged by its content."},
    "maxItems": services.MAX_PHOTOS,
}
# JSON only: in a multipart form every value is text, and a flag or a price would have to be guessed from it.
# Photos follow through `coworking_space_photos_add`.
_PROPOSE = {"application/json": {"type": "object", "properties": _FIELDS, "required": ["name"]}}
_UPDATE = {
    "application/json": {
        "type": "object",
        "properties": {
            **_FIELDS,
            "remove_photos": {
                "type": "array",
                "items": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
                "description": "Ids of the space's photos to remove (others are ignored).",
            },
        },
    }
}
_PHOTOS_ADD = {
    "multipart/form-data": {
        "type": "object",
        "properties": {"photos": {**_PHOTOS, "minItems": 1}},
        "required": ["photos"],
    }
}


class _RemovePhotos(JSONInputSerializer):
    remove_photos = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False)


def _input(request) -> dict:
    serializer = SpaceInput(data=request.data, partial=True)
    serializer.is_valid(raise_exception=True)
    # Only keys the client sent: on an update the others keep their value.
    return {key: value for key, value in serializer.validated_data.items() if key in request.data}


def _space_response(request, slug: str, *, status_code: int = status.HTTP_200_OK) -> Response:
    space = space_get_visible(user=request.user, slug=slug)
    return Response(SpaceSerializer(space, context={"request": request}).data, status=status_code)


class SpaceProposeApi(APIView):
    """Propose a coworking space (it waits for staff's approval; the proposer manages it)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="coworking_space_propose",
        request=_PROPOSE,
        responses={201: SpaceSerializer, **error_responses(409)},
        summary="Proposer un espace de travail partagé",
        description="Listed and searchable once staff approve it. Photos are added next, through "
        f"`POST …/{{slug}}/photos/` (the image pipeline, at most {services.MAX_PHOTOS}, in the proposer's quota).",
    )
    def post(self, request):
        data = _input(request)
        data.pop("photos", None)
        space = services.space_propose(user=request.user, data=data)
        return _space_response(request, space.slug, status_code=status.HTTP_201_CREATED)


class SpaceDetailApi(APIView):
    """A coworking space: anyone once approved; before that its managers and staff only (else 404)."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser]

    def get_permissions(self):
        return [IsAuthenticated()] if self.request.method == "PATCH" else [AllowAny()]

    @extend_schema(
        operation_id="coworking_space_detail", responses={200: SpaceSerializer}, summary="Un espace de travail"
    )
    def get(self, request, slug: str):
        return _space_response(request, slug)

    @extend_schema(
        operation_id="coworking_space_update",
        request=_UPDATE,
        responses={200: SpaceSerializer, **error_responses(403)},
        summary="Modifier un espace (ses gestionnaires)",
        description="Changes the fields sent and removes `remove_photos`, all at once or not at all. "
        "403 for someone who doesn't manage an approved space; 404 for an unapproved one.",
    )
    def patch(self, request, slug: str):
        space = space_get_visible(user=request.user, slug=slug)
        data = _input(request)
        data.pop("photos", None)
        remove = _RemovePhotos(data=request.data)
        remove.is_valid(raise_exception=True)
        services.space_update(
            user=request.user,
            space_id=space.pk,
            data=data,
            remove_photo_ids=remove.validated_data.get("remove_photos", []),
        )
        return _space_response(request, slug)


class SpacePhotosApi(APIView):
    """Add photos to a space (its managers)."""

    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="coworking_space_photos_add",
        request=_PHOTOS_ADD,
        responses={201: SpaceSerializer, **error_responses(403)},
        summary="Ajouter des photos à un espace",
        description=f"At most {services.MAX_PHOTOS} photos per space; all are stored or none.",
    )
    def post(self, request, slug: str):
        space = space_get_visible(user=request.user, slug=slug)
        data = _input(request)
        if not data.get("photos"):
            raise ValidationFailed(_("Ajoutez au moins une photo."), field="photos")
        services.space_photos_change(user=request.user, space_id=space.pk, add=data["photos"])
        return _space_response(request, slug, status_code=status.HTTP_201_CREATED)


class _ReviewApi(APIView):
    permission_classes = [IsAuthenticated]
    decide = None

    def post(self, request, slug: str):
        space = space_get_visible(user=request.user, slug=slug)
        type(self).decide(user=request.user, space_id=space.pk)
        return _space_response(request, slug)


_REVIEW_ERRORS = error_responses(403, 409)


class SpaceApproveApi(_ReviewApi):
    """Staff approve a space: it is listed and searchable, and its proposer is told."""

    decide = staticmethod(services.space_approve)

    @extend_schema(
        operation_id="coworking_space_approve",
        request=None,
        responses={200: SpaceSerializer, **_REVIEW_ERRORS},
        summary="Approuver un espace (équipe)",
        description="403 for anyone but staff; 409 when already approved.",
    )
    def post(self, request, slug: str):
        return super().post(request, slug)


class SpaceRefuseApi(_ReviewApi):
    """Staff refuse a space (or take an approved one out of the directory)."""

    decide = staticmethod(services.space_refuse)

    @extend_schema(
        operation_id="coworking_space_refuse",
        request=None,
        responses={200: SpaceSerializer, **_REVIEW_ERRORS},
        summary="Refuser un espace (équipe)",
        description="403 for anyone but staff; 409 when already refused.",
    )
    def post(self, request, slug: str):
        return super().post(request, slug)


class ManagerSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="public_name")
    is_you = serializers.SerializerMethodField()

    def get_is_you(self, member) -> bool:
        return member.pk == self.context["request"].user.pk


class ManagerAddInput(JSONInputSerializer):
    email = serializers.CharField(max_length=254, trim_whitespace=False)


_MANAGER_ADD = {
    "application/json": {
        "type": "object",
        "properties": {
            "email": {
                "type": "string",
                "maxLength": 254,
                "pattern": NOT_BLANK,
                "description": "The e-mail of an existing member's account.",
            }
        },
        "required": ["email"],
    }
}


def _managers_response(request, space, *, status_code: int = status.HTTP_200_OK) -> Response:
    managers = selectors.space_managers(space=space)
    return Response(ManagerSerializer(managers, many=True, context={"request": request}).data, status=status_code)


class SpaceManagersApi(APIView):
    """A space's managers (for its managers and staff); a manager adds another by e-mail."""

    permission_classes = [IsAuthenticated]
    parser_classes = [JSONParser]

    @extend_schema(
        operation_id="coworking_space_managers_list",
        responses={200: ManagerSerializer(many=True), **error_responses(403)},
        summary="Les gestionnaires d'un espace",
        description="403 for someone who doesn't manage an approved space; 404 for an unapproved one.",
    )
    def get(self, request, slug: str):
        space = space_get_visible(user=request.user, slug=slug)
        space = space_get_for_manager(user=request.user, space_id=space.pk)
        return _managers_response(request, space)

    @extend_schema(
        operation_id="coworking_space_manager_add",
        request=_MANAGER_ADD,
        responses={201: ManagerSerializer(many=True), **error_responses(400, 403, 409)},
        summary="Ajouter un·e gestionnaire à un espace",
        description="Answers the managers, the new one included. 400: no member has this e-mail, or it is "
        "the caller's own; 403: the caller doesn't manage this approved space (404 for an unapproved one); "
        "409: this member already manages the space.",
    )
    def post(self, request, slug: str):
        space = space_get_visible(user=request.user, slug=slug)
        serializer = ManagerAddInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.space_manager_add(user=request.user, space_id=space.pk, email=serializer.validated_data["email"])
        return _managers_response(request, space, status_code=status.HTTP_201_CREATED)


class SpaceManagerLeaveApi(APIView):
    """The caller stops managing the space; the last manager can't."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="coworking_space_manager_leave",
        request=None,
        responses={204: None, **error_responses(403, 409)},
        summary="Ne plus gérer un espace",
        description="403: the caller doesn't manage this approved space (404 for an unapproved one); "
        "409: the caller is the last manager (add another first), or staff who isn't one of its managers.",
    )
    def post(self, request, slug: str):
        space = space_get_visible(user=request.user, slug=slug)
        services.space_manager_leave(user=request.user, space_id=space.pk)
        return Response(status=status.HTTP_204_NO_CONTENT)
