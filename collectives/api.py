"""JSON API of the collectives app (/api/v1/): thin views over the same services and selectors as the web."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from collectives import selectors, services
from collectives.models import Collective, CollectiveKind, CollectiveMembership, MemberRole, MembershipStatus
from marketplace.common.api import error_responses
from marketplace.common.api_input import JSONInputSerializer
from marketplace.common.api_schema import NOT_BLANK, documented
from marketplace.common.errors import NotFound, ValidationFailed
from marketplace.common.ratelimit import ratelimit

# --- Output ----------------------------------------------------------------------------------------------


class CollectivePlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    label = serializers.CharField(source="full_label", help_text="« Saint-Pascal — Kamouraska, Bas-Saint-Laurent »")
    mrc_slug = serializers.SerializerMethodField()

    def get_mrc_slug(self, place) -> str | None:
        return place.mrc.slug if place.mrc_id else None


class CollectiveSerializer(serializers.ModelSerializer):
    municipality = CollectivePlaceSerializer(read_only=True, allow_null=True)
    skills = serializers.SerializerMethodField(help_text="The union of the active members' profile skills.")
    members_count = serializers.SerializerMethodField()

    class Meta:
        model = Collective
        fields = ["id", "slug", "name", "kind", "description", "municipality", "skills", "members_count", "created_at"]
        read_only_fields = fields

    def get_skills(self, collective) -> list[str]:
        return [skill.name for skill in selectors.collective_skills(collective)]

    def get_members_count(self, collective) -> int:
        count = getattr(collective, "active_count", None)
        return count if count is not None else selectors.active_memberships(collective).count()


class MemberSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(source="member_id")
    name = serializers.CharField(source="member.public_name")
    profile_id = serializers.SerializerMethodField()
    role = serializers.ChoiceField(choices=MemberRole.choices)
    joined_at = serializers.DateTimeField(allow_null=True)

    def get_profile_id(self, membership) -> int | None:
        profile = getattr(membership.member, "freelancer_profile", None)
        return profile.pk if profile is not None else None


class MembershipSerializer(serializers.Serializer):
    """One of my memberships or invitations, with its collective."""

    id = serializers.IntegerField()
    collective = CollectiveSerializer()
    role = serializers.ChoiceField(choices=MemberRole.choices)
    status = serializers.ChoiceField(choices=MembershipStatus.choices)
    invited_by = serializers.SerializerMethodField()
    joined_at = serializers.DateTimeField(allow_null=True)
    left_at = serializers.DateTimeField(allow_null=True)

    def get_invited_by(self, membership) -> str | None:
        return membership.invited_by.public_name if membership.invited_by_id else None


# --- Input -----------------------------------------------------------------------------------------------


class CollectiveInputSerializer(JSONInputSerializer):
    name = documented(
        serializers.CharField(required=False, trim_whitespace=False),
        {"type": "string", "maxLength": services.MAX_NAME_LENGTH, "pattern": NOT_BLANK},
    )
    kind = serializers.ChoiceField(choices=CollectiveKind.choices, required=False)
    description = documented(
        serializers.CharField(required=False, allow_blank=True, trim_whitespace=False),
        {"type": "string", "maxLength": services.MAX_DESCRIPTION_LENGTH},
    )
    municipality = serializers.IntegerField(required=False, allow_null=True, help_text="A municipality's id.")


class CollectiveCreateInputSerializer(CollectiveInputSerializer):
    name = documented(
        serializers.CharField(trim_whitespace=False),
        {"type": "string", "maxLength": services.MAX_NAME_LENGTH, "pattern": NOT_BLANK},
    )


class InviteInputSerializer(JSONInputSerializer):
    email = documented(
        serializers.CharField(required=False, help_text="The freelancer's e-mail address."),
        {"type": "string", "maxLength": 254},
    )
    profile_id = serializers.IntegerField(required=False, help_text="The freelancer's profile id.")


class AnswerInputSerializer(JSONInputSerializer):
    accept = serializers.BooleanField(help_text="true joins the collective, false declines.")


class RoleInputSerializer(JSONInputSerializer):
    role = serializers.ChoiceField(choices=MemberRole.choices)


def _input(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data, partial=False)
    serializer.is_valid(raise_exception=True)
    return {key: value for key, value in serializer.validated_data.items() if key in request.data}


def _collective_response(request, slug: str, *, status_code: int = status.HTTP_200_OK) -> Response:
    collective = selectors.collective_detail(slug=slug)
    return Response(CollectiveSerializer(collective, context={"request": request}).data, status=status_code)


_SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, description="The collective's slug.")


# --- Views -----------------------------------------------------------------------------------------------


class CollectiveListCreateApi(GenericAPIView):
    """The directory of collectives (paged); POST creates one whose caller, a freelancer, is the admin."""

    serializer_class = CollectiveSerializer
    queryset = Collective.objects.none()

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="collectives_list",
        summary="Annuaire des collectifs",
        parameters=[
            OpenApiParameter("mrc", str, description="An MRC's slug (e.g. kamouraska)."),
            OpenApiParameter("kind", str, enum=CollectiveKind.values),
            OpenApiParameter("q", str, description="Words of the name or description."),
        ],
        responses={200: CollectiveSerializer(many=True), **error_responses(400, 401)},
    )
    def get(self, request):
        params = request.query_params
        # Given but empty is refused too: the schema's enum has no "" (leave the parameter out for every kind).
        if "kind" in params and params["kind"] not in CollectiveKind.values:
            raise ValidationFailed(services.UNKNOWN_KIND, field="kind")
        collectives = selectors.collectives_list(
            mrc=params.get("mrc") or None, kind=params.get("kind") or None, q=params.get("q") or None
        )
        page = self.paginate_queryset(collectives)
        return self.get_paginated_response(CollectiveSerializer(page, many=True).data)

    @extend_schema(
        operation_id="collectives_create",
        summary="Créer un collectif",
        request=CollectiveCreateInputSerializer,
        responses={201: CollectiveSerializer, **error_responses(400, 401, 403)},
    )
    @ratelimit(scope="collective-create")
    def post(self, request):
        data = _input(CollectiveCreateInputSerializer, request)
        collective = services.collective_create(creator=request.user, **data)
        return _collective_response(request, collective.slug, status_code=status.HTTP_201_CREATED)


class CollectiveDetailApi(APIView):
    """One collective; its admins change it (PATCH)."""

    def get_permissions(self):
        return [AllowAny()] if self.request.method == "GET" else [IsAuthenticated()]

    @extend_schema(
        operation_id="collectives_retrieve",
        summary="Un collectif",
        parameters=[_SLUG],
        responses={200: CollectiveSerializer, **error_responses(401, 404)},
    )
    def get(self, request, slug: str):
        return _collective_response(request, slug)

    @extend_schema(
        operation_id="collectives_update",
        summary="Modifier un collectif",
        parameters=[_SLUG],
        request=CollectiveInputSerializer,
        responses={200: CollectiveSerializer, **error_responses(400, 401, 403, 404)},
    )
    def patch(self, request, slug: str):
        collective = selectors.collective_detail(slug=slug)
        services.collective_update(
            collective=collective, by=request.user, data=_input(CollectiveInputSerializer, request)
        )
        return _collective_response(request, slug)


class CollectiveMembersApi(APIView):
    """The collective's active members, admins first."""

    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="collectives_members_list",
        summary="Membres d'un collectif",
        parameters=[_SLUG],
        responses={200: MemberSerializer(many=True), **error_responses(401, 404)},
    )
    def get(self, request, slug: str):
        collective = selectors.collective_detail(slug=slug)
        return Response(MemberSerializer(selectors.active_memberships(collective), many=True).data)


class CollectiveInviteApi(APIView):
    """An admin invites a freelancer, named by e-mail address or profile id."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="collectives_invite",
        summary="Inviter un pigiste",
        parameters=[_SLUG],
        request=InviteInputSerializer,
        responses={201: MembershipSerializer, **error_responses(400, 401, 403, 404, 409, 429)},
        description="Give `email` or `profile_id`. 404: no freelancer matches; 409: already a member or invited.",
    )
    @ratelimit(scope="collective-invite")
    def post(self, request, slug: str):
        collective = selectors.collective_detail(slug=slug)
        data = _input(InviteInputSerializer, request)
        if "email" in data:
            member = selectors.invitee_find(text=data["email"] if "@" in data["email"] else "")
        elif "profile_id" in data:
            member = selectors.invitee_find(text=str(data["profile_id"]) if data["profile_id"] > 0 else "")
        else:
            raise ValidationFailed(_EMAIL_OR_PROFILE, field="email")
        if member is None:
            raise NotFound(_NOBODY)
        membership = services.member_invite(collective=collective, by=request.user, member=member)
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)


class MyCollectivesApi(APIView):
    """My memberships: the collectives I am in and the invitations waiting for my answer."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_collectives_list",
        summary="Mes collectifs et invitations",
        responses={200: MembershipSerializer(many=True), **error_responses(401)},
    )
    def get(self, request):
        rows = (
            CollectiveMembership.objects.filter(
                member=request.user, status__in=[MembershipStatus.ACTIVE, MembershipStatus.INVITED]
            )
            .select_related("collective__municipality__mrc", "invited_by__freelancer_profile")
            .order_by("collective__name", "pk")
        )
        return Response(MembershipSerializer(rows, many=True).data)


class InvitationAnswerApi(APIView):
    """The invitee accepts or declines an invitation, once."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="me_collective_invitation_answer",
        summary="Répondre à une invitation",
        request=AnswerInputSerializer,
        responses={200: MembershipSerializer, **error_responses(400, 401, 404, 409)},
    )
    def post(self, request, pk: int):
        membership = selectors.invitation_get_own(user=request.user, membership_id=pk)
        data = _input(AnswerInputSerializer, request)
        membership = services.invitation_answer(membership=membership, by=request.user, accept=data["accept"])
        return Response(MembershipSerializer(membership).data)


class CollectiveLeaveApi(APIView):
    """The caller leaves the collective; the last admin names another one first."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="collectives_leave",
        summary="Quitter un collectif",
        parameters=[_SLUG],
        request=None,
        responses={200: MembershipSerializer, **error_responses(401, 404, 409)},
    )
    def post(self, request, slug: str):
        collective = selectors.collective_detail(slug=slug)
        membership = selectors.membership_of(collective, request.user)
        if membership is None or membership.status != MembershipStatus.ACTIVE:
            raise NotFound(_NOT_A_MEMBER)
        return Response(MembershipSerializer(services.member_leave(membership=membership)).data)


class CollectiveMemberApi(APIView):
    """An admin removes a member (or withdraws an invitation)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="collectives_members_remove",
        summary="Retirer un membre",
        parameters=[_SLUG],
        responses={204: None, **error_responses(401, 403, 404, 409)},
    )
    def delete(self, request, slug: str, user_id: int):
        collective = selectors.collective_detail(slug=slug)
        member = selectors.member_get(collective=collective, user_id=user_id)
        services.member_remove(collective=collective, by=request.user, member=member)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CollectiveMemberRoleApi(APIView):
    """An admin makes a member an admin or a plain member."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="collectives_members_role",
        summary="Changer le rôle d'un membre",
        parameters=[_SLUG],
        request=RoleInputSerializer,
        responses={200: MemberSerializer, **error_responses(400, 401, 403, 404, 409)},
    )
    def put(self, request, slug: str, user_id: int):
        collective = selectors.collective_detail(slug=slug)
        member = selectors.member_get(collective=collective, user_id=user_id)
        data = _input(RoleInputSerializer, request)
        membership = services.member_role_set(collective=collective, by=request.user, member=member, role=data["role"])
        return Response(MemberSerializer(membership).data)


_EMAIL_OR_PROFILE = services.EMAIL_OR_PROFILE
_NOBODY = services.NOBODY_MATCHES
_NOT_A_MEMBER = services.NOT_A_MEMBER
