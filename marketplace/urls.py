from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularSwaggerSplitView

from marketplace import views
from marketplace.common import health
from marketplace.common.seo import StaticSitemap
from profiles.seo import MrcSitemap, ProfileSitemap
from projects.seo import ProjectSitemap

admin.site.login = views.admin_login
handler404 = views.page_not_found

SITEMAPS = {"pages": StaticSitemap, "mrc": MrcSitemap, "pigistes": ProfileSitemap, "projets": ProjectSitemap}

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("readyz", health.readyz, name="readyz"),
    path("a-propos/", views.AboutView.as_view(), name="about"),
    path("i18n/setlang/", views.language_set, name="set_language"),
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("", include("profiles.urls")),
    path("", include("projects.urls")),
    path("", include("messaging.urls")),
    path("", include("notifications.urls")),
    path("", include("search.urls")),
    path("", include("privacy.urls")),
    path("", include("community.urls")),
    path("", include("coworking.urls")),
    path("", include("collectives.urls")),
    path("", include("engagements.urls")),
    path("", include("invoicing.urls")),
    path("api/v1/", include("marketplace.api_urls")),
    path("api/schema/", views.SchemaView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]


def _public_media(request, path):
    # MEDIA_ROOT read per request, not at import: tests give each run its own folder.
    return serve(request, path, document_root=settings.MEDIA_ROOT)


if not settings.AWS_STORAGE_BUCKET_NAME:
    # Public media on the local disk (`make run`, a single server). Private files live outside
    # MEDIA_ROOT and are only reachable through their permission-checked views.
    urlpatterns += [re_path(r"^media/(?P<path>.*)$", _public_media, name="media")]
