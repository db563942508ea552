from django.urls import path

from community import api, api_events

urlpatterns = [
    # Groups and their bulletin board (api.py). Events and cohorts add their routes below (api_events.py).
    path("groups/", api.GroupListApi.as_view(), name="api-group-list"),
    path("groups/mine/", api.MyGroupListApi.as_view(), name="api-group-mine"),
    path("groups/<int:pk>/", api.GroupDetailApi.as_view(), name="api-group-detail"),
    path("groups/<int:pk>/join/", api.GroupJoinApi.as_view(), name="api-group-join"),
    path("groups/<int:pk>/leave/", api.GroupLeaveApi.as_view(), name="api-group-leave"),
    path("groups/<int:pk>/invitation/", api.GroupInvitationApi.as_view(), name="api-group-invitation"),
    path("groups/<int:pk>/invite/", api.GroupInviteApi.as_view(), name="api-group-invite"),
    path("groups/<int:pk>/members/", api.GroupMembersApi.as_view(), name="api-group-members"),
    path("groups/<int:pk>/members/<int:user_id>/", api.GroupMemberApi.as_view(), name="api-group-member"),
    path(
        "groups/<int:pk>/members/<int:user_id>/request/",
        api.GroupRequestAnswerApi.as_view(),
        name="api-group-request-answer",
    ),
    path("groups/<int:pk>/posts/", api.GroupPostListApi.as_view(), name="api-group-posts"),
    path("groups/<int:pk>/posts/<int:post_id>/replies/", api.GroupPostReplyApi.as_view(), name="api-group-post-reply"),
    path("groups/<int:pk>/read/", api.GroupReadApi.as_view(), name="api-group-read"),
    # Events and cohorts (api_events.py).
    path("events/", api_events.EventListCreateApi.as_view(), name="api-event-list"),
    path("events/<int:pk>/", api_events.EventDetailApi.as_view(), name="api-event-detail"),
    path("events/<int:pk>/cancel/", api_events.EventCancelApi.as_view(), name="api-event-cancel"),
    path("events/<int:pk>/registration/", api_events.EventRegistrationApi.as_view(), name="api-event-registration"),
    path("events/<int:pk>/ics/", api_events.EventIcsApi.as_view(), name="api-event-ics"),
    path("groups/<int:pk>/cohort/", api_events.CohortApi.as_view(), name="api-cohort"),
    path(
        "groups/<int:pk>/cohort/registration/",
        api_events.CohortRegistrationApi.as_view(),
        name="api-cohort-registration",
    ),
    path("me/event-registrations/", api_events.MyRegistrationsApi.as_view(), name="api-my-event-registrations"),
    path("me/calendar-feed/", api_events.MyCalendarFeedApi.as_view(), name="api-my-calendar-feed"),
    path("me/calendar-feed/reset/", api_events.MyCalendarFeedResetApi.as_view(), name="api-my-calendar-feed-reset"),
]
