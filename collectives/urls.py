from django.urls import path

from collectives import views

urlpatterns = [
    path("collectifs/", views.CollectiveListView.as_view(), name="collective-list"),
    path("collectifs/nouveau/", views.CollectiveCreateView.as_view(), name="collective-create"),
    path("collectifs/<slug:slug>/", views.CollectiveDetailView.as_view(), name="collective-detail"),
    path("collectifs/<slug:slug>/modifier/", views.CollectiveUpdateView.as_view(), name="collective-update"),
    path("collectifs/<slug:slug>/inviter/", views.MemberInviteView.as_view(), name="collective-invite"),
    path("collectifs/<slug:slug>/quitter/", views.MemberLeaveView.as_view(), name="collective-leave"),
    path(
        "collectifs/<slug:slug>/membres/<int:user_id>/retirer/",
        views.MemberRemoveView.as_view(),
        name="collective-member-remove",
    ),
    path(
        "collectifs/<slug:slug>/membres/<int:user_id>/role/",
        views.MemberRoleView.as_view(),
        name="collective-member-role",
    ),
    path("mon-profil/collectifs/", views.MyCollectivesView.as_view(), name="my-collectives"),
    path(
        "mon-profil/collectifs/invitations/<int:pk>/",
        views.InvitationAnswerView.as_view(),
        name="collective-invitation-answer",
    ),
]
