"""/api/v1/: each app contributes its own routes."""

from django.urls import include, path

urlpatterns = [
    path("", include("profiles.api_urls")),
    path("", include("projects.api_urls")),
    path("", include("messaging.api_urls")),
    path("", include("notifications.api_urls")),
    path("", include("search.api_urls")),
    path("", include("privacy.api_urls")),
    path("", include("community.api_urls")),
    path("", include("coworking.api_urls")),
    path("", include("collectives.api_urls")),
    path("", include("engagements.api_urls")),
    path("", include("invoicing.api_urls")),
]
