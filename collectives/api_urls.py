from django.urls import path

from collectives import api

urlpatterns = [
    path("collectives/", api.CollectiveListCreateApi.as_view(), name="api-collective-list"),
    path("collectives/<slug:slug>/", api.CollectiveDetailApi.as_view(), name="api-collective-detail"),
    path("collectives/<slug:slug>/members/", api.CollectiveMembersApi.as_view(), name="api-collective-members"),
    path("collectives/<slug:slug>/invitations/", api.CollectiveInviteApi.as_view(), name="api-collective-invite"),
    path("collectives/<slug:slug>/leave/", api.CollectiveLeaveApi.as_view(), name="api-collective-leave"),
    path(
        "collectives/<slug:slug>/members/<int:user_id>/",
        api.CollectiveMemberApi.as_view(),
        name="api-collective-member",
    ),
    path(
        "collectives/<slug:slug>/members/<int:user_id>/role/",
        api.CollectiveMemberRoleApi.as_view(),
        name="api-collective-member-role",
    ),
    path("me/collectives/", api.MyCollectivesApi.as_view(), name="api-my-collectives"),
    path(
        "me/collective-invitations/<int:pk>/answer/",
        api.InvitationAnswerApi.as_view(),
        name="api-collective-invitation-answer",
    ),
]
