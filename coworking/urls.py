from django.urls import path

from coworking import views

# /coworking/ itself (the directory and its search) is search's: search/urls.py.
urlpatterns = [
    path("coworking/proposer/", views.SpaceProposeView.as_view(), name="coworking-propose"),
    path("coworking/a-approuver/", views.SpaceReviewListView.as_view(), name="coworking-review"),
    path("coworking/a-approuver/<int:pk>/", views.SpaceReviewView.as_view(), name="coworking-review-decide"),
    path("coworking/<slug:slug>/", views.SpaceDetailView.as_view(), name="coworking-detail"),
    path("coworking/<slug:slug>/modifier/", views.SpaceUpdateView.as_view(), name="coworking-update"),
    path("coworking/<slug:slug>/gestionnaires/", views.SpaceManagersView.as_view(), name="coworking-managers"),
    path(
        "coworking/<slug:slug>/gestionnaires/quitter/",
        views.SpaceManagerLeaveView.as_view(),
        name="coworking-managers-leave",
    ),
]
