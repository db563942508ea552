import threading
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.contrib import admin
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.views import defaults, i18n
from django.views.generic import TemplateView
from drf_spectacular.utils import extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework.exceptions import NotFound

from marketplace.common import seo
from marketplace.common.web_errors import catch_refusal
from profiles.models import Region
from profiles.services import account_language_set
from projects.models import Category
from projects.selectors import project_list_open

# drf-spectacular's generator keeps state shared by every thread (extensions loaded on first use, its
# warnings' counters): two schemas built at once could answer 500 (drf-spectacular #1122, #1123, #1368).
_schema_lock = threading.Lock()


class SchemaView(SpectacularAPIView):
    """The API's OpenAPI schema, built by one request of the process at a time."""

    @extend_schema(exclude=True)  # as drf-spectacular's own view: the schema does not describe itself
    def get(self, request, *args, **kwargs):
        with _schema_lock:
            return super().get(request, *args, **kwargs)


class HomeView(TemplateView):
    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["recent_projects"] = list(project_list_open(viewer=self.request.user)[:6])
        context["categories"] = Category.choices
        context["regions"] = Region.choices
        return context


class AboutView(TemplateView):
    template_name = "about.html"


_admin_password_login = admin.site.login


def admin_login(request, extra_context=None):
    """Send staff to the site's login, whose rate limits and lockout the admin's own form lacks."""
    if request.user.is_authenticated:
        # Signed in: the admin's view sends staff on and tells others they lack access.
        return _admin_password_login(request, extra_context)
    next_url = request.GET.get("next") or reverse("admin:index")
    return HttpResponseRedirect(f"{reverse('account_login')}?{urlencode({'next': next_url})}")


def language_set(request):
    """Django's language switch; a signed-in member's e-mails and notifications follow their choice."""
    response = i18n.set_language(request)
    if isinstance(response, HttpResponseRedirect):
        # Back to the page without its `?lang=`, which would otherwise outweigh the language just chosen.
        response["Location"] = _without_language_param(response["Location"])
    if request.method == "POST" and request.user.is_authenticated and request.POST.get("language"):
        # A language we don't offer: Django's view ignored it too, and the member keeps theirs.
        with catch_refusal():
            account_language_set(user=request.user, language=request.POST["language"])
    return response


def page_not_found(request, exception):
    """Django's 404 page, except under /api/: there a path that names nothing is the API's JSON 404."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": str(NotFound.default_detail)}, status=404)
    return defaults.page_not_found(request, exception)


def _without_language_param(url: str) -> str:
    parts = urlsplit(url)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True) if key != seo.LANGUAGE_PARAM]
    return urlunsplit(parts._replace(query=urlencode(query)))


# Where crawlers have nothing to read: sign-in and account pages, messages, the API, admin, forms.
ROBOTS_PRIVATE_URL_NAMES = (
    "admin:index",
    "account_login",  # /comptes/…
    "privacy-settings",  # /compte/…
    "conversation-list",
    "notification-list",
    "profile-edit",
    "dashboard",
    "set_language",
    "api-schema",  # /api/…
    "report-create",  # /signaler/…
)
ROBOTS_PRIVATE_PATHS = ("project-create", "saved-search-create")


_EXAMPLE_ARGS = {"report-create": ["profile", 1]}


def _first_segment(url_name: str) -> str:
    return "/" + reverse(url_name, args=_EXAMPLE_ARGS.get(url_name)).strip("/").split("/")[0] + "/"


def robots_txt(request):
    """robots.txt: public pages open, private areas closed, and where the sitemap is."""
    disallowed = dict.fromkeys(
        [*(_first_segment(name) for name in ROBOTS_PRIVATE_URL_NAMES), *(reverse(n) for n in ROBOTS_PRIVATE_PATHS)]
    )
    lines = [
        "User-agent: *",
        "Allow: /",
        *(f"Disallow: {path}" for path in disallowed),
        "",
        f"Sitemap: {settings.SITE_URL}{reverse('sitemap')}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
