from django.urls import path

from engagements import api

urlpatterns = [
    path("engagements/", api.EngagementListApi.as_view(), name="api-engagement-list"),
    path("engagements/<int:pk>/", api.EngagementDetailApi.as_view(), name="api-engagement-detail"),
    path("engagements/<int:pk>/milestones/", api.MilestonesProposeApi.as_view(), name="api-engagement-milestones"),
    path(
        "engagements/<int:pk>/milestones/accept/",
        api.MilestonesAcceptApi.as_view(),
        name="api-engagement-milestones-accept",
    ),
    path("engagements/<int:pk>/deliveries/", api.DeliverApi.as_view(), name="api-engagement-deliver"),
    path(
        "engagements/<int:pk>/deliveries/<int:delivery_pk>/approve/",
        api.DeliveryApproveApi.as_view(),
        name="api-engagement-delivery-approve",
    ),
    path(
        "engagements/<int:pk>/deliveries/<int:delivery_pk>/request-changes/",
        api.DeliveryRequestChangesApi.as_view(),
        name="api-engagement-delivery-request-changes",
    ),
]
