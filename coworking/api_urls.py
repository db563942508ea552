from django.urls import path

from coworking import api

# The list and search of spaces: search's /api/v1/search/coworking/ (search/api_urls.py).
urlpatterns = [
    path("coworking/spaces/", api.SpaceProposeApi.as_view(), name="api-coworking-propose"),
    path("coworking/spaces/<slug:slug>/", api.SpaceDetailApi.as_view(), name="api-coworking-detail"),
    path("coworking/spaces/<slug:slug>/photos/", api.SpacePhotosApi.as_view(), name="api-coworking-photos"),
    path("coworking/spaces/<slug:slug>/approve/", api.SpaceApproveApi.as_view(), name="api-coworking-approve"),
    path("coworking/spaces/<slug:slug>/refuse/", api.SpaceRefuseApi.as_view(), name="api-coworking-refuse"),
    path("coworking/spaces/<slug:slug>/managers/", api.SpaceManagersApi.as_view(), name="api-coworking-managers"),
    path(
        "coworking/spaces/<slug:slug>/managers/leave/",
        api.SpaceManagerLeaveApi.as_view(),
        name="api-coworking-managers-leave",
    ),
]
