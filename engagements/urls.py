from django.urls import path

from engagements import views

urlpatterns = [
    path("mandats/", views.EngagementListView.as_view(), name="engagement-list"),
    path("mandats/<int:pk>/", views.EngagementDetailView.as_view(), name="engagement-detail"),
    path("mandats/<int:pk>/jalons/", views.MilestonesProposeView.as_view(), name="engagement-milestones-propose"),
    path(
        "mandats/<int:pk>/jalons/accepter/", views.MilestonesAcceptView.as_view(), name="engagement-milestones-accept"
    ),
    path("mandats/<int:pk>/livrer/", views.DeliverView.as_view(), name="engagement-deliver"),
    path(
        "mandats/<int:pk>/livraisons/<int:delivery_pk>/approuver/",
        views.DeliveryApproveView.as_view(),
        name="engagement-delivery-approve",
    ),
    path(
        "mandats/<int:pk>/livraisons/<int:delivery_pk>/modifications/",
        views.DeliveryChangesView.as_view(),
        name="engagement-delivery-changes",
    ),
    path("mandats/<int:pk>/fichiers/<int:file_pk>/", views.DeliveryFileView.as_view(), name="engagement-file"),
]
