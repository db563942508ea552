from django.urls import path

from community import views, views_events

urlpatterns = [
    # Groups and their bulletin board (views.py). Events and cohorts add their routes below (views_events.py).
    path("groupes/", views.GroupListView.as_view(), name="group-list"),
    path("groupes/nouveau/", views.GroupCreateView.as_view(), name="group-create"),
    path("groupes/mes-groupes/", views.GroupMineView.as_view(), name="group-mine"),
    path("groupes/<slug:slug>/", views.GroupDetailView.as_view(), name="group-detail"),
    path("groupes/<slug:slug>/modifier/", views.GroupUpdateView.as_view(), name="group-update"),
    path("groupes/<slug:slug>/rejoindre/", views.GroupJoinView.as_view(), name="group-join"),
    path("groupes/<slug:slug>/quitter/", views.GroupLeaveView.as_view(), name="group-leave"),
    path("groupes/<slug:slug>/invitation/", views.GroupInvitationAnswerView.as_view(), name="group-invitation-answer"),
    path("groupes/<slug:slug>/inviter/", views.GroupInviteView.as_view(), name="group-invite"),
    path(
        "groupes/<slug:slug>/membres/<int:member_id>/demande/",
        views.GroupRequestAnswerView.as_view(),
        name="group-request-answer",
    ),
    path(
        "groupes/<slug:slug>/membres/<int:member_id>/retirer/",
        views.GroupMemberRemoveView.as_view(),
        name="group-member-remove",
    ),
    path("groupes/<slug:slug>/babillard/", views.BulletinPostCreateView.as_view(), name="group-post-create"),
    path("groupes/<slug:slug>/babillard/lu/", views.BulletinReadView.as_view(), name="group-board-read"),
    path(
        "groupes/<slug:slug>/babillard/<int:post_id>/",
        views.BulletinPostFragmentView.as_view(),
        name="group-post-fragment",
    ),
    # Events and cohorts (views_events.py).
    path("evenements/", views_events.EventListView.as_view(), name="event-list"),
    path("evenements/mon-calendrier/", views_events.MyCalendarView.as_view(), name="event-my-calendar"),
    path("evenements/<int:pk>/", views_events.EventDetailView.as_view(), name="event-detail"),
    path("evenements/<int:pk>/modifier/", views_events.EventUpdateView.as_view(), name="event-update"),
    path("evenements/<int:pk>/annuler/", views_events.EventCancelView.as_view(), name="event-cancel"),
    path("evenements/<int:pk>/inscription/", views_events.EventRegisterView.as_view(), name="event-register"),
    path("evenements/<int:pk>/desinscription/", views_events.EventUnregisterView.as_view(), name="event-unregister"),
    path("evenements/<int:pk>/evenement.ics", views_events.EventIcsView.as_view(), name="event-ics"),
    path("calendrier/<str:token>.ics", views_events.CalendarFeedView.as_view(), name="calendar-feed"),
    path("groupes/<slug:slug>/evenements/nouveau/", views_events.EventCreateView.as_view(), name="event-create"),
    path("groupes/<slug:slug>/cohorte/", views_events.CohortDetailView.as_view(), name="cohort-detail"),
    path("groupes/<slug:slug>/cohorte/reglages/", views_events.CohortSettingsView.as_view(), name="cohort-settings"),
    path("groupes/<slug:slug>/cohorte/inscription/", views_events.CohortRegisterView.as_view(), name="cohort-register"),
    path(
        "groupes/<slug:slug>/cohorte/desinscription/",
        views_events.CohortUnregisterView.as_view(),
        name="cohort-unregister",
    ),
]
