"""/api/v1/groups/: groups, their memberships and bulletin boards (the rules are in community.services)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors, services
from community.models import GroupAccess, OrganiserKind
from marketplace.common.api import error_responses
from marketplace.common.api_input import JSONInputSerializer
from marketplace.common.api_schema import NOT_BLANK, documented
from marketplace.common.errors import ValidationFailed
from marketplace.common.ratelimit import ratelimit


def group_payload(group, *, info=None) -> dict:
    data = {
        "id": group.pk,
        "slug": group.slug,
        "name": group.name,
        "description": group.description,
        "access": group.access,
        "organiser_kind": group.organiser_kind,
        "mrc": {"id": group.mrc_id, "name": group.mrc.name, "slug": group.mrc.slug} if group.mrc_id else None,
        "municipality": {"id": group.municipality_id, "name": group.municipality.name}
        if group.municipality_id
        else None,
        "is_cohort": group.is_cohort,
    }
    if hasattr(group, "member_count"):
        data["member_count"] = group.member_count
    if info is not None:
        data["membership"] = (
            {"status": info.membership.status, "role": info.membership.role} if info.membership is not None else None
        )
    return data


def membership_payload(membership) -> dict:
    member = membership.member
    profile = getattr(member, "freelancer_profile", None)
    visible = profile is not None and not profile.is_hidden
    return {
        "user": {"id": member.pk, "name": member.public_name},
        "role": membership.role,
        "status": membership.status,
        "headline": profile.headline if visible else "",
        "place": profile.municipality.full_label if visible and profile.municipality_id else "",
        "freelancer_profile": profile.pk if visible else None,
    }


def _choice(values: list[str]):
    # An inline enum: "status" and "role" name other choice sets elsewhere in the API (collectives).
    return documented(serializers.CharField(), {"type": "string", "enum": values})


# --- Shapes, for the OpenAPI schema ---------------------------------------------------------------


class GroupPlaceOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GroupMrcOut(GroupPlaceOut):
    slug = serializers.CharField()


class GroupMyMembershipOut(serializers.Serializer):
    status = _choice(["demande", "invite", "actif"])
    role = _choice(["organisateur", "membre"])


class GroupOut(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()
    access = serializers.ChoiceField(choices=GroupAccess.values)
    organiser_kind = serializers.ChoiceField(choices=OrganiserKind.values)
    mrc = GroupMrcOut(allow_null=True)
    municipality = GroupPlaceOut(allow_null=True)
    is_cohort = serializers.BooleanField()
    member_count = serializers.IntegerField(required=False)
    membership = GroupMyMembershipOut(allow_null=True, required=False, help_text="The caller's current membership.")


class GroupListOut(serializers.Serializer):
    results = GroupOut(many=True)


class GroupMembershipOut(serializers.Serializer):
    user = serializers.DictField(help_text='{"id", "name"}')
    role = _choice(["organisateur", "membre"])
    status = _choice(["demande", "invite", "actif", "parti", "retire"])
    headline = serializers.CharField(help_text="From the member's freelancer profile, if any.")
    place = serializers.CharField(help_text="From the member's freelancer profile, if any.")
    freelancer_profile = serializers.IntegerField(allow_null=True)


class GroupMembershipListOut(serializers.Serializer):
    results = GroupMembershipOut(many=True)
    pending = GroupMembershipOut(many=True, required=False, help_text="Requests and invitations (organisers only).")


class GroupMineOut(serializers.Serializer):
    group = GroupOut()
    status = _choice(["demande", "invite", "actif"])
    role = _choice(["organisateur", "membre"])
    unread = serializers.IntegerField()


class GroupMineListOut(serializers.Serializer):
    results = GroupMineOut(many=True)


class BulletinAuthorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class BulletinPostOut(serializers.Serializer):
    id = serializers.IntegerField()
    group = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)
    author = BulletinAuthorOut()
    body = serializers.CharField()
    body_html = serializers.CharField(help_text="The body escaped, with links made clickable.")
    created_at = serializers.DateTimeField()


class BulletinThreadOut(BulletinPostOut):
    replies = BulletinPostOut(many=True)


class BulletinPostListOut(serializers.Serializer):
    results = BulletinThreadOut(many=True)
    has_more = serializers.BooleanField()


class GroupIn(JSONInputSerializer):
    name = documented(serializers.CharField(), {"type": "string", "maxLength": 120, "pattern": NOT_BLANK})
    description = documented(
        serializers.CharField(required=False, allow_blank=True), {"type": "string", "maxLength": 5000}
    )
    access = serializers.ChoiceField(choices=GroupAccess.values, required=False)
    organiser_kind = serializers.ChoiceField(choices=OrganiserKind.values, required=False)
    mrc = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    municipality = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)


class GroupUpdateIn(GroupIn):
    name = documented(
        serializers.CharField(required=False),
        {"type": "string", "maxLength": 120, "pattern": NOT_BLANK},
    )


class GroupAnswerIn(JSONInputSerializer):
    accept = serializers.BooleanField()


class GroupInviteIn(JSONInputSerializer):
    user = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="The id of the member to invite.")


class BulletinPostIn(JSONInputSerializer):
    body = documented(
        # The service checks the length, with a message that says how long the text is.
        serializers.CharField(trim_whitespace=False),
        {"type": "string", "maxLength": 5000, "pattern": NOT_BLANK},
    )


class BulletinReadIn(JSONInputSerializer):
    up_to = serializers.IntegerField(
        required=False, min_value=0, max_value=2**63 - 1, help_text="A post id; omit it to mark everything read."
    )


class BulletinReadOut(serializers.Serializer):
    group = serializers.IntegerField()
    up_to = serializers.IntegerField()


# --- Views ------------------------------------------------------------------------------------------


def _thread_payload(post) -> dict:
    return {**selectors.post_payload(post), "replies": [selectors.post_payload(r) for r in post.visible_replies]}


def _group_out(request, group_id) -> dict:
    group, info = selectors.group_get_for_viewer(user=request.user, group_id=group_id)
    return group_payload(group, info=info)


class GroupListApi(APIView):
    """GET: groups one may join (filter by MRC slug). POST: create a group; the caller organises it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="groups_list",
        parameters=[OpenApiParameter("mrc", str, description="An MRC's slug, e.g. kamouraska.")],
        responses=GroupListOut,
    )
    def get(self, request):
        mrc = request.query_params.get("mrc") or None
        groups = selectors.group_list(user=request.user, mrc_slug=mrc)
        return Response({"results": [group_payload(g) for g in groups]})

    @extend_schema(operation_id="groups_create", request=GroupIn, responses={201: GroupOut, **error_responses(409)})
    @ratelimit(scope="group-create")
    def post(self, request):
        data = GroupIn(data=request.data)
        data.is_valid(raise_exception=True)
        group = services.group_create(user=request.user, data=data.validated_data)
        return Response(_group_out(request, group.pk), status=status.HTTP_201_CREATED)


class MyGroupListApi(APIView):
    """GET: my groups, invitations and requests, with unread posts per group."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="groups_mine", responses=GroupMineListOut)
    def get(self, request):
        memberships = selectors.groups_of_member(user=request.user)
        return Response(
            {
                "results": [
                    {"group": group_payload(m.group), "status": m.status, "role": m.role, "unread": m.unread}
                    for m in memberships
                ]
            }
        )


class GroupDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="groups_retrieve", responses=GroupOut)
    def get(self, request, pk):
        return Response(_group_out(request, pk))

    @extend_schema(
        operation_id="groups_update", request=GroupUpdateIn, responses={200: GroupOut, **error_responses(403)}
    )
    def patch(self, request, pk):
        selectors.group_get_for_viewer(user=request.user, group_id=pk)
        data = GroupUpdateIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.group_update(user=request.user, group_id=pk, data=data.validated_data)
        return Response(_group_out(request, pk))


class GroupJoinApi(APIView):
    """POST: join a public group, ask to join one on request, or accept an invitation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="groups_join", request=None, responses={200: GroupOut, **error_responses(403, 409)})
    def post(self, request, pk):
        selectors.group_get_for_viewer(user=request.user, group_id=pk)
        services.group_join(user=request.user, group_id=pk)
        return Response(_group_out(request, pk))


class GroupLeaveApi(APIView):
    """POST: leave the group, withdraw a request or decline an invitation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="groups_leave", request=None, responses={204: None, **error_responses(409)})
    def post(self, request, pk):
        selectors.group_get_for_viewer(user=request.user, group_id=pk)
        services.group_leave(user=request.user, group_id=pk)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupInvitationApi(APIView):
    """POST {accept}: answer my invitation to the group."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="groups_invitation_answer",
        request=GroupAnswerIn,
        responses={200: GroupOut, 204: None, **error_responses(409)},
    )
    def post(self, request, pk):
        selectors.group_get_for_viewer(user=request.user, group_id=pk)
        data = GroupAnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        services.group_invitation_answer(user=request.user, group_id=pk, accept=data.validated_data["accept"])
        if not data.validated_data["accept"]:
            # Declined: an invitation-only group is no longer visible to the caller.
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(_group_out(request, pk))


class GroupInviteApi(APIView):
    """POST {user}: an organiser invites a member (a pending request from them is accepted instead)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="groups_invite",
        request=GroupInviteIn,
        responses={201: GroupMembershipOut, **error_responses(403, 409)},
    )
    @ratelimit(scope="group-invite")
    def post(self, request, pk):
        selectors.group_get_for_viewer(user=request.user, group_id=pk)
        data = GroupInviteIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.group_invite(user=request.user, group_id=pk, invitee=data.validated_data["user"])
        return Response(membership_payload(membership), status=status.HTTP_201_CREATED)


class GroupMembersApi(APIView):
    """GET: the members' directory; organisers also get pending requests and invitations."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="groups_members_list", responses=GroupMembershipListOut)
    def get(self, request, pk):
        group, info = selectors.group_get_for_viewer(user=request.user, group_id=pk)
        body = {"results": [membership_payload(m) for m in selectors.group_members(group=group)]}
        if info.can_manage:
            body["pending"] = [membership_payload(m) for m in selectors.group_pending(group=group)]
        return Response(body)


class GroupMemberApi(APIView):
    """DELETE: an organiser removes a member or withdraws an invitation."""

    permission_classes = [IsAuthenticated]

    @extend_schema(operation_id="groups_members_remove", responses={204: None, **error_responses(403, 409)})
    def delete(self, request, pk, user_id):
        selectors.group_get_for_viewer(user=request.user, group_id=pk)
        services.group_member_remove(user=request.user, group_id=pk, member_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class GroupRequestAnswerApi(APIView):
    """POST {accept}: an organiser accepts or refuses a member's request to join."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="groups_request_answer",
        request=GroupAnswerIn,
        responses={200: GroupMembershipOut, **error_responses(403, 409)},
    )
    def post(self, request, pk, user_id):
        selectors.group_get_for_viewer(user=request.user, group_id=pk)
        data = GroupAnswerIn(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.group_request_answer(
            user=request.user, group_id=pk, member_id=user_id, accept=data.validated_data["accept"]
        )
        return Response(membership_payload(membership))


class GroupPostListApi(APIView):
    """GET: the board, newest threads first (members only). POST {body}: a new post."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="groups_posts_list",
        parameters=[
            OpenApiParameter("before", int, description="Only threads older than this post id (next page)."),
        ],
        responses={200: BulletinPostListOut, **error_responses(400, 403)},
    )
    def get(self, request, pk):
        group, info = selectors.group_get_for_viewer(user=request.user, group_id=pk)
        before = request.query_params.get("before")
        if before is not None:
            try:
                before = int(before)
            except ValueError:
                raise ValidationFailed(_("Un numéro de message est attendu."), field="before") from None
            # Beyond any id: every thread (a database integer can't hold it).
            before = max(before, 0) if before < 2**63 else None
        posts, has_more = selectors.bulletin_posts(user=request.user, group=group, info=info, before=before)
        return Response({"results": [_thread_payload(p) for p in posts], "has_more": has_more})

    @extend_schema(
        operation_id="groups_posts_create",
        request=BulletinPostIn,
        responses={201: BulletinPostOut, **error_responses(403)},
    )
    @ratelimit(scope="group-post")
    def post(self, request, pk):
        selectors.group_get_for_viewer(user=request.user, group_id=pk)
        data = BulletinPostIn(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.bulletin_post_create(user=request.user, group_id=pk, body=data.validated_data["body"])
        return Response(selectors.post_payload(post), status=status.HTTP_201_CREATED)


class GroupPostReplyApi(APIView):
    """POST {body}: reply to a post (a reply to a reply joins its thread)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="groups_posts_reply",
        request=BulletinPostIn,
        responses={201: BulletinPostOut, **error_responses(403)},
    )
    @ratelimit(scope="group-post")
    def post(self, request, pk, post_id):
        selectors.group_get_for_viewer(user=request.user, group_id=pk)
        data = BulletinPostIn(data=request.data)
        data.is_valid(raise_exception=True)
        post = services.bulletin_post_create(
            user=request.user, group_id=pk, body=data.validated_data["body"], parent_id=post_id
        )
        return Response(selectors.post_payload(post), status=status.HTTP_201_CREATED)


class GroupReadApi(APIView):
    """POST {up_to}: I have read the board up to this post (the header's count goes down)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="groups_posts_read",
        request=BulletinReadIn,
        responses={200: BulletinReadOut, **error_responses(403)},
    )
    def post(self, request, pk):
        selectors.group_get_for_viewer(user=request.user, group_id=pk)
        data = BulletinReadIn(data=request.data)
        data.is_valid(raise_exception=True)
        up_to = services.bulletin_mark_read(user=request.user, group_id=pk, up_to=data.validated_data.get("up_to"))
        return Response({"group": pk, "up_to": up_to})
